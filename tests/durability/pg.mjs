#!/usr/bin/env node
// Durability on PostgreSQL: what the server acknowledged survives a SIGKILL of
// the PostgreSQL postmaster, and the server reconnects by itself once
// PostgreSQL is back (node built-ins only).
//
//   node tests/durability/pg.mjs --bin ./aftersales --db postgresql://... \
//        --pgdata DIR [--rounds 4]
//
// --db is an empty database of the cluster whose data directory is --pgdata
// (tests/pg.sh start + createdb: a cluster of its own, since it is killed).
// The test first stops that cluster (pg_ctl stop) and starts its postmaster
// itself, as the owner of DIR, with the options of DIR/postmaster.opts (same
// port, same socket), the log appended to DIR/../server.log; see
// startPostgres() for why.  It leaves the cluster running.
//
// Each round: 8 concurrent loops POST departments as fast as they can and
// record every code answered 201; after a random 300-1500 ms the postmaster
// (the pid on the first line of DIR/postmaster.pid) is SIGKILLed; once its
// orphaned backends are gone PostgreSQL is started again.  Rounds cycle
// through three kinds:
//   busy   only PostgreSQL is killed: the same server answers a create with
//          201 within 5 s of PostgreSQL being back, and nothing started after
//          that first success fails
//   both   the server is SIGKILLed at the same moment; it restarts on the
//          recovered database and creates succeed
//   idle   the loops stop before the kill and start again once PostgreSQL is
//          back: no request fails at all (the pool reuses no dead connection)
// Throughout, an answer is 201, or around the outage a 5xx JSON error or no
// answer at all.  After each round every acknowledged code is listed with the
// id it was acknowledged with; at the end the server stops cleanly on SIGTERM
// and pg_amcheck finds no corruption.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { request, sleep } from '../api/lib.mjs';
import { listDepartments, login, makeReport, parseArgs, reportSurvivors, startServer as start, stopServer } from './common.mjs';

const LOOPS = 8;
const NAME = '随机部门';
const RECOVER_MS = 5000;   // the server must write again this soon after PostgreSQL is back
const GONE_MS = 10000;     // a killed postmaster and its orphaned backends are gone within this
const RESTART_MS = 15000;  // the postmaster's start, retried while old shared memory is held

const { args, usage } = parseArgs('node tests/durability/pg.mjs --bin ./aftersales --db postgresql://... --pgdata DIR [--rounds 4]',
  ['--bin', '--db', '--pgdata', '--rounds']);
