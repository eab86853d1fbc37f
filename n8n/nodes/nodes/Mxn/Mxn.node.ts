import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	NodeApiError,
} from 'n8n-workflow';
import { DateTime } from 'luxon';
import { NodeOperationError } from 'n8n-workflow';

import { properties } from './properties';
import type { MxnCall } from './transport';
import { loadDomains, mxnRequest } from './transport';

/** Automation operations and the path of each. */
const AUTOMATION_PATHS: Record<string, string> = {
	dailyPlaylist: '/automation/daily-playlist/',
	weeklyMovies: '/automation/weekly-movies/',
	taskPrioritization: '/automation/task-prioritization/',
};

/** Operations whose answer is a list of items, and so can be output one item per list entry. */
const LIST_OPERATIONS = new Set([
	'recommendation:get',
	'recommendation:similarItems',
	...Object.keys(AUTOMATION_PATHS).map((operation) => `automation:${operation}`),
]);

function parseJsonParameter(ctx: IExecuteFunctions, name: string, value: unknown, i: number): IDataObject {
	if (value === undefined || value === '') return {};
	if (typeof value === 'object' && value !== null) return value as IDataObject;
	try {
		const parsed: unknown = JSON.parse(String(value));
		if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as IDataObject;
	} catch {
		// reported below
	}
	throw new NodeOperationError(ctx.getNode(), `${name} must be a JSON object`, { itemIndex: i });
}

const path = (...parts: string[]) => parts.map((p) => encodeURIComponent(p)).join('/');

/**
 * The Timestamp field as the API takes it: epoch seconds as they are; an ISO-8601 date-time with its zone
 * as it is; one without a zone (the editor's date picker) in the workflow's time zone.
 */
function timestampOf(ctx: IExecuteFunctions, value: unknown, i: number): number | string {
	if (typeof value === 'number') return value;
	if (DateTime.isDateTime(value)) return value.toUTC().toISO()!;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
	const parsed = DateTime.fromISO(text, { zone: ctx.getTimezone() });
	if (!parsed.isValid) {
		const why = `${JSON.stringify(text)} is neither an ISO-8601 date-time nor epoch seconds`;
		throw new NodeOperationError(ctx.getNode(), `Timestamp: ${why}`, { itemIndex: i });
	}
	return parsed.toUTC().toISO()!;
}

/** One interaction from the node's fields for input item i. */
function interactionOf(ctx: IExecuteFunctions, i: number): IDataObject {
	const extra = ctx.getNodeParameter('interactionFields', i, {}) as IDataObject;
	const interaction: IDataObject = {
		user_id: ctx.getNodeParameter('userId', i) as string,
		domain: ctx.getNodeParameter('domain', i) as string,
		item_id: ctx.getNodeParameter('itemId', i) as string,
		interaction_type: ctx.getNodeParameter('interactionType', i) as string,
	};
	if (extra.rating !== undefined) interaction.rating = extra.rating;
	if (extra.count !== undefined) interaction.count = extra.count;
	if (extra.timestamp !== undefined && extra.timestamp !== '') {
		interaction.timestamp = timestampOf(ctx, extra.timestamp, i);
	}
	if (extra.metadata !== undefined)
		interaction.metadata = parseJsonParameter(ctx, 'Metadata', extra.metadata, i);
	return interaction;
}

