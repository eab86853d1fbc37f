import type { INodeProperties } from 'n8n-workflow';

/** Shown for these resources and operations only. */
const on = (resource: string[], operation: string[]) => ({ show: { resource, operation } });

/**
 * One field shown for several resources, each with its own operations (n8n ANDs the conditions of one
 * displayOptions, so resource x operation pairs need a copy of the field each).
 */
const onEach = (field: INodeProperties, where: Record<string, string[]>): INodeProperties[] =>
	Object.entries(where).map(([resource, operation]) => ({
		...field,
		displayOptions: on([resource], operation),
	}));

const AUTOMATION_OPERATIONS = ['dailyPlaylist', 'weeklyMovies', 'taskPrioritization'];

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Automation', value: 'automation' },
			{ name: 'Interaction', value: 'interaction' },
			{ name: 'Item', value: 'item' },
			{ name: 'Recommendation', value: 'recommendation' },
			{ name: 'Training', value: 'training' },
		],
		default: 'recommendation',
	},

	// ---- Operations, per resource ----
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['interaction'] } },
		options: [
			{ name: 'Log', value: 'log', action: 'Log an interaction', description: 'POST /interactions' },
			{
				name: 'Log Many',
				value: 'logMany',
				action: 'Log many interactions',
				description: 'One interaction per input item, sent in POST /interactions/bulk batches',
			},
		],
		default: 'log',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['recommendation'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get recommendations for a user',
				description: 'POST /recommendations',
			},
			{
				name: 'Similar Items',
				value: 'similarItems',
				action: 'Get items similar to an item',
				description: 'GET /items/{domain}/{item_id}/similar',
			},
		],
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['item'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get an item', description: 'GET /items/{domain}/{item_id}' },
			{
				name: 'Create or Update',
				value: 'upsert',
				action: 'Create or update an item',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
			},
		],
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['automation'] } },
		options: [
			{
				name: 'Daily Playlist',
				value: 'dailyPlaylist',
				action: 'Get the daily playlist of a user',
				description: 'GET /automation/daily-playlist/{user_id}',
			},
			{
				name: 'Task Prioritization',
				value: 'taskPrioritization',
				action: 'Get the open tasks of a user in priority order',
				description: 'GET /automation/task-prioritization/{user_id}',
			},
			{
				name: 'Weekly Movies',
				value: 'weeklyMovies',
				action: 'Get the weekly movies of a user',
				description: 'GET /automation/weekly-movies/{user_id}',
			},
		],
		default: 'dailyPlaylist',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['training'] } },
		options: [
			{
				name: 'Job Status',
				value: 'jobStatus',
				action: 'Get a training job',
				description: 'GET /training/jobs/{job_id}',
			},
			{
				name: 'Stats',
				value: 'stats',
				action: 'Get training stats',
				description: 'GET /training/stats: data sizes, served versions, whether a domain is due',
			},
			{
				name: 'Train',
				value: 'train',
				action: 'Train a domain',
				description: 'POST /training/train, and wait for the job by default',
			},
		],
		default: 'train',
	},

	// ---- Fields ----
	...onEach(
		{
			displayName: 'Domain Name or ID',
			name: 'domain',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getDomains' },
			required: true,
			default: '',
			description:
				'The domain, from the server\'s enabled domains. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			interaction: ['log', 'logMany'],
			recommendation: ['get', 'similarItems'],
			item: ['get', 'upsert'],
			training: ['train'],
		},
	),
	{
		displayName: 'Domain Name or ID',
		name: 'statsDomain',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getDomainsOrAll' },
		default: '',
		description:
			'One domain, or all of them. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: on(['training'], ['stats']),
	},
	...onEach(
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			required: true,
			default: '',
		},
		{ interaction: ['log', 'logMany'], recommendation: ['get'], automation: AUTOMATION_OPERATIONS },
	),
	...onEach(
		{
			displayName: 'Item ID',
			name: 'itemId',
			type: 'string',
			required: true,
			default: '',
		},
		{ interaction: ['log', 'logMany'], recommendation: ['similarItems'], item: ['get', 'upsert'] },
	),
	{
		displayName: 'Interaction Type',
		name: 'interactionType',
		type: 'string',
		required: true,
		default: 'view',
		placeholder: 'view',
		description:
			"One of the server's interaction types (interactions.types): view, click, play, like, rating, complete, skip, dislike by default",
		displayOptions: on(['interaction'], ['log', 'logMany']),
	},
	{
		displayName: 'Additional Fields',
		name: 'interactionFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(['interaction'], ['log', 'logMany']),
		options: [
			{
				displayName: 'Count',
				name: 'count',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description: "How many times (e.g. plays): the weight is the type's weight times the count",
			},
			{
				displayName: 'Metadata (JSON)',
				name: 'metadata',
				type: 'json',
				default: '{}',
			},
			{
				displayName: 'Rating',
				name: 'rating',
				type: 'number',
				typeOptions: { numberPrecision: 2 },
				default: 0,
				description: "For interaction type rating: on the domain's scale (domains.&lt;d&gt;.ratings)",
			},
			{
				displayName: 'Timestamp',
				name: 'timestamp',
				type: 'dateTime',
				default: '',
				description: 'When it happened; now when empty',
			},
		],
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10000 },
		default: 1000,
		description: 'Interactions per POST /interactions/bulk call; each call is all or nothing',
		displayOptions: on(['interaction'], ['logMany']),
	},
	{
		displayName: 'Top K',
		name: 'topK',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 10,
		description: 'How many items to return (1 to 1000)',
		displayOptions: on(['recommendation'], ['get', 'similarItems']),
	},
	{
		displayName: 'Options',
		name: 'recommendationOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on(['recommendation'], ['get']),
		options: [
			{
				displayName: 'Filter (JSON)',
				name: 'filter',
				type: 'json',
				default: '{}',
				description:
					'Business rules, e.g. {"tags_any": ["jazz"], "exclude_ids": ["song_1"]} (mxn README, "Filters")',
			},
			{
				displayName: 'Model Types',
				name: 'modelTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Collab (ALS/BPR)', value: 'collab' },
					{ name: 'EASE', value: 'ease' },
					{ name: 'Embedding', value: 'embedding' },
					{ name: 'KNN', value: 'knn' },
					{ name: 'Popularity', value: 'popularity' },
					{ name: 'RP3beta', value: 'rp3beta' },
				],
				default: [],
				description: "Blend only these models; the domain's blend when none is chosen",
			},
			{
				displayName: 'Query Text',
				name: 'queryText',
				type: 'string',
				default: '',
				description: "Only items matching this text, in the user's order of taste",
			},
		],
	},
	...onEach(
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{ name: 'One Item per Recommended Item', value: 'items' },
				{ name: 'One Item per Response', value: 'response' },
			],
			default: 'items',
		},
		{ recommendation: ['get', 'similarItems'], automation: AUTOMATION_OPERATIONS },
	),
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		description: 'PUT /items replaces the item: a field not given here is emptied',
		displayOptions: on(['item'], ['upsert']),
	},
	{
		displayName: 'Additional Fields',
		name: 'itemFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(['item'], ['upsert']),
		options: [
			{ displayName: 'Description', name: 'description', type: 'string', default: '' },
			{ displayName: 'Metadata (JSON)', name: 'metadata', type: 'json', default: '{}' },
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'jazz, 1960s',
				description: 'Comma-separated',
			},
		],
	},
	{
		displayName: 'Wait for the Job',
		name: 'wait',
		type: 'boolean',
		default: true,
		description:
			'Whether to answer with the finished job (its summaries); otherwise at once with the queued job',
		displayOptions: on(['training'], ['train']),
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 3600,
		description: 'How long to wait for the training to finish',
		displayOptions: { show: { resource: ['training'], operation: ['train'], wait: [true] } },
	},
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'job-1764547200000-1',
		displayOptions: on(['training'], ['jobStatus']),
	},
];