if (!args.bin || !args.db || !args.pgdata) usage('--bin, --db and --pgdata are required');
const bin = path.resolve(args.bin);
const db = args.db;
const pgdata = path.resolve(args.pgdata);
const rounds = args.rounds ? Number(args.rounds) : 4;
if (!Number.isInteger(rounds) || rounds < 1) usage('--rounds must be a positive integer');
if (!/^postgres(ql)?:\/\//.test(db)) usage('--db must be a postgresql:// URL');
if (!fs.existsSync(path.join(pgdata, 'postmaster.pid'))) usage(`no running cluster in '${pgdata}' (no postmaster.pid)`);

// the cluster as it was started: postmaster.opts is `BINDIR/postgres "-D" "DIR" "-k" ...`
const optsLine = fs.readFileSync(path.join(pgdata, 'postmaster.opts'), 'utf8').trim();
const bindir = path.dirname(optsLine.split(' ')[0]);
const pgOpts = [];
{
  const argv = [...optsLine.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-D') i++; // startPostgres passes its own
    else pgOpts.push(argv[i]);
  }
}
const pgLog = path.join(path.dirname(pgdata), 'server.log');
const pgRealDir = fs.realpathSync(pgdata);
// as root, PostgreSQL runs as the owner of its data directory
const owner = fs.statSync(pgdata);
const asOwner = process.getuid() === 0 && owner.uid !== 0 ? { uid: owner.uid, gid: owner.gid } : {};

function pidFile() {
  return fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
}
{
  // refuse a --db of another cluster: this test kills the one in --pgdata
  const lines = pidFile();
  const port = (/[?&]port=(\d+)/.exec(db) || /@[^/?]*:(\d+)/.exec(db) || [])[1];
  if (port !== undefined && port !== lines[3]) usage(`--db (port ${port}) is not the cluster in '${pgdata}' (port ${lines[3]})`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersales-durpg-'));
const logPath = path.join(tmp, 'server.log');
const { report, finish } = makeReport([{ label: 'server log', path: logPath }, { label: 'postgresql log', path: pgLog }], tmp);
const startServer = () => start(bin, db, logPath);

/* The processes of the cluster: PostgreSQL's all work in the data directory. */
function clusterPids() {
  const out = [];
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch { return out; }
  for (const e of entries) {
    if (!/^[0-9]+$/.test(e)) continue;
    try {
      if (fs.readlinkSync(`/proc/${e}/cwd`) === pgRealDir) out.push(Number(e));
    } catch { /* gone, or not ours to see */ }
  }
  return out;
}

function postmasterPid() {
  const pid = Number(pidFile()[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`postmaster.pid: no pid on its first line`);
  process.kill(pid, 0); // throws if it is not running
  return pid;
}

/* Run a command to its end: { code, out } (stdout and stderr together). */
function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { cwd: '/', ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.stderr.on('data', (c) => { out += c; });
    p.on('error', (e) => resolve({ code: -1, out: String(e.message) }));
    p.on('close', (code, signal) => resolve({ code: code ?? signal, out }));
  });
}

/* Wait for every process of the killed cluster to exit: a new postmaster
 * refuses to start while an old backend still holds the shared memory.
 * Returns the pids still there GONE_MS after t0. */
async function waitClusterGone(t0) {
  let left = clusterPids();
  while (left.length > 0 && Date.now() - t0 < GONE_MS) {
    await sleep(20);
    left = clusterPids();
  }
  return left;
}

/*
 * Start the postmaster on the same directory with the same options (so the
 * same port and socket) and wait until postmaster.pid says "ready"; retried
 * for RESTART_MS.  It is started as this process's child rather than by
 * pg_ctl, which leaves it to PID 1: a killed postmaster stays a zombie until
 * its parent reaps it, and PostgreSQL refuses to start while the pid in
 * postmaster.pid still exists (in a container whose PID 1 does not reap, for
 * ever).  Node reaps its children at once.
 */
let pgProc = null; // { proc, exit }
async function startPostgres() {
  const t0 = Date.now();
  let last = '';
  for (let attempt = 1; Date.now() - t0 < RESTART_MS; attempt++) {
    const fd = fs.openSync(pgLog, 'a');
    const proc = spawn(path.join(bindir, 'postgres'), ['-D', pgdata, ...pgOpts],
      { cwd: '/', detached: true, stdio: ['ignore', fd, fd], ...asOwner });
    fs.closeSync(fd);
    proc.unref(); // it outlives this test; tests/pg.sh stop stops it
    const p = { proc, exited: null };
    p.exit = new Promise((resolve) => {
      proc.on('exit', (code, signal) => { p.exited = `exit ${code ?? signal}`; resolve(); });
      proc.on('error', (e) => { p.exited = e.message; resolve(); });
    });
    while (p.exited === null && Date.now() - t0 < RESTART_MS) {
      let lines = [];
      try { lines = pidFile(); } catch { /* not written yet */ }
      if (Number(lines[0]) === proc.pid && (lines[7] || '').trim() === 'ready') {
        pgProc = p;
        return { ms: Date.now() - t0, attempts: attempt };
      }
      await sleep(20);
    }
    if (p.exited === null) {
      proc.kill('SIGKILL');
      await p.exit;
      last = 'not ready in time';
      break;
    }
    last = `postgres exited (${p.exited})`;
    await sleep(200);
  }
  throw new Error(`PostgreSQL did not start in ${RESTART_MS / 1000} s: ${last} (see ${pgLog})`);
}

/*
 * LOOPS loops creating departments on server s until stopped.  The caller
 * moves c.phase from 'before' to 'outage' (at the kill) to 'after' (when
 * PostgreSQL is back, c.tBack).  Each answer is judged by the phases it
 * started and ended in:
 *   201                 the code is recorded in acked, always fine (a backend
 *                       may commit after its postmaster died: it is durable)
 *   5xx with a JSON error  fine if the outage had begun when it ended
 *   no answer           fine if the outage had begun when it ended
 *   anything else       wrong (c.bad)
 * c.firstOk: the time of the first 201 to a request started after tBack;
 * c.late: failures of requests started after c.firstOk; c.failures: every
 * answer but 201.
 */
function startLoops(s, token, tag, acked) {
  const c = { phase: 'before', tBack: 0, firstOk: 0, stopped: false, acked: 0, failed5xx: 0, cut: 0, failures: [], bad: [], late: [] };
  const agent = new http.Agent({ keepAlive: true, maxSockets: LOOPS });
  const loop = async (li) => {
    for (let n = 1; !c.stopped; n++) {
      const code = `P${tag}_${li}_${n}`;
      const t0 = Date.now();
      let r = null;
      let what = '';
      try {
        r = await request(s.base, 'POST', '/api/v1/departments', { token, body: { code, name: NAME }, agent, timeoutMs: 10000 });
      } catch (e) {
        what = `no answer (${e.message})`;
      }
      if (r !== null && r.status === 201) {
        acked.set(code, r.json.id);
        c.acked++;
        if (c.tBack > 0 && t0 >= c.tBack && c.firstOk === 0) c.firstOk = Date.now();
        continue;
      }
      if (r !== null) {
        const clean = r.status >= 500 && r.status <= 599 && r.json && r.json.error && typeof r.json.error.code === 'string';
        what = `${r.status} ${r.text.slice(0, 200)}`;
        if (clean) c.failed5xx++;
        else c.bad.push(`${code}: ${what}`);
      } else {
        c.cut++;
      }
      c.failures.push(`${code}: ${what}`);
      if (c.phase === 'before') c.bad.push(`${code} failed before anything was killed: ${what}`);
      else if (c.firstOk > 0 && t0 > c.firstOk) c.late.push(`${code}: ${what}`);
      await sleep(5); // no busy loop on fast refusals
    }
  };
  const done = Promise.all(Array.from({ length: LOOPS }, (_, i) => loop(i + 1)));
  c.stop = async () => {
    c.stopped = true;
    await done;
    agent.destroy();
  };
  return c;
}


const problems = (list) => (list.length ? new Error(`${list.length}: ${list.slice(0, 5).join('; ')}`) : null);
const KINDS = ['busy', 'both', 'idle'];

/* SIGKILL the postmaster, and the server s at the same moment when given;
 * wait for both to be reaped and for the orphaned backends to exit.
 * Returns { pid, ms, left }: left are the pids still there after GONE_MS. */
async function killPostgres(s) {
  const pid = postmasterPid();
  process.kill(pid, 'SIGKILL');
  if (s) s.proc.kill('SIGKILL');
  const t0 = Date.now();
  if (pgProc && pgProc.proc.pid === pid) await Promise.race([pgProc.exit, sleep(GONE_MS)]);
  if (s) await s.exit;
  const left = await waitClusterGone(t0);
  return { pid, ms: Date.now() - t0, left };
}

/* Creates for 300 ms on s, from a database just back: none may fail. */
async function burstAfter(s, token, tag, acked) {
  const c = startLoops(s, token, tag, acked);
  c.tBack = Date.now();
  c.phase = 'after';
  await sleep(300);
  await c.stop();
  return c;
}

async function main() {
  // take the cluster over: stopped cleanly, then a child of this process
  const stop = await run(path.join(bindir, 'pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', '-t', '30', 'stop'], asOwner);
  if (stop.code !== 0) {
    report('pg_ctl stop', new Error(`exit ${stop.code}: ${stop.out.trim().slice(-500)}`));
    return finish();
  }
  try {
    const st = await startPostgres();
    report(`PostgreSQL stopped and started again by this test (${st.ms} ms)`);
  } catch (e) {
    report('PostgreSQL stopped and started again by this test', e);
    return finish();
  }
  const demo = spawnSync(bin, ['demo', '--db', db], { encoding: 'utf8', timeout: 120000 });
  if (demo.status !== 0) {
    report('demo loads', new Error(`exit ${demo.status ?? demo.signal}: ${demo.stderr}`));
    return finish();
  }
  report('demo loads');

  const acked = new Map(); // code -> id
  let s = null;
  let token = null;
  let total = 0;

  for (let round = 1; round <= rounds; round++) {
    const kind = KINDS[(round - 1) % KINDS.length];
    const R = `round ${round} (${kind}): `;
    try {
      if (s === null) {
        s = await startServer();
        token = await login(s);
      }
    } catch (e) {
      report(`${R}the server starts and admin logs in`, e);
      return finish();
    }
    const c = startLoops(s, token, round, acked);
    const delay = 300 + Math.floor(Math.random() * 1201);
    await sleep(delay);
    if (kind === 'idle') await c.stop();

    // the crash
    c.phase = 'outage';
    let k;
    try {
      k = await killPostgres(kind === 'both' ? s : null);
    } catch (e) {
      report(`${R}PostgreSQL is running`, e);
      await c.stop();
      return finish();
    }
    if (kind === 'both') {
      await c.stop();
      s = null;
    }
    report(`${R}SIGKILL of the postmaster (pid ${k.pid})${kind === 'both' ? ' and of the server' : ''} after ${delay} ms ` +
      `of writes${kind === 'idle' ? ', then idle' : ''}; its processes were gone in ${k.ms} ms`,
    k.left.length ? new Error(`still running after ${GONE_MS} ms: ${k.left.join(' ')}`) : null);
    await sleep(Math.floor(Math.random() * 300)); // requests meet a database that is down

    // the restart
    try {
      const st = await startPostgres();
      report(`${R}PostgreSQL restarts on the same data directory and port (${st.ms} ms, ${st.attempts} attempt${st.attempts > 1 ? 's' : ''})`);
    } catch (e) {
      report(`${R}PostgreSQL restarts on the same data directory and port`, e);
      await c.stop();
      return finish();
    }
    c.tBack = Date.now();
    c.phase = 'after';

    if (kind === 'busy') {
      while (c.firstOk === 0 && Date.now() - c.tBack < RECOVER_MS && s.exited === null) await sleep(10);
      const firstOk = c.firstOk;
      if (firstOk > 0) await sleep(300); // and it keeps working
      await c.stop();
      report(`${R}the server reconnects by itself: a create succeeds ${firstOk ? firstOk - c.tBack : '-'} ms after PostgreSQL is back`,
        s.exited !== null ? new Error(`the server exited (${s.exited.code ?? s.exited.signal})`)
          : firstOk === 0 ? new Error(`no create succeeded within ${RECOVER_MS} ms`) : null);
      report(`${R}nothing started after that first success failed`, problems(c.late));
      if (s.exited !== null) s = null;
    } else {
      try {
        if (kind === 'both') {
          s = await startServer();
          token = await login(s);
          report(`${R}the server restarts on the recovered database and admin logs in`);
        }
        const c2 = await burstAfter(s, token, `${round}r`, acked);
        total += c2.acked;
        report(`${R}${kind === 'both' ? 'after the restart' : 'the same server, once PostgreSQL is back'}: ` +
          `${c2.acked} creates acknowledged, none failed`,
        problems(c2.failures) || (c2.acked === 0 ? new Error('none was acknowledged') : null));
      } catch (e) {
        report(`${R}the server ${kind === 'both' ? 'restarts on the recovered database' : 'writes again'}`, e);
        return finish();
      }
    }
    total += c.acked;
    report(`${R}${c.acked} creates acknowledged before and around the outage; ${c.failed5xx} answered a 5xx JSON error, ${c.cut} no answer`,
      c.acked > 0 ? null : new Error('no create was acknowledged'));
    report(`${R}every answer was 201, or around the outage a 5xx JSON error or none (${c.bad.length} were not)`, problems(c.bad));
    if (s === null) continue;
    try {
      reportSurvivors(report, acked, await listDepartments(s, token), NAME, R);
    } catch (e) {
      report(`${R}the listing`, e);
    }
  }

  await stopServer(s, report);
  const am = await run(path.join(bindir, 'pg_amcheck'), ['--install-missing', '--heapallindexed', db]);
  report('pg_amcheck finds no corruption', am.code === 0 ? null : new Error(`exit ${am.code}: ${am.out.trim().slice(0, 500)}`));
  console.log(`# ${total} creates acknowledged over ${rounds} rounds`);
  finish();
}

main().catch((e) => {
  report('(internal)', e);
  finish();
});
