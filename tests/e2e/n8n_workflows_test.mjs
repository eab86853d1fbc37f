// e2e.n8n_workflows: the n8n-nodes-mxn package of n8n/nodes linted, built, packed and installed into a real
// n8n, its credential imported with n8n's CLI, and every workflow of n8n/ executed through the node against a
// real `mxn serve` on a fresh seeded warehouse, with a webhook sink standing in for the music, movie, task and
// notification services. Everything listens on 127.0.0.1. Started by run_n8n_workflows.sh:
//
//   node n8n_workflows_test.mjs --mxn BIN --n8n N8N_BIN --n8n-version V --config CONFIG.yaml --workflows DIR
//        --node-package DIR --node-deps NODE_MODULES --credential CREDENTIAL.json
//
// MXNTEST_E2E_KEEP=1 keeps the temporary folder (warehouse, server log, n8n's database) for a post-mortem.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';

import {
  Failure, MxnApi, check, cleanEnv, closedPort, commandFailure, describeRun, fail, log, makeWorkDir,
  parseRawOutput, run, show, startServer, startSink,
} from './harness.mjs';

const OPTIONS = ['mxn', 'n8n', 'n8n-version', 'config', 'workflows', 'node-package', 'node-deps', 'credential'];
const { values: opt } = parseArgs({ options: Object.fromEntries(OPTIONS.map((k) => [k, { type: 'string' }])) });
for (const k of OPTIONS) {
  if (!opt[k]) {
    console.error(`n8n_workflows_test: --${k} is required`);
    process.exit(2);
  }
}

const USER = 'user1';
const TOP_K = { playlist: 12, movies: 8, tasks: 5 }; // set on the server through MXN_AUTOMATION_*_TOP_K
const SEED = { users: 200, items: 300, interactions: 20000 };
const API_KEY = `e2e-${randomBytes(12).toString('hex')}`; // the server requires it; the credential holds it
const NODE_TYPE = 'n8n-nodes-mxn.mxn';
const COMMAND_TIMEOUT_MS = 180_000;

/// The four workflows: what each calls (the node's operation, the API path it reads), where it sends the
/// result, when it runs.
const WORKFLOWS = {
  playlist: {
    file: 'daily-playlist-workflow.json', key: 'daily-playlist', api: '/automation/daily-playlist/', operation: 'dailyPlaylist',
    domain: 'music', webhookVar: 'MUSIC_SERVICE_WEBHOOK', sink: '/music',
    summary: (n, first) => `Daily playlist for ${USER}: ${n} songs sent to the music service`
      + (n ? `, starting with ${first.title}` : ''),
    schedule: { field: 'days', triggerAtHour: 7 }, call: `GET /automation/daily-playlist/${USER}`,
  },
  movies: {
    file: 'weekly-movies-workflow.json', key: 'weekly-movies', api: '/automation/weekly-movies/', operation: 'weeklyMovies',
    domain: 'movies', webhookVar: 'MOVIE_SERVICE_WEBHOOK', sink: '/movies',
    summary: (n, first) => `Weekly movies for ${USER}: ${n} movies sent to the movie service`
      + (n ? `, top pick ${first.title}` : ''),
    schedule: { field: 'weeks', triggerAtDay: [5], triggerAtHour: 18 }, call: `GET /automation/weekly-movies/${USER}`,
  },
  tasks: {
    file: 'task-prioritization-workflow.json', key: 'task-prioritization', api: '/automation/task-prioritization/',
    operation: 'taskPrioritization',
    domain: 'tasks', webhookVar: 'TASK_SERVICE_WEBHOOK', sink: '/tasks',
    summary: (n, first) => `Task order for ${USER}: ${n} open tasks` + (n ? `, first ${first.title} (${first.reason})` : ''),
    schedule: { field: 'weeks', triggerAtDay: [1, 2, 3, 4, 5], triggerAtHour: 8 },
    call: `GET /automation/task-prioritization/${USER}`,
  },
  retraining: {
    file: 'auto-retraining-workflow.json', key: 'auto-retraining', api: '/training/stats', operation: 'stats',
    domain: null, webhookVar: null, sink: null,
    schedule: { field: 'hours', hoursInterval: 6 }, call: 'GET /training/stats',
  },
};

let workDir;

// ---- mxn -------------------------------------------------------------------------------------------------

function mxnEnv() {
  return {
    ...cleanEnv(['MXN_']),
    MXN_WAREHOUSE_PATH: path.join(workDir, 'warehouse.duckdb'),
    MXN_MODELS_STORE_DIR: path.join(workDir, 'models'),
    MXN_API_HOST: '127.0.0.1',
    MXN_API_PORT: '0', // any free port; the server prints it
    MXN_API_KEYS: API_KEY,
    MXN_AUTOMATION_DAILY_PLAYLIST_TOP_K: String(TOP_K.playlist),
    MXN_AUTOMATION_WEEKLY_MOVIES_TOP_K: String(TOP_K.movies),
    MXN_AUTOMATION_TASK_PRIORITIZATION_TOP_K: String(TOP_K.tasks),
  };
}

async function mxn(...args) {
  const r = await run(opt.mxn, ['--config', opt.config, ...args],
    { env: mxnEnv(), cwd: workDir, timeoutMs: COMMAND_TIMEOUT_MS });
  check(r.code === 0, () => commandFailure(`mxn ${args.join(' ')}`, r));
}

