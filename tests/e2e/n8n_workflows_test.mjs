// e2e.n8n_workflows: every workflow of n8n/ imported into and executed by a real n8n against a real
// `mxn serve` on a fresh seeded warehouse, with a webhook sink standing in for the music, movie, task and
// notification services. Everything listens on 127.0.0.1. Started by run_n8n_workflows.sh:
//
//   node n8n_workflows_test.mjs --mxn BIN --n8n N8N_BIN --n8n-version V --config CONFIG.yaml --workflows DIR
//
// MXNTEST_E2E_KEEP=1 keeps the temporary folder (warehouse, server log, n8n's database) for a post-mortem.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
  Failure, MxnApi, check, cleanEnv, closedPort, commandFailure, describeRun, fail, log, makeWorkDir,
  parseRawOutput, run, show, startServer, startSink,
} from './harness.mjs';

const OPTIONS = ['mxn', 'n8n', 'n8n-version', 'config', 'workflows'];
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
const API_KEY = `e2e-${randomBytes(12).toString('hex')}`; // the server requires it; workflows send MXN_API_KEY
const COMMAND_TIMEOUT_MS = 180_000;

/// The four workflows of the issue: what each calls, where it sends the result, when it runs.
const WORKFLOWS = {
  playlist: {
    file: 'daily-playlist-workflow.json', key: 'daily-playlist', api: '/automation/daily-playlist/',
    domain: 'music', webhookVar: 'MUSIC_SERVICE_WEBHOOK', sink: '/music',
    schedule: { field: 'days', triggerAtHour: 7 },
  },
  movies: {
    file: 'weekly-movies-workflow.json', key: 'weekly-movies', api: '/automation/weekly-movies/',
    domain: 'movies', webhookVar: 'MOVIE_SERVICE_WEBHOOK', sink: '/movies',
    schedule: { field: 'weeks', triggerAtDay: [5], triggerAtHour: 18 },
  },
  tasks: {
    file: 'task-prioritization-workflow.json', key: 'task-prioritization', api: '/automation/task-prioritization/',
    domain: 'tasks', webhookVar: 'TASK_SERVICE_WEBHOOK', sink: '/tasks',
    schedule: { field: 'weeks', triggerAtDay: [1, 2, 3, 4, 5], triggerAtHour: 8 },
  },
  retraining: {
    file: 'auto-retraining-workflow.json', key: 'auto-retraining', api: '/training/stats',
    domain: null, webhookVar: null, sink: null,
    schedule: { field: 'hours', hoursInterval: 6 },
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

const WORKFLOW_ENV_NAMES = ['API_BASE_URL', 'USER_ID', 'MUSIC_SERVICE_WEBHOOK', 'MOVIE_SERVICE_WEBHOOK',
  'TASK_SERVICE_WEBHOOK', 'NOTIFICATION_SERVICE_WEBHOOK', 'MXN_API_KEY'];

function n8n(args, workflowEnv = {}) {
  const env = {
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
  return run(process.execPath, [opt.n8n, ...args], { env, cwd: workDir, timeoutMs: COMMAND_TIMEOUT_MS });
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
    const variables = ['API_BASE_URL', 'MXN_API_KEY', 'NOTIFICATION_SERVICE_WEBHOOK',
      ...(wf.webhookVar ? ['USER_ID', wf.webhookVar] : [])];
    for (const variable of variables) {
      check(text.includes(`$env.${variable}`), `${where}: never reads $env.${variable}`);
    }
    check(text.includes('http://localhost:8000'),
      `${where}: API_BASE_URL should default to http://localhost:8000`);
    const fetchNode = json.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest'
      && String(n.parameters?.url || '').includes(wf.api));
    check(fetchNode, `${where}: no HTTP Request node calls ${wf.api}`);
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

  const note = onlyOne(wf, ran, '/notify');
  check(note.status === 'ok' && note.workflow === wf.key, `${wf.file} → notification: ${show(note)}`);
  check(note.user_id === USER && note.count === sent.items.length,
    `${wf.file} → notification: expected user ${USER} and count ${sent.items.length}, got ${show(note)}`);
  const oneLine = typeof note.message === 'string' && !note.message.includes('\n');
  check(oneLine && note.message.includes(USER) && note.message.includes(String(sent.items.length)),
    `${wf.file} → notification: not a one-line summary naming the user and the count: ${show(note.message)}`);
  return sent;
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
  check(note.workflow === wf.key && note.status === 'ok' && Array.isArray(note.retrained),
    `${wf.file} → notification: ${show(note)}`);
  const retrained = note.retrained.map((j) => j.domain).sort();
  check(show(retrained) === show(due),
    `${wf.file} → notification: retrained ${show(retrained)}, expected the due domains ${show(due)}`);

  const stats = await api.get('/training/stats');
  const after = servedVersions(stats);
  for (const job of note.retrained) {
    check(Array.isArray(job.models) && job.models.length > 0,
      `${wf.file} → notification: no models for ${job.domain}`);
    for (const m of job.models) {
      const old = before[job.domain][m.model] ?? 0;
      check(typeof m.version === 'number' && m.version > old,
        `${wf.file} → notification: ${job.domain}/${m.model} version ${m.version} is not newer than ${old}`);
      check(after[job.domain][m.model] === m.version,
        `${wf.file}: notified ${job.domain}/${m.model} v${m.version} but /training/stats serves v${after[job.domain][m.model]}`);
      check(m.metrics && Object.keys(m.metrics).length > 0,
        `${wf.file} → notification: ${job.domain}/${m.model} has no metrics`);
      check(note.message.includes(`${m.model} v${m.version}`),
        `${wf.file} → notification: the message does not mention ${m.model} v${m.version}: ${show(note.message)}`);
    }
  }
  for (const [domain, models] of Object.entries(before)) {
    if (!due.includes(domain)) {
      check(show(after[domain]) === show(models),
        `${wf.file}: ${domain} was not due, yet its versions went from ${show(models)} to ${show(after[domain])}`);
    }
  }
  const musicAfter = stats.domains.find((d) => d.domain === 'music');
  check(!musicAfter.should_retrain,
    `after retraining /training/stats still says music is due: ${show(musicAfter)}`);
}

async function nothingToDoScenario(api, sink, wf, env) {
  const before = servedVersions(await api.get('/training/stats'));
  const ran = await execute(sink, wf, env);
  const note = onlyOne(wf, ran, '/notify');
  check(note.workflow === wf.key && note.status === 'ok' && Array.isArray(note.retrained) && note.retrained.length === 0,
    `${wf.file} → notification: expected nothing retrained, got ${show(note)}`);
  check(typeof note.message === 'string' && note.message.length < 300 && /nothing/i.test(note.message),
    `${wf.file} → notification: not a short "nothing to do" message: ${show(note.message)}`);
  const after = servedVersions(await api.get('/training/stats'));
  check(show(after) === show(before),
    `${wf.file}: nothing was due, yet versions went from ${show(before)} to ${show(after)}`);
}

/// The run fails, only the notification is sent, and both it and n8n's output name the workflow and node.
async function errorPathScenario(sink, wf, env, { node, message }) {
  const ran = await execute(sink, wf, env, { expectSuccess: false });
  const note = onlyOne(wf, ran, '/notify');
  check(ran.received.length === 1,
    `${wf.file}: only the failure notification may be sent, got ${show(ran.received.map((q) => q.path))}`);
  check(note.status === 'error' && note.workflow === wf.key && (node ? note.node === node : !!note.node)
    && typeof note.message === 'string' && message.test(note.message),
  `${wf.file} → notification: expected an error of workflow ${wf.key}`
    + `${node ? ` naming node '${node}'` : ''} matching ${message}, got ${show(note)}`);
  check(ran.output.includes(`${wf.key}: node '${note.node}' failed`),
    `${wf.file}: n8n's output does not name the workflow and the failed node: ${describeRun(ran.execution)}`);
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
    log('imported all four workflows');

    const env = {
      API_BASE_URL: api.base, USER_ID: USER, MXN_API_KEY: API_KEY,
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

    const down = `http://127.0.0.1:${await closedPort()}`;
    for (const wf of Object.values(workflows)) {
      await scenario(`${wf.key}, API down → error notification`,
        () => errorPathScenario(sink, wf, { ...env, API_BASE_URL: down }, { node: wf.fetchNode, message: /./ }));
    }
    await scenario('daily-playlist, field renamed in the response → contract error', () => errorPathScenario(
      sink, workflows.playlist, { ...env, API_BASE_URL: `${sink.base}/broken-api` }, { message: /items/ }));

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
