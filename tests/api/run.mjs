#!/usr/bin/env node
// The Aftersales HTTP API test runner (node built-ins only).
//
//   node tests/api/run.mjs --bin ./aftersales --db DSN [--port N] [--only TEXT]
//
// (--only runs just the test files whose name contains TEXT, or one of the
// comma-separated TEXTs.)
// DSN is a SQLite file (deleted first, with -wal/-shm) or the postgresql://
// URL of an empty database.  Loads the demo data, starts the server, runs
// every tests/api/*.test.mjs in name order, then stops the server with
// SIGTERM (itself a test).  One line per test; the last line is
// "N passed, N failed"; exit code 1 when anything failed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { freePort, makeContext, makeState, request, sleep } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEST_TIMEOUT_MS = 30000;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) usage(`unexpected argument '${a}'`);
    const k = a.slice(2);
    if (!['bin', 'db', 'port', 'only'].includes(k)) usage(`unknown option '${a}'`);
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    out[k] = argv[++i];
  }
  if (!out.bin || !out.db) usage('--bin and --db are required');
  return out;
}

function usage(msg) {
  process.stderr.write(`run.mjs: ${msg}\nusage: node tests/api/run.mjs --bin ./aftersales --db DSN [--port N] [--only TEXT]\n`);
  process.exit(2);
}

const oneLine = (s) => String(s).replace(/\s*\n\s*/g, ' | ').slice(0, 1500);

const args = parseArgs(process.argv.slice(2));
const bin = path.resolve(args.bin);
const dsn = args.db;
const isPg = /^postgres(ql)?:\/\//.test(dsn);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersales-api-'));
const logPath = path.join(tmp, 'server.log');

let passed = 0;
let failed = 0;
function report(file, name, err) {
  if (err) {
    failed++;
    console.log(`not ok - ${file}: ${name}: ${oneLine(err && err.message ? err.message : err)}`);
  } else {
    passed++;
    console.log(`ok - ${file}: ${name}`);
  }
}

function logTail(n = 30) {
  try {
    const lines = fs.readFileSync(logPath, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n);
  } catch {
    return [];
  }
}

function finish() {
  if (failed > 0) {
    console.log(`# server log (${logPath}), last 30 lines:`);
    for (const l of logTail(30)) console.log(`#   ${l}`);
  } else {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]);
}

async function main() {
  // 1. a fresh database
  if (!isPg) {
    for (const f of [dsn, `${dsn}-wal`, `${dsn}-shm`, `${dsn}-journal`])
      fs.rmSync(f, { force: true });
  }

  // 2. demo data
  const demo = spawnSync(bin, ['demo', '--db', dsn], { encoding: 'utf8', timeout: 120000 });
  if (demo.status !== 0) {
    report('runner', 'demo loads', new Error(`'${bin} demo --db ${dsn}' exited ${demo.status ?? demo.signal}: ${demo.stderr || demo.error}`));
    return finish();
  }
  report('runner', 'demo loads');

  // 3. the server
  const port = args.port ? Number(args.port) : await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFd = fs.openSync(logPath, 'a');
  const server = spawn(bin, ['serve', '--db', dsn, '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  let exited = null;
  const exitPromise = new Promise((resolve) => server.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  process.on('exit', () => { if (exited === null) try { server.kill('SIGKILL'); } catch { /* gone */ } });

  const t0 = Date.now();
  let healthy = false;
  let lastErr = '';
  while (Date.now() - t0 < 15000 && exited === null) {
    try {
      const r = await request(base, 'GET', '/healthz', { timeoutMs: 2000, agent: false });
      if (r.status === 200) { healthy = true; break; }
      lastErr = `status ${r.status}: ${r.text}`;
    } catch (e) {
      lastErr = e.message;
    }
    await sleep(100);
  }
  if (!healthy) {
    report('runner', 'server starts and /healthz answers 200 within 15 s',
      new Error(exited ? `server exited (${exited.code ?? exited.signal})` : `timed out: ${lastErr}`));
    if (exited === null) server.kill('SIGKILL');
    return finish();
  }

  // 4. the tests
  const state = makeState(base);
  state.bin = bin;
  let files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
  if (args.only) files = files.filter((f) => args.only.split(',').some((o) => f.includes(o)));
  for (const file of files) {
    let mod;
    try {
      mod = await import(pathToFileURL(path.join(here, file)).href);
    } catch (e) {
      report(file, '(import)', e);
      continue;
    }
    if (!Array.isArray(mod.tests)) {
      report(file, '(import)', new Error('does not export "tests" as an array'));
      continue;
    }
    for (const [name, fn] of mod.tests) {
      const t = makeContext({ base, state, file });
      try {
        await withTimeout(Promise.resolve().then(() => fn(t)), TEST_TIMEOUT_MS, 'test');
        report(file, name);
      } catch (e) {
        report(file, name, e);
      }
    }
  }
  report('runner', `failed logins stay under the per-address limit of 50 (${state.failedLogins} of ${state.logins} logins failed)`,
    state.failedLogins < 50 ? null : new Error(`${state.failedLogins} failed logins`));

  // 5. SIGTERM: an in-flight request (a login, ~90 ms of argon2id) still
  // gets its answer, and the server exits 0 within 15 s.
  try {
    if (exited !== null) throw new Error(`the server had already exited (${exited.code ?? exited.signal})`);
    const inflight = request(base, 'POST', '/api/v1/session',
      { body: { username: 'admin', password: 'demo-2026' }, agent: false });
    await sleep(30);
    server.kill('SIGTERM');
    const ex = await withTimeout(exitPromise, 15000, 'waiting for the server to exit');
    let r;
    try { r = await inflight; } catch (e) { throw new Error(`the request in flight at SIGTERM got no answer: ${e.message}`); }
    if (r.status !== 200)
      throw new Error(`the request in flight at SIGTERM got ${r.status}: ${r.text}`);
    if (ex.code !== 0) throw new Error(`exit code ${ex.code}, signal ${ex.signal}`);
    report('runner', 'SIGTERM drains and exits 0');
  } catch (e) {
    report('runner', 'SIGTERM drains and exits 0', e);
    if (exited === null) server.kill('SIGKILL');
  }
  finish();
}

main().catch((e) => {
  report('runner', '(internal)', e);
  finish();
});
