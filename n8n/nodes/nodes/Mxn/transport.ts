import type {IDataObject, IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions, ILoadOptionsFunctions, JsonObject,} from 'n8n-workflow';
import {NodeApiError} from 'n8n-workflow';

type Context = IExecuteFunctions|ILoadOptionsFunctions;

export interface MxnCall {
  method: IHttpRequestMethods;
  path: string;
  body?: IDataObject;
  qs?: IDataObject;
  timeoutMs?: number;
}

/** mxn's error body: {"error": {"code", "message", "field"}}. */
interface MxnError {
  code?: string;
  message?: string;
  field?: string;
}

function errorOf(body: unknown): MxnError|undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as IDataObject).error;
  return error !== null && typeof error === 'object' ? (error as MxnError) : undefined;
}

/**
 * One call to the mxn API with the node's mxnApi credential. A non-2xx answer becomes a NodeApiError whose
 * message is the API's `field: message` (the description says which status and code), and whose context
 * carries `status`, `code` and `field`; a server that cannot be reached is a NodeApiError naming the URL.
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
    timeout: call.timeoutMs ?? 60_000,
  };
  let response: {statusCode: number; body: unknown};
  try {
    response = await this.helpers.httpRequestWithAuthentication.call(this, 'mxnApi', options);
  } catch (error) {
    // n8n's helper has already made it a NodeApiError saying only "The service refused the connection":
    // which service, and the system's own reason (the first of its messages, or its cause), help more.
    const e = error as {
      message: string;
      messages?: string[];
      cause?: {message?: string}
    };
    const reason = e.cause?.message ?? e.messages?.[0] ?? e.message;
    const unreachable = new NodeApiError(this.getNode(), {message: reason}, {
      description: `${call.method} ${call.path} got no answer`,
      itemIndex,
    });
    unreachable.message = `cannot reach mxn at ${base}: ${reason}`;
    throw unreachable;
  }
  const {statusCode, body} = response;
  if (statusCode >= 200 && statusCode < 300) {
    if (body === null || typeof body !== 'object') {
      throw new NodeApiError(this.getNode(), {body: String(body)} as JsonObject, {
        message: `mxn answered ${call.method} ${call.path} with something that is not JSON`,
        httpCode: String(statusCode),
        itemIndex,
      });
    }
    return body as IDataObject;
  }
  const error = errorOf(body) ?? {};
  const field = error.field ?? '';
  const message = error.message ?? (typeof body === 'string' ? body : JSON.stringify(body));
  const apiError = new NodeApiError(this.getNode(), {...error, status: statusCode} as JsonObject, {
    message: field ? `${field}: ${message}` : message,
    description:
        `mxn answered ${statusCode}${error.code ? ` ${error.code}` : ''} to ${call.method} ${call.path}`,
    httpCode: String(statusCode),
    itemIndex,
  });
  apiError.context.status = statusCode;
  apiError.context.code = error.code;
  apiError.context.field = field;
  throw apiError;
}

/** The enabled domains of the server, from GET /health (no key needed, but a wrong one is refused). */
export async function loadDomains(this: ILoadOptionsFunctions): Promise<string[]> {
  const health = await mxnRequest.call(this, {method: 'GET', path: '/health'});
  return Object.keys((health.domains as IDataObject) ?? {}).sort();
}
