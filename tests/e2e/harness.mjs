// What the end-to-end tests are built from: failures with clear messages, child processes that never block
// the event loop and are stopped on exit, a client of the mxn API, a webhook sink that records what it is
// sent, and readers of n8n's CLI output. Nothing here knows the workflows.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

// ---- Failures --------------------------------------------------------------------------------------------

/// A failed expectation: reported with its message only (no stack).
export class Failure extends Error {}
export function fail(message) { throw new Failure(message); }
/// message may be a function, so costly messages are only built on failure.
export function check(condition, message) {
  if (!condition) fail(typeof message === 'function' ? message() : message);
}
export const log = (message) => console.log(`[e2e] ${message}`);
/// A value shortened for a failure message.
export function show(value, max = 600) {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s && s.length > max ? `${s.slice(0, max)}…` : s;
}

// ---- Processes and the work folder -----------------------------------------------------------------------

const children = new Set();
let workDir = null;

/// A fresh temporary folder, removed at exit unless MXNTEST_E2E_KEEP=1; children still running are killed.
export function makeWorkDir(prefix) {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return workDir;
}
process.on('exit', () => {
  for (const child of children) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (!workDir) return;
  if (process.env.MXNTEST_E2E_KEEP === '1') console.log(`[e2e] kept ${workDir}`);
  else fs.rmSync(workDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

/// Runs a command to completion without blocking the event loop (the sink lives in this process).
/// Resolves to { code, signal, stdout, stderr, timedOut }; never rejects.
export function run(command, args, { env, cwd, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (err) => { stderr += String(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut, timeoutMs });
    });
  });
}

/// "WHAT exited with N" plus the tails of its output.
export function commandFailure(what, r) {
  const why = r.timedOut ? `timed out after ${r.timeoutMs / 1000} s` : `exited with ${r.code ?? r.signal}`;
  const tail = (name, text) => (text.trim() ? `\n--- ${name} (tail) ---\n${text.slice(-3000)}` : '');
  return `${what} ${why}${tail('stdout', r.stdout)}${tail('stderr', r.stderr)}`;
}

/// This process's environment without the variables a test sets itself, so the caller's shell cannot
/// steer it (MXN_* config overrides, N8N_* settings, ...).
export function cleanEnv(dropPrefixes, dropNames = []) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (dropPrefixes.some((p) => k.startsWith(p)) || dropNames.includes(k)) continue;
    env[k] = v;
  }
  return env;
}

/// Starts a long-running server that prints its address; resolves to { port, stop } once a line of its
/// stdout matches `pattern` (first group = port). stdout and stderr go to logFile.
export async function startServer(command, args, { env, cwd, logFile, pattern, timeoutMs }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', out] });
  children.add(child);
  let stdout = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`${path.basename(command)} printed no address within `
      + `${timeoutMs / 1000} s; log: ${logFile}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      fs.appendFileSync(logFile, d);
      const m = pattern.exec(stdout);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); } // later output is only logged
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Failure(`${path.basename(command)} ${args.join(' ')} exited with ${code} before serving:\n`
        + fs.readFileSync(logFile, 'utf8').slice(-3000)));
    });
  });
  const exited = new Promise((resolve) => child.on('exit', () => { children.delete(child); resolve(true); }));
  /// SIGTERM, then wait (a server holding a DuckDB file must close it before its folder goes).
  const stop = async (graceMs = 15_000) => {
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs, false))]);
    if (!stopped) console.error(`[e2e] ${path.basename(command)} did not stop within ${graceMs / 1000} s of SIGTERM`);
  };
  return { port, stop };
}

// ---- The mxn API -----------------------------------------------------------------------------------------

export class MxnApi {
  constructor(base, key) {
    this.base = base;
    this.key = key;
  }

  /// { status, body } with body parsed from JSON when it is JSON.
  async request(method, p, body) {
    const headers = { 'X-API-Key': this.key };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed = text;
    try { parsed = JSON.parse(text); } catch { /* kept as text */ }
    return { status: res.status, body: parsed };
  }

  /// The body of a 2xx answer; anything else fails the test.
  async ok(method, p, body) {
    const r = await this.request(method, p, body);
    check(r.status >= 200 && r.status < 300, `mxn API ${method} ${p} answered ${r.status}: ${show(r.body)}`);
    return r.body;
  }

  get(p) { return this.ok('GET', p); }
}

// ---- Webhook sink ----------------------------------------------------------------------------------------

/// Records every request it gets ({ method, path, headers, body }) and answers 200 {"received": true}.
/// GET /broken-api/<path> plays an mxn that broke its contract: it answers what `api` answers for <path>
/// with the field `items` renamed to `tracks`.
export function startSink(api) {
  const sink = { requests: [], base: null };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => { raw += d; });
    req.on('end', async () => {
      const url = new URL(req.url, 'http://sink');
      if (req.method === 'GET' && url.pathname.startsWith('/broken-api/')) {
        const real = await api().request('GET', url.pathname.slice('/broken-api'.length) + url.search);
        const body = { ...real.body, tracks: real.body.items };
        delete body.items;
        res.writeHead(real.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
        return;
      }
      let body = raw;
      try { body = JSON.parse(raw); } catch { /* recorded as text */ }
      sink.requests.push({ method: req.method, path: url.pathname, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  sink.close = () => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      sink.base = `http://127.0.0.1:${server.address().port}`;
      resolve(sink);
    });
  });
}

/// A loopback port nothing listens on: bound, read, released.
export function closedPort() {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- n8n's CLI output ------------------------------------------------------------------------------------

/// `n8n execute --rawOutput` prints the run as pretty-printed JSON (after a header line when it failed);
/// null when there is none.
export function parseRawOutput(stdout) {
  const lines = stdout.split('\n');
  const start = lines.indexOf('{');
  const end = start < 0 ? -1 : lines.indexOf('}', start);
  if (end < 0) return null;
  try { return JSON.parse(lines.slice(start, end + 1).join('\n')); } catch { return null; }
}

/// The status of a run, the node where it stopped and what that node said.
export function describeRun(execution) {
  if (!execution) return 'no execution data in the output';
  const rd = execution.data && execution.data.resultData;
  const err = rd && rd.error;
  const node = (err && err.node && err.node.name) || (rd && rd.lastNodeExecuted) || '?';
  const messages = err ? [...new Set([...(err.messages || []), err.message].filter(Boolean))] : [];
  return `status ${execution.status}, stopped at node '${node}'${messages.length ? `: ${messages.join(' | ')}` : ''}`;
}
