#!/usr/bin/env node
// The allocation-failure loop (STYLE.md, curl's torture, SQLite's FaultSim):
// for N = 1..MAX the server runs with SVC_FAIL_ALLOC=N, so the Nth
// allocation of every arena fails (util/mem.h).  Each run must stay clean:
// the server either refuses to start with an error (no crash), or answers
// a few ordinary requests with their normal status or a clean error
// (413/500 with the JSON error body, never a dropped connection), and
// exits 0 on SIGTERM.  Run it on the ASan build to catch leaks and memory
// errors on the failure paths too.
//
//   node tests/faults/run.mjs --bin ./build-asan/aftersales --db FILE.db [--max 40]
//
// One line per N; the last line is "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, request, sleep } from '../api/lib.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!['bin', 'db', 'max'].includes(k) || i + 1 >= process.argv.length) {
    console.error('usage: node tests/faults/run.mjs --bin BIN --db FILE.db [--max N]');
    process.exit(2);
  }
  args[k] = process.argv[i + 1];
}
if (!args.bin || !args.db) {
  console.error('usage: node tests/faults/run.mjs --bin BIN --db FILE.db [--max N]');
  process.exit(2);
}
const bin = path.resolve(args.bin);
const db = args.db;
const max = Number(args.max || 40);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersales-faults-'));
let passed = 0;
let failed = 0;
let fired = 0;	// runs where an injected failure showed as 413/500

function report(name, err) {
  if (err) {
    failed++;
    console.log(`not ok - ${name}: ${String(err.message || err).replace(/\s*\n\s*/g, ' | ').slice(0, 1500)}`);
  } else {
    passed++;
    console.log(`ok - ${name}`);
  }
}

// the request's own status, or a clean error (413: the arena's cap, as an
// allocation that fails looks; 500; 503) with the JSON error body: never
// another answer (a 401 for the right password, a 404 for a route that
// exists), never a dropped connection
function clean(res, what, normal) {
  if (res.status !== normal && ![413, 500, 503].includes(res.status))
    throw new Error(`${what}: status ${res.status}, expected ${normal} or a clean 413/500: ${res.text.slice(0, 200)}`);
  if (res.status >= 400) {
    const j = res.json;
    if (!j || !j.error || typeof j.error.code !== 'string')
      throw new Error(`${what}: ${res.status} without the JSON error body: ${res.text.slice(0, 200)}`);
  }
  if (res.status === 413 || res.status === 500) fired++;
  return res;
}

// n: the allocation that fails (0: none); token: a session made beforehand
async function one(n, token) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = path.join(tmp, `serve-${n}.log`);
  const fd = fs.openSync(log, 'w');
  // every run logs in as admin: the login rates (30 a minute per account)
  // are not what this loop tests
  const env = { ...process.env, SVC_FAIL_ALLOC: String(n), AFTERSALES_LOGIN_RATE_USER: '100000', AFTERSALES_LOGIN_RATE_ADDR: '1000000' };
  if (n === 0) delete env.SVC_FAIL_ALLOC;
  const server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', fd, fd], env });
  fs.closeSync(fd);
  let exited = null;
  const exit = new Promise((r) => server.on('exit', (code, signal) => { exited = { code, signal }; r(exited); }));
  const tail = () => fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n');
  try {
    // up: any HTTP answer to /healthz (it may itself meet the failure)
    let up = false;
    for (const t0 = Date.now(); Date.now() - t0 < 20000 && exited === null;) {
      try {
        await request(base, 'GET', '/healthz', { timeoutMs: 2000, agent: false });
        up = true;
        break;
      } catch { await sleep(100); }
    }
    if (!up) {
      if (exited === null) throw new Error('no answer within 20 s');
      // refused to start: cleanly, with an exit code, not a signal
      if (exited.signal !== null || exited.code === 0)
        throw new Error(`exited at start by ${exited.signal ?? `code ${exited.code}`}: ${tail()}`);
      return 'refused to start cleanly';
    }
    const step = async (what, normal, method, url, opts) => {
      let res;
      try {
        res = await request(base, method, url, { agent: false, timeoutMs: 10000, ...opts });
      } catch (e) {
        throw new Error(`${what}: no answer (${e.message})`);
      }
      return clean(res, what, normal);
    };
    const login = await step('log in', 200, 'POST', '/api/v1/session',
      { body: { username: 'admin', password: 'demo-2026' } });
    if (n === 0) return login.json.token;
    if (token) {
      await step('who am I', 200, 'GET', '/api/v1/session', { token });
      await step('list requests', 200, 'GET', '/api/v1/requests?limit=5', { token });
      await step('create a department', 201, 'POST', '/api/v1/departments',
        { token, body: { code: `F${n}x${Date.now() % 100000}`, name: `故障 ${n}` } });
      await step('the audit log', 200, 'GET', '/api/v1/audit?limit=5', { token });
      await step('search', 200, 'GET', `/api/v1/search?q=${encodeURIComponent('漏水')}`, { token });
    }
    await step('no such endpoint', 404, 'GET', '/api/v1/nowhere', {});
    if (exited !== null) throw new Error(`the server exited (${exited.signal ?? exited.code}): ${tail()}`);
    server.kill('SIGTERM');
    const ex = await Promise.race([exit, sleep(15000).then(() => null)]);
    if (ex === null) throw new Error('no exit within 15 s of SIGTERM');
    if (ex.code !== 0) throw new Error(`SIGTERM: exit ${ex.signal ?? ex.code}: ${tail()}`);
    return `answered (login ${login.status})`;
  } finally {
    if (exited === null) server.kill('SIGKILL');
  }
}

// a fresh database with the demo data, made without faults
for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
const demo = spawnSync(bin, ['demo', '--db', db], { encoding: 'utf8', timeout: 300000 });
if (demo.status !== 0) {
  report('demo loads', new Error(`exit ${demo.status ?? demo.signal}: ${demo.stderr}`));
} else {
  // a session to use in every run (sessions live in the database)
  let token = null;
  try {
    token = await one(0, null);
    report('without faults: the server starts and the admin logs in', typeof token === 'string' ? null : new Error(`no token: ${token}`));
  } catch (e) {
    report('without faults: the server starts and the admin logs in', e);
  }
  for (let n = 1; n <= max && token; n++) {
    try {
      const how = await one(n, token);
      report(`SVC_FAIL_ALLOC=${n}: ${how}`);
    } catch (e) {
      report(`SVC_FAIL_ALLOC=${n}`, e);
    }
  }
  report(`the injected failures showed (${fired} answers were 413/500)`,
    fired > 0 ? null : new Error('no request met an injected failure: the loop tested nothing'));
}
if (failed === 0) fs.rmSync(tmp, { recursive: true, force: true });
else console.log(`# server logs in ${tmp}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
