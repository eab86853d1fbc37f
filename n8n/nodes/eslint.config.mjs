// n8n's community-node rules (eslint-plugin-n8n-nodes-base): its `community` set on package.json, its
// `credentials` set on the credential, its `nodes` set on the node.
import tsParser from '@typescript-eslint/parser';
import n8nNodes from 'eslint-plugin-n8n-nodes-base';

const rulesOf = (set) => n8nNodes.configs[set].rules;

export default [
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', 'eslint.config.mjs'] },
  {
    files: ['package.json'],
    languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
    plugins: { 'n8n-nodes-base': n8nNodes },
    rules: rulesOf('community'),
  },
  {
    files: ['credentials/**/*.ts'],
    languageOptions: { parser: tsParser },
    plugins: { 'n8n-nodes-base': n8nNodes },
    // documentationUrl in camelCase is a slug of n8n's own docs ("only applicable to nodes in the main
    // repository", says the rule): a community credential links a full URL.
    rules: { ...rulesOf('credentials'), 'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off' },
  },
  {
    files: ['nodes/**/*.ts'],
    languageOptions: { parser: tsParser },
    plugins: { 'n8n-nodes-base': n8nNodes },
    rules: rulesOf('nodes'),
  },
];
