#!/usr/bin/env node
// Durability: what the server acknowledged survives SIGKILL (node built-ins
// only).
//
//   node tests/durability/run.mjs --bin ./aftersales --db FILE.db [--rounds 4]
//
// Each round: start the server, log in as admin, run 8 concurrent loops that
// POST departments as fast as they can, record every code answered 201, and
// SIGKILL the server after a random 300-1500 ms.  At the end: every
// acknowledged code is listed, with the id it was acknowledged with, the
// server stops cleanly on SIGTERM, and PRAGMA integrity_check says "ok".
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { freePort, request, sleep } from '../api/lib.mjs';

const LOOPS = 8;

function usage(msg) {
  process.stderr.write(`durability: ${msg}\nusage: node tests/durability/run.mjs --bin ./aftersales --db FILE.db [--rounds 4]\n`);
  process.exit(2);
}

const args = {};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    if (!['--bin', '--db', '--rounds'].includes(k)) usage(`unknown option '${k}'`);
    if (i + 1 >= argv.length) usage(`${k} needs a value`);
    args[k.slice(2)] = argv[i + 1];
  }
  if (!args.bin || !args.db) usage('--bin and --db are required');
}
const bin = path.resolve(args.bin);
const db = args.db;
const rounds = args.rounds ? Number(args.rounds) : 4;
if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');
if (/^postgres(ql)?:\/\//.test(db)) usage('--db must be a SQLite file (the integrity check runs sqlite3 on it)');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersales-dur-'));
const logPath = path.join(tmp, 'server.log');

let passed = 0;
let failed = 0;
function report(name, err) {
  if (err) {
    failed++;
    console.log(`not ok - ${name}: ${String(err.message || err).replace(/\s*\n\s*/g, ' | ').slice(0, 1500)}`);
  } else {
    passed++;
    console.log(`ok - ${name}`);
  }
}
function finish() {
  if (failed > 0) {
    try {
      const lines = fs.readFileSync(logPath, 'utf8').split('\n').filter(Boolean).slice(-30);
      console.log(`# server log (${logPath}), last 30 lines:`);
      for (const l of lines) console.log(`#   ${l}`);
    } catch { /* no log */ }
  } else {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

let current = null; // the running server
process.on('exit', () => { if (current && current.exited === null) try { current.proc.kill('SIGKILL'); } catch { /* gone */ } });

async function startServer() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const fd = fs.openSync(logPath, 'a');
  const proc = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const s = { proc, base, exited: null };
  s.exit = new Promise((resolve) => proc.on('exit', (code, signal) => { s.exited = { code, signal }; resolve(s.exited); }));
  current = s;
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < 15000 && s.exited === null) {
    try {
      const r = await request(base, 'GET', '/healthz', { timeoutMs: 2000, agent: false });
      if (r.status === 200) return s;
      last = `status ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(50);
  }
  throw new Error(s.exited ? `the server exited (${s.exited.code ?? s.exited.signal})` : `no healthy /healthz in 15 s: ${last}`);
}

async function login(s) {
  const r = await request(s.base, 'POST', '/api/v1/session', { body: { username: 'admin', password: 'demo-2026' }, agent: false });
  if (r.status !== 200) throw new Error(`admin login: ${r.status} ${r.text}`);
  return r.json.token;
}

async function listDepartments(s, token) {
  const out = [];
  let cursor = null;
  for (;;) {
    const q = `/api/v1/departments?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await request(s.base, 'GET', q, { token });
    if (r.status !== 200) throw new Error(`GET ${q}: ${r.status} ${r.text}`);
    out.push(...r.json.items);
    cursor = r.json.next_cursor;
    if (cursor === null) return out;
  }
}

async function main() {
  for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) fs.rmSync(f, { force: true });
  const demo = spawnSync(bin, ['demo', '--db', db], { encoding: 'utf8', timeout: 120000 });
  if (demo.status !== 0) {
    report('demo loads', new Error(`exit ${demo.status ?? demo.signal}: ${demo.stderr}`));
    return finish();
  }
  report('demo loads');

  const acked = new Map(); // code -> id
  const badAnswers = [];   // answers other than 201 before the kill
  let total = 0;

  for (let round = 1; round <= rounds; round++) {
    let s;
    try {
      s = await startServer();
    } catch (e) {
      report(`round ${round}: the server restarts on the same database`, e);
      return finish();
    }
    let token;
    try {
      token = await login(s);
    } catch (e) {
      report(`round ${round}: admin logs in`, e);
      s.proc.kill('SIGKILL');
      await s.exit;
      continue;
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: LOOPS });
    let killed = false;
    let roundAcked = 0;
    let unanswered = 0;
    const loop = async (li) => {
      for (let n = 1; !killed; n++) {
        const code = `D${round}_${li}_${n}`;
        let r;
        try {
          r = await request(s.base, 'POST', '/api/v1/departments', { token, body: { code, name: '随机部门' }, agent, timeoutMs: 10000 });
        } catch {
          unanswered++; // in flight at the kill (or refused after it)
          if (!killed) await sleep(5);
          continue;
        }
        if (r.status === 201) {
          acked.set(code, r.json.id);
          roundAcked++;
        } else if (!killed || r.status !== 503) {
          badAnswers.push(`round ${round} ${code}: ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    };
    const delay = 300 + Math.floor(Math.random() * 1201);
    const loops = Array.from({ length: LOOPS }, (_, i) => loop(i + 1));
    await sleep(delay);
    s.proc.kill('SIGKILL');
    killed = true;
    await s.exit;
    await Promise.all(loops);
    agent.destroy();
    total += roundAcked;
    report(`round ${round}: SIGKILL after ${delay} ms; ${roundAcked} creates acknowledged (${unanswered} cut off)`,
      roundAcked > 0 ? null : new Error('no create was acknowledged'));
  }

  report(`every answered create before the kill was 201 (${badAnswers.length} were not)`,
    badAnswers.length ? new Error(badAnswers.slice(0, 5).join('; ')) : null);

  // the final check, on a fresh start
  let s;
  try {
    s = await startServer();
    const token = await login(s);
    const items = await listDepartments(s, token);
    const byCode = new Map();
    const dups = [];
    for (const d of items) {
      if (byCode.has(d.code)) dups.push(d.code);
      byCode.set(d.code, d);
    }
    const missing = [];
    const wrong = [];
    for (const [code, id] of acked) {
      const d = byCode.get(code);
      if (!d) missing.push(code);
      else if (d.id !== id || d.name !== '随机部门') wrong.push(`${code}: acknowledged id ${id}, listed ${JSON.stringify(d)}`);
    }
    report(`every acknowledged create survived (${acked.size} acknowledged in all, ${items.length} departments listed)`,
      missing.length ? new Error(`${missing.length} acknowledged codes are missing, e.g. ${missing.slice(0, 10).join(', ')}`) : null);
    report('every surviving record is the one acknowledged (same id and name)',
      wrong.length ? new Error(wrong.slice(0, 5).join('; ')) : null);
    report('no department code is listed twice', dups.length ? new Error(dups.slice(0, 10).join(', ')) : null);
  } catch (e) {
    report('the final listing', e);
  }

  // a clean stop
  if (s && s.exited === null) {
    s.proc.kill('SIGTERM');
    const ex = await Promise.race([s.exit, sleep(15000).then(() => null)]);
    if (ex === null) {
      s.proc.kill('SIGKILL');
      report('SIGTERM stops the server within 15 s', new Error('still running after 15 s'));
    } else {
      report('SIGTERM stops the server with exit code 0', ex.code === 0 ? null : new Error(`exit ${ex.code} signal ${ex.signal}`));
    }
  }

  const ic = spawnSync('sqlite3', [db, 'PRAGMA integrity_check'], { encoding: 'utf8', timeout: 60000 });
  report('PRAGMA integrity_check says ok',
    ic.status === 0 && ic.stdout.trim() === 'ok' ? null : new Error(`exit ${ic.status}: ${(ic.stdout + ic.stderr).trim().slice(0, 500)}`));
  console.log(`# ${total} creates acknowledged over ${rounds} rounds`);
  finish();
}

main().catch((e) => {
  report('(internal)', e);
  finish();
});
