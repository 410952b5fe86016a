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
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { request, sleep } from '../api/lib.mjs';
import { listDepartments, login, makeReport, parseArgs, reportSurvivors, startServer as start, stopServer } from './common.mjs';

const LOOPS = 8;

const { args, usage } = parseArgs('node tests/durability/run.mjs --bin ./aftersales --db FILE.db [--rounds 4]',
  ['--bin', '--db', '--rounds']);
if (!args.bin || !args.db) usage('--bin and --db are required');
const bin = path.resolve(args.bin);
const db = args.db;
const rounds = args.rounds ? Number(args.rounds) : 4;
if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');
if (/^postgres(ql)?:\/\//.test(db)) usage('--db must be a SQLite file (the integrity check runs sqlite3 on it)');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersales-dur-'));
const logPath = path.join(tmp, 'server.log');

const { report, finish } = makeReport([{ label: 'server log', path: logPath }], tmp);
const startServer = () => start(bin, db, logPath);

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
    reportSurvivors(report, acked, items, '随机部门');
  } catch (e) {
    report('the final listing', e);
  }

  // a clean stop
  await stopServer(s, report);

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