/** The API call of one input item for every operation but Log Many (which batches all items). */
function callOf(ctx: IExecuteFunctions, resource: string, operation: string, i: number): MxnCall {
	const param = (name: string) => ctx.getNodeParameter(name, i) as string;
	switch (`${resource}:${operation}`) {
		case 'interaction:log':
			return { method: 'POST', path: '/interactions', body: interactionOf(ctx, i) };
		case 'recommendation:get': {
			const options = ctx.getNodeParameter('recommendationOptions', i, {}) as IDataObject;
			const body: IDataObject = {
				user_id: param('userId'),
				domain: param('domain'),
				top_k: ctx.getNodeParameter('topK', i),
			};
			if (Array.isArray(options.modelTypes) && options.modelTypes.length)
				body.model_types = options.modelTypes;
			if (options.queryText) body.query_text = options.queryText;
			if (options.filter !== undefined) body.filter = parseJsonParameter(ctx, 'Filter', options.filter, i);
			return { method: 'POST', path: '/recommendations', body };
		}
		case 'recommendation:similarItems':
			return {
				method: 'GET',
				path: `/items/${path(param('domain'), param('itemId'))}/similar`,
				qs: { top_k: ctx.getNodeParameter('topK', i) },
			};
		case 'item:upsert': {
			const fields = ctx.getNodeParameter('itemFields', i, {}) as IDataObject;
			const body: IDataObject = { domain: param('domain'), item_id: param('itemId'), title: param('title') };
			if (fields.description !== undefined) body.description = fields.description;
			if (fields.tags !== undefined) {
				body.tags = String(fields.tags)
					.split(',')
					.map((t) => t.trim())
					.filter((t) => t !== '');
			}
			if (fields.metadata !== undefined)
				body.metadata = parseJsonParameter(ctx, 'Metadata', fields.metadata, i);
			return { method: 'PUT', path: '/items', body };
		}
		case 'item:get':
			return { method: 'GET', path: `/items/${path(param('domain'), param('itemId'))}` };
		case 'training:train': {
			const wait = ctx.getNodeParameter('wait', i) as boolean;
			return {
				method: 'POST',
				path: '/training/train',
				qs: { domain: param('domain'), wait },
				timeoutMs: wait ? (ctx.getNodeParameter('timeout', i) as number) * 1000 : undefined,
			};
		}
		case 'training:stats': {
			const domain = param('statsDomain');
			return { method: 'GET', path: '/training/stats', qs: domain ? { domain } : undefined };
		}
		case 'training:jobStatus':
			return { method: 'GET', path: `/training/jobs/${path(param('jobId'))}` };
		default:
			if (resource === 'automation' && AUTOMATION_PATHS[operation]) {
				return { method: 'GET', path: AUTOMATION_PATHS[operation] + path(param('userId')) };
			}
			throw new NodeOperationError(ctx.getNode(), `unknown operation ${resource}: ${operation}`, {
				itemIndex: i,
			});
	}
}

/** What a failed item becomes when the node continues on fail: n8n routes {error} to the error output. */
function failedItem(error: unknown, i: number): INodeExecutionData {
	const e = error as NodeApiError;
	const context = (e.context ?? {}) as IDataObject;
	const detail: IDataObject = { message: e.message };
	if (e.description) detail.description = e.description;
	for (const key of ['status', 'code', 'field', 'problems']) {
		if (context[key] !== undefined) detail[key] = context[key];
	}
	return { json: { error: detail }, pairedItem: { item: i } };
}

export class Mxn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'mxn',
		name: 'mxn',
		icon: 'file:mxn.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Log interactions and get recommendations, automation lists and training from mxn',
		defaults: { name: 'mxn' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'mxnApi', required: true }],
		properties,
	};

	methods = {
		loadOptions: {
			async getDomains(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return (await loadDomains.call(this)).map((d) => ({ name: d, value: d }));
			},
			async getDomainsOrAll(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const domains = (await loadDomains.call(this)).map((d) => ({ name: d, value: d }));
				return [{ name: 'All Domains', value: '' }, ...domains];
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		if (resource === 'interaction' && operation === 'logMany') return [await logMany(this, items.length)];

		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const answer = await mxnRequest.call(this, callOf(this, resource, operation, i), i);
				const split =
					LIST_OPERATIONS.has(`${resource}:${operation}`) && this.getNodeParameter('output', i) === 'items';
				const rows = split && Array.isArray(answer.items) ? (answer.items as IDataObject[]) : [answer];
				for (const row of rows) out.push({ json: row, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push(failedItem(error, i));
			}
		}
		return [out];
	}
}

/**
 * Log Many: every input item's interaction, sent in POST /interactions/bulk calls of at most Batch Size
 * rows (each call all or nothing); one output item per call with what the API answered. An error names
 * rows by input item (interactions[i] is input item i); the batches before a failed one stay logged.
 */
async function logMany(ctx: IExecuteFunctions, count: number): Promise<INodeExecutionData[]> {
	const batchSize = ctx.getNodeParameter('batchSize', 0) as number;
	const out: INodeExecutionData[] = [];
	for (let start = 0; start < count; start += batchSize) {
		const indexes = Array.from({ length: Math.min(batchSize, count - start) }, (_, k) => start + k);
		const pairedItem = indexes.map((item) => ({ item }));
		try {
			const interactions = indexes.map((i) => interactionOf(ctx, i));
			const answer = await mxnRequest.call(
				ctx,
				{ method: 'POST', path: '/interactions/bulk', body: { interactions }, firstItem: start },
				start,
			);
			out.push({ json: { ...answer, first_item: start, items_sent: indexes.length }, pairedItem });
		} catch (error) {
			if (!ctx.continueOnFail()) throw error;
			out.push({ ...failedItem(error, start), pairedItem });
		}
	}
	return out;
}
