import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** Where mxn serves and the key it wants; the key goes in X-API-Key on every request. */
export class MxnApi implements ICredentialType {
	name = 'mxnApi';

	displayName = 'Mxn API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-mxn';

	icon = 'file:mxn.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:8000',
			placeholder: 'http://localhost:8000',
			description: 'Where mxn serve listens (api.host:api.port)',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "One of the server's api.keys (MXN_API_KEYS); leave empty for a server without keys",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// mxn answers /health without a key, but refuses a wrong one with 401: the test reports a wrong key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/health',
		},
	};
}
