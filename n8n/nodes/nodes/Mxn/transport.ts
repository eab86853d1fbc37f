import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

type Context = IExecuteFunctions | ILoadOptionsFunctions;

const DEFAULT_TIMEOUT_MS = 60_000;

export interface MxnCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs?: number;
	/** Log Many: the input item of the batch's first row, so that "interactions[i]" in an error names the
	 * input item (interactions[firstItem + i]) rather than the row of that batch. */
	firstItem?: number;
	/** Error statuses whose body is the answer all the same. */
	answeredBy?: number[];
}

/** mxn's error body: {"error": {"code", "message", "field", "problems"?}} (problems: when several). */
interface MxnError {
	code?: string;
	message?: string;
	field?: string;
	problems?: Array<{ field: string; message: string }>;
}

function errorOf(body: unknown): MxnError | undefined {
	if (body === null || typeof body !== 'object') return undefined;
	const error = (body as IDataObject).error;
	return error !== null && typeof error === 'object' ? (error as MxnError) : undefined;
}

/** A call that got no answer: the server cannot be reached, or did not answer in time. */
function unanswered(
	ctx: Context,
	call: MxnCall,
	base: string,
	error: unknown,
	itemIndex: number,
): NodeApiError {
	// n8n's helper has already made it a NodeApiError saying only "The service refused the connection":
	// which service, and the system's own reason (the first of its messages, or its cause), help more.
	const e = error as { message: string; messages?: string[]; cause?: { message?: string } };
	const reason = e.cause?.message ?? e.messages?.[0] ?? e.message;
	const result = new NodeApiError(
		ctx.getNode(),
		{ message: reason },
		{ description: `${call.method} ${call.path} got no answer`, itemIndex },
	);
	const timeoutS = (call.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000;
	const stillRunning = call.path.startsWith('/training/')
		? ' (the job goes on: Training → Job Status follows it)'
		: '';
	result.message = /timeout/i.test(reason)
		? `mxn at ${base} did not answer within ${timeoutS} s${stillRunning}`
		: `cannot reach mxn at ${base}: ${reason}`;
	return result;
}

/** An error answer: its message is the API's "field: message" (or its list of problems), with item numbers
 * for Log Many; the description says the status, code and call; the context carries them. */
function answeredWithError(
	ctx: Context,
	call: MxnCall,
	statusCode: number,
	body: unknown,
	itemIndex: number,
): NodeApiError {
	const error = errorOf(body) ?? {};
	const renumber = (text: string) =>
		call.firstItem === undefined
			? text
			: text.replace(
					/interactions\[(\d+)\]/g,
					(_, i: string) => `interactions[${call.firstItem! + Number(i)}]`,
				);
	const field = renumber(error.field ?? '');
	const message = renumber(error.message ?? (typeof body === 'string' ? body : JSON.stringify(body)));
	const problems = error.problems?.map((p) => ({ field: renumber(p.field), message: p.message }));
	const result = new NodeApiError(ctx.getNode(), { ...error, status: statusCode } as JsonObject, {
		description: `mxn answered ${statusCode}${error.code ? ` ${error.code}` : ''} to ${call.method} ${call.path}`,
		httpCode: String(statusCode),
		itemIndex,
	});
	// Set after construction: n8n rewrites a message that merely contains words such as "EEXIST" or "ENOENT"
	// (an item id can) into its own text about files. With several problems the API's message lists each.
	result.message = problems || !field ? message : `${field}: ${message}`;
	result.context.status = statusCode;
	result.context.code = error.code;
	result.context.field = field;
	if (problems) result.context.problems = problems;
	return result;
}

/**
 * One call to the mxn API with the node's mxnApi credential: the answer's JSON, or a NodeApiError (an error
 * answer, or none: see unanswered and answeredWithError).
 */
export async function mxnRequest(this: Context, call: MxnCall, itemIndex = 0): Promise<IDataObject> {
	const credentials = await this.getCredentials('mxnApi');
	const base = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	const options: IHttpRequestOptions = {
		method: call.method,
		url: base + call.path,
		qs: call.qs,
		body: call.body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: call.timeoutMs ?? DEFAULT_TIMEOUT_MS,
	};
	let response: { statusCode: number; body: unknown };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(this, 'mxnApi', options);
	} catch (error) {
		throw unanswered(this, call, base, error, itemIndex);
	}
	const { statusCode, body } = response;
	const answered = (statusCode >= 200 && statusCode < 300) || call.answeredBy?.includes(statusCode);
	if (!answered) throw answeredWithError(this, call, statusCode, body, itemIndex);
	if (body === null || typeof body !== 'object') {
		throw new NodeApiError(this.getNode(), { body: String(body) } as JsonObject, {
			message: `mxn answered ${call.method} ${call.path} with something that is not JSON`,
			httpCode: String(statusCode),
			itemIndex,
		});
	}
	return body as IDataObject;
}

/** The enabled domains of the server, from GET /health (no key needed, but a wrong one is refused); a
 * server still starting answers 503, with its domains. */
export async function loadDomains(this: ILoadOptionsFunctions): Promise<string[]> {
	const health = await mxnRequest.call(this, { method: 'GET', path: '/health', answeredBy: [503] });
	return Object.keys((health.domains as IDataObject) ?? {}).sort();
}