/// `mxn serve --no-scheduler` (only the workflow retrains), once /health says ready.
async function serve() {
  const server = await startServer(opt.mxn, ['--config', opt.config, 'serve', '--no-scheduler'], {
    env: mxnEnv(), cwd: workDir, logFile: path.join(workDir, 'mxn-serve.log'),
    pattern: /serving on http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs: 60_000,
  });
  const api = new MxnApi(`http://127.0.0.1:${server.port}`, API_KEY);
  for (let i = 0; ; i++) {
    const h = await api.request('GET', '/health').catch(() => null);
    if (h && h.status === 200 && h.body.ready) break;
    check(i < 100, `mxn serve at ${api.base} never reported ready on /health: ${show(h && h.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { server, api };
}

// ---- n8n -------------------------------------------------------------------------------------------------

// What the workflows read from $env (API_BASE_URL and MXN_API_KEY: what they read before the credential).
const WORKFLOW_ENV_NAMES = ['API_BASE_URL', 'USER_ID', 'MUSIC_SERVICE_WEBHOOK', 'MOVIE_SERVICE_WEBHOOK',
  'TASK_SERVICE_WEBHOOK', 'NOTIFICATION_SERVICE_WEBHOOK', 'MXN_API_KEY'];

function n8nEnv(workflowEnv = {}) {
  return {
    ...cleanEnv(['N8N_', 'DB_', 'MXN_'], WORKFLOW_ENV_NAMES),
    N8N_USER_FOLDER: path.join(workDir, 'n8n'),
    N8N_EXPRESSION_ENGINE: 'legacy', // the default engine needs isolated-vm, which needs Node 22
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_RUNNERS_ENABLED: 'false',
    N8N_LOG_LEVEL: 'info', // at warn the CLI's own output disappears
    N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', // the workflows read their settings from $env
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    ...workflowEnv,
  };
}

function n8n(args, workflowEnv = {}) {
  return run(process.execPath, [opt.n8n, ...args], { env: n8nEnv(workflowEnv), cwd: workDir, timeoutMs: COMMAND_TIMEOUT_MS });
}

// ---- The node package -------------------------------------------------------------------------------------

/// npm in `cwd`, failing the test with its output when it fails.
async function npm(args, cwd) {
  const r = await run('npm', args, { env: cleanEnv(['N8N_', 'MXN_']), cwd, timeoutMs: COMMAND_TIMEOUT_MS });
  check(r.code === 0, () => commandFailure(`npm ${args.join(' ')} (in ${cwd})`, r));
  return r.stdout;
}

/// What `npm pack` may put in the tarball: the build, package.json, the README (the icon is in dist/).
const PACKED = /^package\/(dist\/.+|package\.json|README\.md)$/;
const PACKED_REQUIRED = ['package/package.json', 'package/README.md', 'package/dist/nodes/Mxn/Mxn.node.js',
  'package/dist/nodes/Mxn/mxn.svg', 'package/dist/credentials/MxnApi.credentials.js'];

/// A copy of the package's sources with the cached build tools: linted with n8n's community-node rules,
/// built with tsc, packed with npm; the tarball's contents checked. Returns the tarball's path.
async function buildNodePackage() {
  const src = path.join(workDir, 'n8n-nodes-mxn');
  fs.cpSync(opt['node-package'], src, {
    recursive: true,
    filter: (p) => !/(^|\/)(node_modules|dist)$|\.tgz$/.test(p.slice(opt['node-package'].length)),
  });
  fs.symlinkSync(opt['node-deps'], path.join(src, 'node_modules'));
  await npm(['run', 'lint'], src);
  await npm(['run', 'build'], src);
  const packed = JSON.parse(await npm(['pack', '--json', '--pack-destination', workDir], src))[0];
  const tarball = path.join(workDir, packed.filename);
  const r = await run('tar', ['-tzf', tarball], { timeoutMs: 30_000 });
  check(r.code === 0, () => commandFailure(`tar -tzf ${tarball}`, r));
  const files = r.stdout.split('\n').filter(Boolean);
  const stray = files.filter((f) => !PACKED.test(f));
  check(stray.length === 0, `npm pack put more than dist/, package.json and README.md in the tarball: ${stray.join(', ')}`);
  const missing = PACKED_REQUIRED.filter((f) => !files.includes(f));
  check(missing.length === 0, `the tarball lacks ${missing.join(', ')} (it has ${files.join(', ')})`);
  return tarball;
}

/// Installs the tarball the way the package's README tells a user to: `npm install --prefix` the n8n
/// folder's nodes/ (run from elsewhere, as a user would; nodes/ does not exist yet).
async function installNodePackage(tarball) {
  const nodesDir = path.join(workDir, 'n8n', '.n8n', 'nodes');
  await npm(['install', '--prefix', nodesDir, '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', tarball],
    workDir);
  check(fs.existsSync(path.join(nodesDir, 'node_modules', 'n8n-nodes-mxn', 'package.json')),
    `npm install --prefix ${nodesDir} did not install n8n-nodes-mxn there`);
}

/// The shipped credential file (n8n/credentials/mxn-api.json): one mxnApi credential.
function credentialTemplate() {
  const [credential] = JSON.parse(fs.readFileSync(opt.credential, 'utf8'));
  return credential;
}

/// `n8n import:credentials` of the shipped file with this base URL and key (the same id: it is replaced).
async function importCredential(baseUrl, apiKey) {
  const credential = credentialTemplate();
  credential.data = { ...credential.data, baseUrl, apiKey };
  const file = path.join(workDir, 'mxn-api-credential.json');
  fs.writeFileSync(file, JSON.stringify([credential]));
  const r = await n8n(['import:credentials', `--input=${file}`]);
  check(r.code === 0 && /Successfully imported 1 credential/.test(r.stdout + r.stderr),
    () => commandFailure(`n8n import:credentials --input=${file}`, r));
}

// ---- The workflow files ----------------------------------------------------------------------------------

/// Reads and checks the four files: n8n's export format, triggers, schedule, environment variables.
function loadWorkflows() {
  const loaded = {};
  const ids = new Set();
  for (const [name, wf] of Object.entries(WORKFLOWS)) {
    const file = path.join(opt.workflows, wf.file);
    const where = wf.file;
    check(fs.existsSync(file), `${where}: missing from ${opt.workflows}`);
    const text = fs.readFileSync(file, 'utf8');
    let json;
    try { json = JSON.parse(text); } catch (e) { fail(`${where}: not valid JSON: ${e.message}`); }
    check(typeof json.id === 'string' && json.id.length >= 1 && json.id.length <= 16,
      `${where}: "id" must be a string of 1 to 16 characters (n8n's limit), got ${show(json.id)}`);
    check(!ids.has(json.id), `${where}: id '${json.id}' is used by another workflow`);
    ids.add(json.id);
    check(typeof json.name === 'string' && json.name.length > 0, `${where}: "name" is missing`);
    check(Array.isArray(json.nodes) && json.nodes.length > 0, `${where}: "nodes" must be a non-empty list`);
    check(json.connections && typeof json.connections === 'object', `${where}: "connections" is missing`);
    check(json.settings && typeof json.settings === 'object', `${where}: "settings" is missing`);

    const names = new Set();
    for (const node of json.nodes) {
      check(typeof node.name === 'string' && !names.has(node.name),
        `${where}: node names must be unique strings (${show(node.name)})`);
      names.add(node.name);
      check(typeof node.type === 'string' && typeof node.typeVersion === 'number',
        `${where}: node '${node.name}' lacks type or typeVersion`);
    }
    for (const [from, outputs] of Object.entries(json.connections)) {
      check(names.has(from), `${where}: a connection starts at unknown node '${from}'`);
      for (const link of (outputs.main || []).flat()) {
        check(link && names.has(link.node),
          `${where}: node '${from}' connects to unknown node '${link && link.node}'`);
      }
    }
    const targets = (n) => (json.connections[n]?.main || []).flat().map((l) => l.node).sort();
    const schedules = json.nodes.filter((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
    const manuals = json.nodes.filter((n) => n.type === 'n8n-nodes-base.manualTrigger');
    check(schedules.length === 1 && manuals.length === 1,
      `${where}: needs one Schedule Trigger and one Manual Trigger`);
    check(targets(schedules[0].name).length > 0 && show(targets(schedules[0].name)) === show(targets(manuals[0].name)),
      `${where}: the Manual Trigger must start the same nodes as the Schedule Trigger`);
    const rule = schedules[0].parameters?.rule?.interval?.[0] || {};
    for (const [k, v] of Object.entries(wf.schedule)) {
      check(show(rule[k]) === show(v), `${where}: schedule ${k} is ${show(rule[k])}, expected ${show(v)}`);
    }
    const variables = ['NOTIFICATION_SERVICE_WEBHOOK', ...(wf.webhookVar ? ['USER_ID', wf.webhookVar] : [])];
    for (const variable of variables) {
      check(text.includes(`$env.${variable}`), `${where}: never reads $env.${variable}`);
    }
    // mxn is reached through the node and its credential only; HTTP Request nodes post to the webhooks.
    for (const node of json.nodes.filter((n) => n.type === 'n8n-nodes-base.httpRequest')) {
      check(/^=\{\{ \$env\.[A-Z_]+_WEBHOOK \}\}$/.test(node.parameters?.url || ''),
        `${where}: HTTP Request node '${node.name}' calls ${show(node.parameters?.url)}, not a $env.*_WEBHOOK`);
    }
    for (const node of json.nodes.filter((n) => n.type === NODE_TYPE)) {
      check(node.credentials?.mxnApi?.id === credentialTemplate().id,
        `${where}: node '${node.name}' does not use the mxnApi credential ${credentialTemplate().id}`);
    }
    const fetchNode = json.nodes.find((n) => n.type === NODE_TYPE && n.parameters?.operation === wf.operation);
    check(fetchNode, `${where}: no ${NODE_TYPE} node runs the ${wf.operation} operation`);
    loaded[name] = { ...wf, json, path: file, fetchNode: fetchNode.name };
  }
  return loaded;
}

/// Every node's type and typeVersion must exist in the n8n that runs them (`n8n export:nodes`).
function checkNodeTypes(workflows, exported) {
  const versions = new Map();
  for (const t of exported) versions.set(t.name, [...(versions.get(t.name) || []), ...[t.version].flat()]);
  for (const wf of Object.values(workflows)) {
    for (const node of wf.json.nodes) {
      const known = versions.get(node.type);
      check(known,
        `${wf.file}: node '${node.name}' has type ${node.type}, which n8n ${opt['n8n-version']} does not have`);
      check(known.includes(node.typeVersion),
        `${wf.file}: node '${node.name}' uses ${node.type} version ${node.typeVersion}; n8n ${opt['n8n-version']} has ${known.join(', ')}`);
    }
  }
}

// ---- Executions and what the services received -----------------------------------------------------------

/// Runs a workflow with `n8n execute --id=ID --rawOutput` and returns what the sink received meanwhile.
/// `execute` exits 0 without --id and prints "--id has to be set", so success means exit 0 *and* a run
/// with status success in the output.
async function execute(sink, wf, workflowEnv, { expectSuccess = true } = {}) {
  sink.requests.length = 0;
  const r = await n8n(['execute', `--id=${wf.json.id}`, '--rawOutput'], workflowEnv);
  const execution = parseRawOutput(r.stdout);
  const received = [...sink.requests];
  const failed = r.code !== 0 || r.timedOut || !execution || execution.status !== 'success';
  if (expectSuccess && failed) {
    const notes = received.filter((q) => q.path === '/notify').map((q) => q.body);
    const exit = r.timedOut ? 'timeout' : r.code;
    const notified = notes.length ? `; it notified ${show(notes)}` : '';
    const stderr = r.stderr.trim() ? `\n--- n8n stderr (tail) ---\n${r.stderr.slice(-2000)}` : '';
    fail(`${wf.file} (n8n id ${wf.json.id}): the execution failed (exit ${exit}), ${describeRun(execution)}${notified}${stderr}`);
  }
  if (!expectSuccess) {
    check(failed,
      `${wf.file}: the execution succeeded although it should have failed; requests: ${show(received.map((q) => q.path))}`);
  }
  for (const q of received) {
    check(q.method === 'POST', `${wf.file}: ${q.path} received a ${q.method}, expected POST`);
    check(!('x-api-key' in q.headers) && !String(q.headers.authorization || '').includes(API_KEY),
      `${wf.file}: the mxn API key was sent to the webhook ${q.path}`);
  }
  return { output: `${r.stdout}\n${r.stderr}`, execution, received, on: (p) => received.filter((q) => q.path === p) };
}

/// The one JSON body `p` received.
function onlyOne(wf, ran, p) {
  const got = ran.on(p);
  check(got.length === 1,
    `${wf.file}: ${p} received ${got.length} requests, expected 1 (all requests: ${show(ran.received.map((q) => q.path))})`);
  check(got[0].body && typeof got[0].body === 'object',
    `${wf.file}: ${p} received a body that is not JSON: ${show(got[0].body)}`);
  return got[0].body;
}

/// What a service received for an automation list, checked against the catalog and the API; and the
/// one-line notification that followed it.
async function checkList(api, wf, ran, expectedCount) {
  const sent = onlyOne(wf, ran, wf.sink);
  const where = `${wf.file} → ${wf.webhookVar}`;
  check(sent.user_id === USER, `${where}: user_id is ${show(sent.user_id)}, expected ${USER}`);
  check(sent.domain === wf.domain, `${where}: domain is ${show(sent.domain)}, expected ${wf.domain}`);
  check(Array.isArray(sent.items) && sent.items.length > 0, `${where}: no items: ${show(sent)}`);
  if (expectedCount !== undefined) {
    check(sent.items.length === expectedCount,
      `${where}: ${sent.items.length} items, expected ${expectedCount} (the configured top_k)`);
  }
  check(sent.count === sent.items.length, `${where}: count ${sent.count} but ${sent.items.length} items`);
  const ids = sent.items.map((i) => i.item_id);
  check(new Set(ids).size === ids.length, `${where}: an item appears twice: ${ids.join(', ')}`);
  sent.items.forEach((item, i) => {
    check(item.rank === i + 1,
      `${where}: item ${i} (${item.item_id}) has rank ${item.rank}, expected ${i + 1}`);
    check(typeof item.score === 'number' && typeof item.title === 'string',
      `${where}: item ${item.item_id} lacks score or title`);
  });
  for (const item of sent.items) {
    const got = await api.request('GET', `/items/${wf.domain}/${encodeURIComponent(item.item_id)}`);
    check(got.status === 200,
      `${where}: item ${item.item_id} is not in the ${wf.domain} catalog (GET /items answered ${got.status})`);
    check(got.body.title === item.title,
      `${where}: item ${item.item_id} is titled ${show(item.title)}, the catalog says ${show(got.body.title)}`);
  }
  const now = await api.get(`${wf.api}${USER}`);
  check(show(now.items.map((i) => i.item_id)) === show(ids),
    `${where}: sent ${ids.join(', ')} but the API lists ${now.items.map((i) => i.item_id).join(', ')}`);

  expectNote(wf, onlyOne(wf, ran, '/notify'), {
    workflow: wf.key, status: 'ok', user_id: USER, count: sent.items.length,
    message: wf.summary(sent.items.length, now.items[0]),
  });
  return sent;
}

/// A notification is exactly the expected object: every field, and the message's full text.
function expectNote(wf, note, expected) {
  const keys = [...new Set([...Object.keys(note ?? {}), ...Object.keys(expected)])];
  const differ = keys.filter((k) => !isDeepStrictEqual(note?.[k], expected[k]));
  check(differ.length === 0, () => `${wf.file} → notification: ${differ.join(', ')} differ:\n`
    + differ.map((k) => `  ${k}: got ${show(note?.[k], 1500)}\n  ${k}: expected ${show(expected[k], 1500)}`).join('\n'));
}

/// { domain: { model: served version } } from /training/stats.
function servedVersions(stats) {
  const models = (d) => Object.fromEntries(d.models.map((m) => [m.model, m.version]));
  return Object.fromEntries(stats.domains.map((d) => [d.domain, models(d)]));
}

async function history(api, domain) {
  return (await api.get(`/users/${USER}/history?domain=${domain}&limit=10000`)).items || [];
}

// ---- Scenarios -------------------------------------------------------------------------------------------

async function retrainingScenario(api, sink, wf, env) {
  const music = (await api.get('/training/stats')).domains.find((d) => d.domain === 'music');
  check(music, 'GET /training/stats has no music domain');
  const wanted = Math.max(music.min_new_interactions - music.new_interactions + 5, 1);
  const interactions = Array.from({ length: wanted }, (_, i) => ({
    user_id: `user${(i % 40) + 1}`,
    domain: 'music',
    item_id: `song_${((i * 7) % SEED.items) + 1}`,
    interaction_type: 'play',
  }));
  await api.ok('POST', '/interactions/bulk', { interactions });
  const ready = await api.get('/training/stats');
  const due = ready.domains.filter((d) => d.should_retrain).map((d) => d.domain).sort();
  check(due.includes('music'),
    `after ${wanted} new music interactions /training/stats still says music is not due: `
    + show(ready.domains.find((d) => d.domain === 'music')));
  const before = servedVersions(ready);

  const ran = await execute(sink, wf, env);
  const note = onlyOne(wf, ran, '/notify');
  check(ran.received.length === 1,
    `${wf.file}: expected only the notification, received ${show(ran.received.map((q) => q.path))}`);
  check(Array.isArray(note.retrained), `${wf.file} → notification: no retrained list: ${show(note)}`);
  const retrained = note.retrained.map((j) => j.domain).sort();
  check(show(retrained) === show(due),
    `${wf.file} → notification: retrained ${show(retrained)}, expected the due domains ${show(due)}`);

  // What the notification must say, from what /training/stats now serves and its runs' metrics.
  const stats = await api.get('/training/stats');
  const after = servedVersions(stats);
  const expected = note.retrained.map((job) => {
    check(Array.isArray(job.models) && job.models.length > 0, `${wf.file} → notification: no models for ${job.domain}`);
    const runs = stats.domains.find((d) => d.domain === job.domain).last_runs;
    return {
      domain: job.domain, job_id: job.job_id, status: 'succeeded',
      models: job.models.map((m) => {
        const old = before[job.domain][m.model] ?? 0;
        check(typeof m.version === 'number' && m.version > old,
          `${wf.file} → notification: ${job.domain}/${m.model} version ${m.version} is not newer than ${old}`);
        check(after[job.domain][m.model] === m.version,
          `${wf.file}: notified ${job.domain}/${m.model} v${m.version} but /training/stats serves v${after[job.domain][m.model]}`);
        const run = runs.find((r) => r.model === m.model && r.version === m.version);
        check(run, `${wf.file}: /training/stats has no run of ${job.domain}/${m.model} v${m.version}`);
        return { model: m.model, version: m.version, metrics: run.metrics };
      }),
    };
  });
  const models = (job) => job.models.map((m) => `${m.model} v${m.version} ndcg@10 ${m.metrics['ndcg@10'].toFixed(4)}`);
  expectNote(wf, note, {
    workflow: wf.key, status: 'ok', retrained: expected,
    message: `Retrained ${expected.map((job) => `${job.domain} (${models(job).join(', ')})`).join('; ')}`,
  });
  for (const [domain, versions] of Object.entries(before)) {
    if (!due.includes(domain)) {
      check(show(after[domain]) === show(versions),
        `${wf.file}: ${domain} was not due, yet its versions went from ${show(versions)} to ${show(after[domain])}`);
    }
  }
  const musicAfter = stats.domains.find((d) => d.domain === 'music');
  check(!musicAfter.should_retrain,
    `after retraining /training/stats still says music is due: ${show(musicAfter)}`);
}

async function nothingToDoScenario(api, sink, wf, env) {
  const stats = await api.get('/training/stats');
  const before = servedVersions(stats);
  const ran = await execute(sink, wf, env);
  const waiting = stats.domains.map((d) => `${d.domain} ${d.new_interactions}/${d.min_new_interactions}`);
  expectNote(wf, onlyOne(wf, ran, '/notify'), {
    workflow: wf.key, status: 'ok', retrained: [],
    message: `Nothing to retrain (new interactions/needed: ${waiting.join(', ')})`,
  });
  const after = servedVersions(await api.get('/training/stats'));
  check(show(after) === show(before),
    `${wf.file}: nothing was due, yet versions went from ${show(before)} to ${show(after)}`);
}

/// The run fails, only the notification is sent (exactly: the node and the message's full text), and n8n's
/// output names the workflow and the node.
async function errorPathScenario(sink, wf, env, { node, message }) {
  const ran = await execute(sink, wf, env, { expectSuccess: false });
  const note = onlyOne(wf, ran, '/notify');
  check(ran.received.length === 1,
    `${wf.file}: only the failure notification may be sent, got ${show(ran.received.map((q) => q.path))}`);
  expectNote(wf, note, { workflow: wf.key, status: 'error', user_id: USER, node, message });
  check(ran.output.includes(`${wf.key}: node '${note.node}' failed`),
    `${wf.file}: n8n's output does not name the workflow and the failed node: ${describeRun(ran.execution)}`);
}

/// The time zone of the test's own workflows: a zone-less timestamp is read in it.
const PROBE_TIMEZONE = 'Europe/Berlin';

/// A workflow made by the test: a Manual Trigger, then the given mxn nodes one after the other (each
/// { name, parameters, executeOnce? }), imported into n8n; returns what execute() takes.
async function probeWorkflow(id, steps) {
  const credentials = { mxnApi: { id: credentialTemplate().id, name: credentialTemplate().name } };
  const nodes = [{ id: `${id}-0`, name: 'Run now', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
  const connections = {};
  steps.forEach((step, i) => {
    nodes.push({ id: `${id}-${i + 1}`, type: NODE_TYPE, typeVersion: 1, position: [220 * (i + 1), 0], credentials, ...step });
    connections[nodes[i].name] = { main: [[{ node: step.name, type: 'main', index: 0 }]] };
  });
  const settings = { executionOrder: 'v1', timezone: PROBE_TIMEZONE };
  const json = { id, name: `mxn: ${id}`, active: false, settings, nodes, connections };
  const file = path.join(workDir, `${id}.json`);
  fs.writeFileSync(file, JSON.stringify(json));
  const r = await n8n(['import:workflow', `--input=${file}`]);
  check(r.code === 0, () => commandFailure(`n8n import:workflow --input=${file}`, r));
  return { file: `${id}.json`, json };
}

/// The items a node of a finished run output.
function outputOf(execution, node) {
  return outputsOf(execution, node)[0];
}

/// The items of each output of a node of a finished run (the second: the error output, when it has one).
function outputsOf(execution, node) {
  const runs = execution.data.resultData.runData[node];
  check(runs && runs.length === 1, `node '${node}' did not run once: ${show(runs)}`);
  return runs[0].data.main.map((output) => (output || []).map((item) => item.json));
}

/// Every operation of the node once, in one workflow, checked against the API.
async function operationsScenario(api, sink, env) {
  const once = (name, parameters) => ({ name, parameters, executeOnce: true });
  const wf = await probeWorkflow('mxnOperations', [
    once('Upsert item', {
      resource: 'item', operation: 'upsert', domain: 'movies', itemId: 'e2e_movie', title: 'E2E Movie',
      itemFields: { description: 'made by the test', tags: 'Drama, E2E ', metadata: '{"year": 2001}' },
    }),
    once('Get item', { resource: 'item', operation: 'get', domain: 'movies', itemId: 'e2e_movie' }),
    once('Log interaction', {
      resource: 'interaction', operation: 'log', domain: 'movies', userId: 'e2e_user', itemId: 'e2e_movie',
      interactionType: 'like', interactionFields: { timestamp: 1767323045 }, // epoch seconds: 2026-01-02T03:04:05Z
    }),
    once('Recommend', { resource: 'recommendation', operation: 'get', domain: 'movies', userId: USER, topK: 5 }),
    {
      name: 'Log many',
      parameters: {
        resource: 'interaction', operation: 'logMany', domain: 'movies', userId: 'e2e_user',
        itemId: '={{ $json.item_id }}', interactionType: 'view', batchSize: 2,
        interactionFields: { timestamp: '2026-01-03T10:00:00' }, // no zone: the workflow's, UTC+1 in January
      },
    },
    once('Similar items', {
      resource: 'recommendation', operation: 'similarItems', domain: 'movies', topK: 3, output: 'response',
      itemId: "={{ $('Recommend').first().json.item_id }}",
    }),
    once('Stats', { resource: 'training', operation: 'stats', statsDomain: 'movies' }),
  ]);
  const { execution } = await execute(sink, wf, env);
  const [item] = outputOf(execution, 'Get item');
  check(item.title === 'E2E Movie' && item.description === 'made by the test' && show(item.tags) === '["Drama","E2E"]'
    && item.metadata?.year === 2001, `Get item after Upsert item answered ${show(item)}`);
  const [logged] = outputOf(execution, 'Log interaction');
  check(logged.status === 'recorded' && logged.id, `Log interaction answered ${show(logged)}`);
  const recommended = outputOf(execution, 'Recommend');
  check(show(recommended.map((r) => r.rank)) === '[1,2,3,4,5]' && recommended.every((r) => typeof r.item_id === 'string'),
    `Recommend (one item per recommended item) gave ${show(recommended)}`);
  const batches = outputOf(execution, 'Log many');
  check(show(batches.map((b) => b.items_sent)) === '[2,2,1]', `Log many (batches of 2) gave ${show(batches)}`);
  const history = (await api.get('/users/e2e_user/history?domain=movies&limit=100')).items;
  const views = history.filter((h) => h.interaction_type === 'view');
  check(views.every((h) => String(h.timestamp).startsWith('2026-01-03T09:00:00')),
    `Log many's zone-less timestamp in ${PROBE_TIMEZONE} should be 09:00 UTC: ${show(views.map((h) => h.timestamp))}`);
  const viewed = views.map((h) => h.item_id).sort();
  check(show(viewed) === show(recommended.map((r) => r.item_id).sort()),
    `e2e_user's views are ${show(viewed)}, expected the recommended ${show(recommended.map((r) => r.item_id))}`);
  const like = history.find((h) => h.interaction_type === 'like');
  check(like?.item_id === 'e2e_movie' && String(like.timestamp).startsWith('2026-01-02T03:04:05'),
    `e2e_user's like is ${show(like)}`);
  const [similar] = outputOf(execution, 'Similar items');
  const expected = await api.get(`/items/movies/${recommended[0].item_id}/similar?top_k=3`);
  check(show(similar.items) === show(expected.items), `Similar items gave ${show(similar)}, the API ${show(expected)}`);
  const [stats] = outputOf(execution, 'Stats');
  check(show(stats.domains.map((d) => d.domain)) === '["movies"]', `Stats of movies gave ${show(stats)}`);
  // Training gets a workflow of its own, run after the comparisons above: a model it publishes while they
  // are made would change the similar items' scores under them.
  const training = await probeWorkflow('mxnTraining', [
    once('Train', { resource: 'training', operation: 'train', domain: 'movies', wait: false }),
    once('Job status', { resource: 'training', operation: 'jobStatus', jobId: '={{ $json.job_id }}' }),
  ]);
  const trained = (await execute(sink, training, env)).execution;
  const [train] = outputOf(trained, 'Train');
  const [job] = outputOf(trained, 'Job status');
  check(typeof train.job_id === 'string' && job.job_id === train.job_id && show(job.domains) === '["movies"]',
    `Train gave ${show(train)}, Job status ${show(job)}`);
  await api.get(`/training/jobs/${train.job_id}`);
}

/// A workflow of one mxn node asking for top_k 0: the run fails with the API's error in the node's error.
async function invalidTopKScenario(sink, env) {
  const wf = await probeWorkflow('mxnTopKProbe', [{
    name: 'Recommend', parameters: { resource: 'recommendation', operation: 'get', domain: 'movies', userId: USER, topK: 0 },
  }]);
  const ran = await execute(sink, wf, env, { expectSuccess: false });
  const error = ran.execution?.data?.resultData?.error;
  check(error && error.node?.name === 'Recommend', `the probe did not fail in its mxn node: ${describeRun(ran.execution)}`);
  const got = { name: error.name, message: error.message, httpCode: error.httpCode, field: error.context?.field,
    description: error.description };
  const expected = { name: 'NodeApiError', message: 'top_k: must be between 1 and 1000', httpCode: '422', field: 'top_k',
    description: 'mxn answered 422 invalid_argument to POST /recommendations' };
  check(isDeepStrictEqual(got, expected), `the node's error is ${show(got)}, expected ${show(expected)}`);
}

/// With "On Error: Continue (using error output)", a failed item goes to the error output with the API's
/// error; Log Many's error names the input item (batches of 2, item 3 bad: interactions[3], not [1]).
async function continueOnFailScenario(sink, env) {
  const wf = await probeWorkflow('mxnErrorOutput', [
    {
      name: 'Recommend', executeOnce: true,
      parameters: { resource: 'recommendation', operation: 'get', domain: 'movies', userId: USER, topK: 5 },
    },
    {
      name: 'Log many', onError: 'continueErrorOutput',
      parameters: {
        resource: 'interaction', operation: 'logMany', domain: 'movies', userId: 'e2e_continue', batchSize: 2,
        itemId: '={{ $json.item_id }}', interactionType: "={{ $itemIndex === 3 ? '' : 'view' }}",
      },
    },
    {
      name: 'Bad top_k', executeOnce: true, onError: 'continueErrorOutput',
      parameters: { resource: 'recommendation', operation: 'get', domain: 'movies', userId: USER, topK: 0 },
    },
  ]);
  const { execution } = await execute(sink, wf, env);
  const [logged, logFailed] = outputsOf(execution, 'Log many');
  check(show(logged.map((b) => b.items_sent)) === '[2,1]' && logFailed.length === 1,
    `Log many: the batches [0,1] and [4] should pass and [2,3] fail; got ${show(logged)} and ${show(logFailed)}`);
  const batchError = logFailed[0].error;
  check(batchError?.field === 'interactions[3].interaction_type' && batchError.status === 422
    && batchError.message.startsWith('interactions[3].interaction_type: '),
  `Log many's error should name input item 3: ${show(logFailed[0])}`);
  const [passed, failed] = outputsOf(execution, 'Bad top_k');
  const expected = [{
    error: {
      message: 'top_k: must be between 1 and 1000', description: 'mxn answered 422 invalid_argument to POST /recommendations',
      status: 422, code: 'invalid_argument', field: 'top_k',
    },
  }];
  check(passed.length === 0 && isDeepStrictEqual(failed.map((j) => ({ error: j.error })), expected),
    `Bad top_k's error output is ${show(failed)} (success output ${show(passed)}), expected ${show(expected)}`);
}

/// What the editor asks a running n8n (`n8n start`) for the node: the credential test (POST
/// /rest/credentials/test, its "Test" button), where the right key is "Connection successful!" and a wrong
/// one fails as an authorization failure; and the domain list (POST /rest/dynamic-node-parameters/options),
/// the server's enabled domains from /health, also while it starts (503).
async function editorScenario(api) {
  const port = await closedPort();
  const server = await startServer(process.execPath, [opt.n8n, 'start'], {
    env: n8nEnv({ N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_SECURE_COOKIE: 'false' }),
    cwd: workDir, logFile: path.join(workDir, 'n8n-start.log'),
    pattern: /Editor is now accessible via:\s+http:\/\/localhost:(\d+)/, timeoutMs: 120_000,
  });
  try {
    const base = `http://127.0.0.1:${server.port}/rest`;
    const headers = { 'Content-Type': 'application/json', 'browser-id': 'mxn-e2e' };
    const setup = await fetch(`${base}/owner/setup`, {
      method: 'POST', headers,
      body: JSON.stringify({ email: 'owner@example.com', firstName: 'Mxn', lastName: 'E2e', password: 'E2e-password-1' }),
    });
    check(setup.status === 200, `n8n POST /rest/owner/setup answered ${setup.status}: ${show(await setup.text())}`);
    const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const test = async (apiKey) => {
      const { id, name, type } = credentialTemplate();
      const res = await fetch(`${base}/credentials/test`, {
        method: 'POST', headers: { ...headers, cookie },
        body: JSON.stringify({ credentials: { id, name, type, data: { baseUrl: api.base, apiKey } } }),
      });
      const body = await res.json().catch(() => null);
      check(res.status === 200 && body?.data, `n8n POST /rest/credentials/test answered ${res.status}: ${show(body)}`);
      return body.data;
    };
    const right = await test(API_KEY);
    check(isDeepStrictEqual(right, { status: 'OK', message: 'Connection successful!' }),
      `the credential test with the server's key says ${show(right)}`);
    const wrong = await test(`${API_KEY}-wrong`);
    check(isDeepStrictEqual(wrong, { status: 'Error', message: 'Authorization failed - please check your credentials' }),
      `the credential test with a wrong key says ${show(wrong)}`);

    const health = await api.get('/health');
    const expected = Object.keys(health.domains).sort().map((d) => ({ name: d, value: d }));
    const domainList = async ({ id, name }, server) => {
      const res = await fetch(`${base}/dynamic-node-parameters/options`, {
        method: 'POST', headers: { ...headers, cookie },
        body: JSON.stringify({
          nodeTypeAndVersion: { name: NODE_TYPE, version: 1 }, path: 'domain', methodName: 'getDomains',
          currentNodeParameters: { resource: 'recommendation', operation: 'get' }, credentials: { mxnApi: { id, name } },
        }),
      });
      const options = (await res.json().catch(() => null))?.data;
      check(isDeepStrictEqual(options, expected),
        `the node's domain list from ${server} is ${show(options)} (status ${res.status}), expected ${show(expected)}`);
    };
    await domainList(credentialTemplate(), 'the server');

    // A server still starting (its models loading) answers /health with 503 and its domains: a stand-in
    // answering so, with the real server's body, reached through a credential made as the editor makes one.
    const starting = http.createServer((req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...health, status: 'starting', ready: false }));
    });
    await new Promise((resolve) => starting.listen(0, '127.0.0.1', resolve));
    try {
      const made = await fetch(`${base}/credentials`, {
        method: 'POST', headers: { ...headers, cookie },
        body: JSON.stringify({
          name: 'mxn starting', type: 'mxnApi',
          data: { baseUrl: `http://127.0.0.1:${starting.address().port}`, apiKey: API_KEY },
        }),
      });
      const credential = (await made.json().catch(() => null))?.data;
      check(made.status === 200 && credential?.id, `n8n POST /rest/credentials answered ${made.status}: ${show(credential)}`);
      await domainList(credential, 'a server still starting');
    } finally {
      starting.close();
    }
  } finally {
    await server.stop();
  }
}

async function main() {
  workDir = makeWorkDir('mxn-e2e-n8n-');
  log(`work folder ${workDir}`);
  for (const p of [opt.mxn, opt.n8n, opt.config]) check(fs.existsSync(p), `${p} does not exist`);
  const workflows = loadWorkflows();
  log(`workflow files are well-formed: ${Object.values(workflows).map((w) => `${w.file} (${w.json.id})`).join(', ')}`);

  await mxn('seed', '--users', String(SEED.users), '--items', String(SEED.items),
    '--interactions', String(SEED.interactions), '--seed', '42');
  await mxn('train');
  const { server, api } = await serve();
  const sink = await startSink(() => api);
  log(`mxn serve on ${api.base} (API key required), webhook sink on ${sink.base}`);
  try {
    const tarball = await buildNodePackage();
    await installNodePackage(tarball);
    log(`built, linted and packed ${path.basename(tarball)} (dist/, package.json, README.md), installed into n8n`);
    const nodesFile = path.join(workDir, 'n8n-nodes.json');
    let r = await n8n(['export:nodes', `--output=${nodesFile}`]);
    check(r.code === 0 && fs.existsSync(nodesFile), () => commandFailure('n8n export:nodes', r));
    checkNodeTypes(workflows, JSON.parse(fs.readFileSync(nodesFile, 'utf8')));
    log(`every node type and version exists in n8n ${opt['n8n-version']}`);

    // import:workflow exits 0 even when it imports nothing: check what it says and what n8n then lists.
    for (const wf of Object.values(workflows)) {
      r = await n8n(['import:workflow', `--input=${wf.path}`]);
      check(r.code === 0 && /Successfully imported 1 workflow/.test(r.stdout + r.stderr),
        () => commandFailure(`n8n import:workflow --input=${wf.path}`, r));
    }
    r = await n8n(['list:workflow']);
    check(r.code === 0, () => commandFailure('n8n list:workflow', r));
    for (const wf of Object.values(workflows)) {
      check(r.stdout.split('\n').includes(`${wf.json.id}|${wf.json.name}`),
        `${wf.file}: imported, but n8n list:workflow does not show ${wf.json.id}|${wf.json.name}:\n${r.stdout}`);
    }
    await importCredential(api.base, API_KEY);
    log('imported all four workflows, and the mxnApi credential with n8n import:credentials');

    const env = {
      USER_ID: USER,
      MUSIC_SERVICE_WEBHOOK: `${sink.base}/music`, MOVIE_SERVICE_WEBHOOK: `${sink.base}/movies`,
      TASK_SERVICE_WEBHOOK: `${sink.base}/tasks`, NOTIFICATION_SERVICE_WEBHOOK: `${sink.base}/notify`,
    };
    const failures = [];
    const scenario = async (title, body) => {
      try {
        await body();
        log(`ok   ${title}`);
      } catch (e) {
        if (!(e instanceof Failure)) throw e;
        failures.push(`${title}: ${e.message}`);
        log(`FAIL ${title}\n${e.message}`);
      }
    };

    await scenario('daily playlist → music service', async () => {
      const wf = workflows.playlist;
      const sent = await checkList(api, wf, await execute(sink, wf, env), TOP_K.playlist);
      check(typeof sent.playlist_name === 'string' && sent.playlist_name.includes(USER),
        `${wf.file} → ${wf.webhookVar}: no playlist_name naming the user: ${show(sent.playlist_name)}`);
    });
    await scenario('weekly movies → movie service', async () => {
      const wf = workflows.movies;
      const sent = await checkList(api, wf, await execute(sink, wf, env), TOP_K.movies);
      const seen = new Set((await history(api, 'movies')).map((x) => x.item_id));
      check(seen.size > 0, `GET /users/${USER}/history?domain=movies lists nothing`);
      const again = sent.items.filter((i) => seen.has(i.item_id)).map((i) => i.item_id);
      check(again.length === 0,
        `${wf.file} → ${wf.webhookVar}: movies ${USER} has already seen: ${again.join(', ')}`);
    });
    await scenario('task prioritization → task service', async () => {
      const wf = workflows.tasks;
      const sent = await checkList(api, wf, await execute(sink, wf, env));
      check(sent.items.length <= TOP_K.tasks,
        `${wf.file}: ${sent.items.length} tasks, more than top_k ${TOP_K.tasks}`);
      for (let i = 1; i < sent.items.length; i++) {
        const [a, b] = [sent.items[i - 1], sent.items[i]];
        check(a.score >= b.score,
          `${wf.file} → ${wf.webhookVar}: not in priority order: ${a.item_id} (score ${a.score}) before ${b.item_id} (score ${b.score})`);
      }
      check(show(sent.ordered_item_ids) === show(sent.items.map((i) => i.item_id)),
        `${wf.file} → ${wf.webhookVar}: ordered_item_ids ${show(sent.ordered_item_ids)} differ from the order of items`);
      const completed = (await history(api, 'tasks')).filter((x) => x.interaction_type === 'complete');
      const done = new Set(completed.map((x) => x.item_id));
      const stale = sent.items.filter((i) => done.has(i.item_id)).map((i) => i.item_id);
      check(stale.length === 0,
        `${wf.file} → ${wf.webhookVar}: tasks ${USER} already completed: ${stale.join(', ')}`);
    });
    await scenario('auto-retraining → new model versions',
      () => retrainingScenario(api, sink, workflows.retraining, env));
    await scenario('auto-retraining, nothing due → short notification',
      () => nothingToDoScenario(api, sink, workflows.retraining, env));

    const port = await closedPort();
    const down = `http://127.0.0.1:${port}`;
    await importCredential(down, API_KEY);
    for (const wf of Object.values(workflows)) {
      await scenario(`${wf.key}, API down → error notification`, () => errorPathScenario(sink, wf, env, {
        node: wf.fetchNode,
        message: `cannot reach mxn at ${down}: connect ECONNREFUSED 127.0.0.1:${port}: ${wf.call} got no answer`,
      }));
    }
    await importCredential(`${sink.base}/broken-api`, API_KEY);
    await scenario('daily-playlist, field renamed in the response → contract error', () => errorPathScenario(
      sink, workflows.playlist, env, { node: 'Playlist matches contract?', message: 'the answer has no items list' }));
    await importCredential(api.base, API_KEY);

    await scenario('every operation of the node', () => operationsScenario(api, sink, env));
    await scenario('an invalid top_k → the node fails with the API\'s field error', () => invalidTopKScenario(sink, env));
    await scenario('continue on fail → the API\'s error on the error output, by input item',
      () => continueOnFailScenario(sink, env));
    await scenario('editor: the credential test passes the right key, fails a wrong one; the domain list, also while mxn starts',
      () => editorScenario(api));

    if (failures.length) fail(`${failures.length} scenario(s) failed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
    log('all scenarios passed');
  } finally {
    await sink.close();
    await server.stop();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`[e2e] ${e instanceof Failure ? e.message : e.stack}`);
  process.exit(1);
});
