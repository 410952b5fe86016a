// Transport hardening (issue 12): shutdown under write load, connection
// exhaustion, login floods, security headers.  The tests that need their own
// settings start their own server on a fresh SQLite file (the transport does
// not depend on the engine); each is bounded in connections and time, on
// loopback only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { freePort, request, sleep } from './lib.mjs';

const PASSWORD = 'stress-pass-1';

/* A fresh SQLite database with one admin user (name 'stress'). */
function freshDb(bin, tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aftersales-${tag}-`));
  const db = path.join(dir, 'a.db');
  const r = spawnSync(bin, ['user', 'add', '--db', db, '--username', 'stress', '--role', 'admin'],
    { input: `${PASSWORD}\n`, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`user add exited ${r.status ?? r.signal}: ${r.stderr}`);
  return { dir, db };
}

/* Start `serve` on db with the given AFTERSALES_* settings; resolves once
 * /healthz answers.  srv.stop() sends SIGTERM and resolves {code, signal}. */
async function startServer(bin, db, env = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const proc = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AFTERSALES_ACCESS_LOG: '0', ...env } });
  proc.stdout.on('data', (d) => log.push(String(d)));
  proc.stderr.on('data', (d) => log.push(String(d)));
  let exited = null;
  const killer = () => { if (exited === null) try { proc.kill('SIGKILL'); } catch { /* gone */ } };
  const exit = new Promise((resolve) => proc.on('exit', (code, signal) => {
    exited = { code, signal };
    process.off('exit', killer);
    resolve(exited);
  }));
  process.on('exit', killer);
  const t0 = Date.now();
  for (;;) {
    if (exited !== null) throw new Error(`server exited at start (${exited.code ?? exited.signal}): ${log.join('')}`);
    try {
      const r = await request(base, 'GET', '/healthz', { timeoutMs: 2000, agent: false });
      if (r.status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() - t0 > 15000) { killer(); throw new Error(`server did not start: ${log.join('')}`); }
    await sleep(50);
  }
  return {
    base, port, proc, log,
    exited: () => exited,
    kill: killer,
    stop: async (ms = 20000) => {
      if (exited === null) proc.kill('SIGTERM');
      let timer;
      const r = await Promise.race([exit, new Promise((res) => { timer = setTimeout(() => res(null), ms); })]);
      clearTimeout(timer);
      if (r === null) { killer(); throw new Error(`no exit ${ms} ms after SIGTERM`); }
      return r;
    },
  };
}

async function loginStress(base, agent = false) {
  const r = await request(base, 'POST', '/api/v1/session',
    { body: { username: 'stress', password: PASSWORD }, agent });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.text}`);
  return r.json.token;
}

/* ----- shutdown ----- */

const CYCLES = 24;
const CYCLES_PER_TEST = 6;

/*
 * One cycle: a server, writers on keep-alive connections (each write waits
 * for its commit on a suspended connection), SIGTERM in the middle of the
 * load; the server must exit 0 (the bug: a new write on a keep-alive
 * connection suspended after the drain had counted none, and
 * MHD_stop_daemon aborted on it).
 */
async function shutdownCycle(bin, db, i) {
  const srv = await startServer(bin, db);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 24 });
  let token;
  try {
    token = await loginStress(srv.base, agent);
  } catch (e) { srv.kill(); throw e; }
  let stop = false;
  let writes = 0;
  const writer = async (w) => {
    for (let n = 0; !stop; n++) {
      try {
        const code = `S${i}W${w}N${n}`;
        const r = await request(srv.base, 'POST', '/api/v1/departments', { token, agent, timeoutMs: 15000,
          body: { code, name: `stress ${code}` } });
        if (r.status === 201) writes++;
      } catch { if (srv.exited() !== null) return; await sleep(5); }
    }
  };
  // and readers, so that every libmicrohttpd thread is busy at the SIGTERM
  const reader = async () => {
    while (!stop) {
      try { await request(srv.base, 'GET', '/api/v1/ping', { agent, timeoutMs: 15000 }); } catch { if (srv.exited() !== null) return; await sleep(5); }
    }
  };
  const writers = [...Array.from({ length: 8 }, (_, w) => writer(w)), ...Array.from({ length: 16 }, reader)];
  const t0 = Date.now();
  while (writes < 20 && Date.now() - t0 < 5000) await sleep(5);
  await sleep(20 + (i * 37) % 150);
  let ex;
  try {
    ex = await srv.stop(20000);
  } finally {
    stop = true;
    await Promise.all(writers);
    agent.destroy();
  }
  if (writes === 0) throw new Error(`cycle ${i}: no write succeeded before SIGTERM`);
  if (ex.code !== 0)
    throw new Error(`cycle ${i}: exit code ${ex.code}, signal ${ex.signal} after ${writes} writes; log: ${srv.log.join('').slice(-1500)}`);
}

const shutdownTests = [];
for (let k = 0; k < CYCLES / CYCLES_PER_TEST; k++) {
  shutdownTests.push([`shutdown stress ${k + 1}/${CYCLES / CYCLES_PER_TEST}: ${CYCLES_PER_TEST} cycles of start, keep-alive writes, SIGTERM mid-load: each exits 0`, async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-shut');
    try {
      for (let i = 0; i < CYCLES_PER_TEST; i++) await shutdownCycle(t.bin, db, k * CYCLES_PER_TEST + i);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }]);
}

/*
 * The grace over (shutdown_grace_s 0) while writes are still in their
 * handler (each hashes a password first, two at a time): they may only
 * suspend after the drain has looked, and the daemon must not be stopped
 * under them (libmicrohttpd aborts: "MHD_stop_daemon() called while we
 * have suspended connections").
 */
shutdownTests.push(['shutdown with the grace over while writes are still in their handler: they are answered, exit 0', async (t) => {
  const { dir, db } = freshDb(t.bin, 'http-grace');
  try {
    for (let cycle = 0; cycle < 3; cycle++) {
      const srv = await startServer(t.bin, db, { AFTERSALES_SHUTDOWN_GRACE_S: '0' });
      const token = await loginStress(srv.base);
      const creates = Array.from({ length: 4 }, (_, i) => request(srv.base, 'POST', '/api/v1/users', {
        token, agent: false, timeoutMs: 15000,
        body: { username: `g${cycle}u${i}${Date.now() % 100000}`, password: 'pass-word-1', roles: ['agent'] },
      }).catch((e) => ({ status: 0, text: e.message })));
      await sleep(40);
      const ex = await srv.stop(20000);
      const answers = await Promise.all(creates);
      t.equal(ex.code, 0, `cycle ${cycle}: exit ${ex.code}, signal ${ex.signal}; log: ${srv.log.join('').slice(-800)}`);
      const created = answers.filter((r) => r.status === 201).length;
      t.ok(created >= 1, `cycle ${cycle}: no create in flight at SIGTERM got its 201: ${answers.map((r) => `${r.status} ${r.text.slice(0, 100)}`).join(' | ')}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}]);

/* ----- connections ----- */

/* A request from a given loopback address (a new connection). */
function reqFrom(port, localAddress, method, path, { token, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const t0 = Date.now();
    const rq = http.request({ host: '127.0.0.1', port, localAddress, method, path, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString(), ms: Date.now() - t0 }));
      res.on('error', reject);
    });
    rq.setTimeout(timeoutMs, () => rq.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    rq.on('error', reject);
    rq.end();
  });
}

/*
 * n connections from localAddress, each sending a request line and then a
 * header line every `every` ms, never the end of the headers.  Resolves once
 * all are connected; .open() counts those the server has not closed.
 */
async function holdConns(port, localAddress, n, every = 1000) {
  const socks = await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress });
    s.closedAt = 0;
    s.on('connect', () => {
      s.write('GET /api/v1/ping HTTP/1.1\r\nHost: test\r\n');
      s.trickle = setInterval(() => { if (!s.destroyed) s.write('X-Trickle: 1\r\n'); }, every);
      resolve(s);
    });
    const gone = () => { if (!s.closedAt) s.closedAt = Date.now(); clearInterval(s.trickle); };
    s.on('close', gone);
    s.on('end', gone);
    s.on('error', () => { gone(); resolve(s); });
  })));
  return {
    socks,
    open: () => socks.filter((s) => !s.closedAt).length,
    release: () => { for (const s of socks) { clearInterval(s.trickle); s.destroy(); } },
  };
}

const connTests = [
  ['connections: conn_per_addr per address exactly; past conn_max - conn_reserve only reserve addresses and logged-in users get in, and ping answers', async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-conn');
    const srv = await startServer(t.bin, db, {
      AFTERSALES_CONN_MAX: '1000', AFTERSALES_CONN_RESERVE: '700', AFTERSALES_CONN_PER_ADDR: '50',
      AFTERSALES_HEADER_TIMEOUT_S: '60', AFTERSALES_RESERVE_ADDRS: '127.0.0.1',
    });
    const held = [];
    try {
      // a user logged in from 127.0.0.9 before the attack
      const token = await loginStress(srv.base);
      t.expectStatus(await reqFrom(srv.port, '127.0.0.9', 'GET', '/api/v1/session', { token }), 200);
      // one address: 50 connections held, the 51st closed at once
      held.push(await holdConns(srv.port, '127.0.0.2', 51));
      await sleep(700);
      t.equal(held[0].open(), 50, 'connections held from one address (conn_per_addr 50)');
      // five more addresses, 250 more: 300 = conn_max - conn_reserve in all
      for (let a = 3; a <= 7; a++) held.push(await holdConns(srv.port, `127.0.0.${a}`, 50));
      await sleep(700);
      const total = () => held.reduce((n, h) => n + h.open(), 0);
      t.equal(total(), 300, 'open connections of the attack');
      // past the limit, a new address is refused ...
      const late = await holdConns(srv.port, '127.0.0.8', 5);
      held.push(late);
      await sleep(700);
      t.equal(late.open(), 0, 'connections of a new address past conn_max - conn_reserve');
      await t.assert.rejects(reqFrom(srv.port, '127.0.0.10', 'GET', '/api/v1/ping', { timeoutMs: 3000 }),
        'an unknown address got an answer past the limit');
      // ... the health check's address and the logged-in user's are not
      for (let i = 0; i < 5; i++) {
        const r = await reqFrom(srv.port, '127.0.0.1', 'GET', '/api/v1/ping', { timeoutMs: 10000 });
        t.equal(r.status, 200, `ping ${i}`);
        t.ok(r.ms < 2000, `ping ${i} took ${r.ms} ms during the attack`);
      }
      const me = await reqFrom(srv.port, '127.0.0.9', 'GET', '/api/v1/session', { token, timeoutMs: 10000 });
      t.equal(me.status, 200, `the logged-in user during the attack: ${me.text}`);
      t.equal(total(), 300, 'the attack still holds its connections (the deadline is 60 s here)');
      for (const h of held) h.release();
      held.length = 0;
      await sleep(500);
      t.equal((await reqFrom(srv.port, '127.0.0.10', 'GET', '/api/v1/ping')).status, 200, 'after the attack');
    } finally {
      for (const h of held) h.release();
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }],

  ['connections: a request trickling its headers is cut at header_timeout_s, one trickling its body at request_timeout_s; a slow but timely one is answered', async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-deadline');
    const srv = await startServer(t.bin, db, { AFTERSALES_HEADER_TIMEOUT_S: '2', AFTERSALES_REQUEST_TIMEOUT_S: '4' });
    try {
      const t0 = Date.now();
      const heads = await holdConns(srv.port, '127.0.0.1', 3, 300);
      const body = await new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: srv.port }, () => {
          s.write('POST /api/v1/session HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
          s.trickle = setInterval(() => { if (!s.destroyed) s.write('          '); }, 300);
          resolve(s);
        });
        s.answer = '';
        s.on('data', (d) => { s.answer += d; });
        const gone = () => { if (!s.closedAt) s.closedAt = Date.now(); clearInterval(s.trickle); };
        s.on('close', gone);
        s.on('error', gone);
      });
      // a slow client within the deadline: headers over 1.2 s
      const slow = await new Promise((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: srv.port }, async () => {
          s.write('GET /api/v1/ping HTTP/1.1\r\n');
          await sleep(600);
          s.write('Host: test\r\n');
          await sleep(600);
          s.write('Connection: close\r\n\r\n');
        });
        let got = '';
        s.on('data', (d) => { got += d; });
        s.on('close', () => resolve(got));
        s.on('error', reject);
      });
      t.match(slow, /^HTTP\/1\.1 200 /, 'the timely slow request');
      while ((heads.open() > 0 || !body.closedAt) && Date.now() - t0 < 15000) await sleep(100);
      for (const s of heads.socks) {
        t.ok(s.closedAt, 'a header trickler still open after 15 s');
        const ms = s.closedAt - t0;
        t.ok(ms >= 1500 && ms <= 6000, `header trickler cut after ${ms} ms (deadline 2 s)`);
      }
      t.ok(body.closedAt, 'the body trickler still open after 15 s');
      const ms = body.closedAt - t0;
      t.ok(ms >= 3500 && ms <= 8000, `body trickler cut after ${ms} ms (deadline 4 s)`);
      t.equal(body.answer, '', 'the cut request was answered');
      heads.release();
      body.destroy();
      t.equal((await reqFrom(srv.port, '127.0.0.1', 'GET', '/api/v1/ping')).status, 200, 'the server still answers');
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }],
];

connTests.push(['connection settings that cannot work stop the start with a message naming them', async (t) => {
  const { dir, db } = freshDb(t.bin, 'http-badcfg');
  try {
    for (const [env, name] of [[{ AFTERSALES_RESERVE_ADDRS: '127.0.0.1,10.0.0.x' }, 'reserve_addrs'],
      [{ AFTERSALES_CONN_MAX: '100', AFTERSALES_CONN_RESERVE: '100' }, 'conn_reserve'],
      [{ AFTERSALES_HEADER_TIMEOUT_S: '0' }, 'AFTERSALES_HEADER_TIMEOUT_S'],
      [{ AFTERSALES_HASH_QUEUE_MAX: '0' }, 'AFTERSALES_HASH_QUEUE_MAX']]) {
      const port = await freePort();
      const r = spawnSync(t.bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`],
        { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 10000, killSignal: 'SIGKILL' });
      t.equal(r.status, 1, `${JSON.stringify(env)}: exit ${r.status ?? r.signal}`);
      t.ok(r.stderr.includes(name), `${JSON.stringify(env)}: the message does not name ${name}: ${r.stderr}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}]);

/* ----- login floods ----- */

async function timedPing(base) {
  const t0 = Date.now();
  const r = await request(base, 'GET', '/api/v1/ping', { agent: false, timeoutMs: 30000 });
  if (r.status !== 200) throw new Error(`ping: ${r.status} ${r.text}`);
  return Date.now() - t0;
}

const loginTests = [
  ['a flood of valid logins (100, 32 at a time) is cut short (429/503 with Retry-After) and ping stays fast', async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-flood');
    const srv = await startServer(t.bin, db, { AFTERSALES_THREADS: '4' });
    try {
      const RATE = 30, QUEUE = 16; // the defaults: login_rate_user, hash_queue_max
      const statuses = {};
      let next = 0;
      let done = false;
      const worker = async () => {
        while (next < 100) {
          next++;
          const r = await request(srv.base, 'POST', '/api/v1/session',
            { body: { username: 'stress', password: PASSWORD }, agent: false, timeoutMs: 30000 });
          statuses[r.status] = (statuses[r.status] || 0) + 1;
          if (r.status === 429 || r.status === 503)
            t.match(String(r.headers['retry-after']), /^[1-9]\d*$/, `${r.status} without Retry-After`);
          else t.equal(r.status, 200, `login: ${r.status} ${r.text}`);
        }
      };
      const pings = [];
      const pinger = (async () => {
        while (!done) { pings.push(await timedPing(srv.base)); await sleep(25); }
      })();
      await Promise.all(Array.from({ length: 32 }, worker));
      done = true;
      await pinger;
      t.ok(pings.length >= 3, `only ${pings.length} pings during the flood`);
      const worst = Math.max(...pings);
      t.ok(worst < 1500, `a ping took ${worst} ms during the flood (all: ${pings.join(',')})`);
      const ok = statuses[200] || 0;
      t.ok(ok >= 1, `no login succeeded: ${JSON.stringify(statuses)}`);
      t.ok(ok <= RATE + QUEUE, `${ok} logins succeeded, more than ${RATE} per minute (+${QUEUE} in flight): ${JSON.stringify(statuses)}`);
      t.ok((statuses[429] || 0) >= 100 - RATE - QUEUE - (statuses[503] || 0), `too few 429: ${JSON.stringify(statuses)}`);
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }],

  ['every login attempt counts: login_rate_user successful logins, then 429 (username); login_rate_addr attempts per address, then 429', async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-rate');
    const srv = await startServer(t.bin, db, { AFTERSALES_LOGIN_RATE_USER: '3', AFTERSALES_LOGIN_RATE_ADDR: '5' });
    try {
      const login = (username, password) => request(srv.base, 'POST', '/api/v1/session',
        { body: { username, password }, agent: false });
      for (let i = 1; i <= 3; i++) t.expectStatus(await login('stress', PASSWORD), 200, `login ${i} of 3`);
      const r4 = await login('stress', PASSWORD);
      t.expectError(r4, 429, 'rate_limited', 'username');
      t.ok(Number(r4.headers['retry-after']) >= 1 && Number(r4.headers['retry-after']) <= 60, `Retry-After ${r4.headers['retry-after']}`);
      // the address has made 3 counted attempts (a refused one does not count): 2 more are its 5
      t.expectError(await login('nobody-1', 'whatever-1'), 401, 'unauthenticated');
      t.expectError(await login('nobody-2', 'whatever-2'), 401, 'unauthenticated');
      const r7 = await login('nobody-3', 'whatever-3');
      t.expectError(r7, 429, 'rate_limited');
      t.equal(r7.json.error.details.field, undefined, 'the address limit names no field');
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }],

  ['hash_queue_max: logins past it answer 503 with Retry-After at once, not after a wait', async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-queue');
    const srv = await startServer(t.bin, db, { AFTERSALES_HASH_QUEUE_MAX: '1', AFTERSALES_THREADS: '8' });
    try {
      const rs = await Promise.all(Array.from({ length: 8 }, async () => {
        const t0 = Date.now();
        const r = await request(srv.base, 'POST', '/api/v1/session',
          { body: { username: 'stress', password: PASSWORD }, agent: false });
        return { r, ms: Date.now() - t0 };
      }));
      const busy = rs.filter(({ r }) => r.status === 503);
      t.ok(rs.some(({ r }) => r.status === 200), `no login succeeded: ${rs.map(({ r }) => r.status)}`);
      t.ok(busy.length >= 1, `no 503 with 8 logins at once and a queue of 1: ${rs.map(({ r }) => r.status)}`);
      for (const { r } of busy) {
        t.expectError(r, 503, 'unavailable');
        t.equal(r.headers['retry-after'], '1');
      }
      for (const { r } of rs) t.ok([200, 503].includes(r.status), `status ${r.status}: ${r.text}`);
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }],
];

/* ----- headers ----- */

const headerTests = [
  ['web pages: a Content-Security-Policy without inline script, no framing, Referrer-Policy; API answers not framable either', async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-csp');
    const web = path.join(dir, 'web');
    fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/a.js"></script>');
    fs.writeFileSync(path.join(web, 'assets', 'a.js'), 'console.log(1);');
    const srv = await startServer(t.bin, db, { AFTERSALES_WEB_DIR: web });
    try {
      for (const p of ['/', '/requests/12', '/assets/a.js']) {
        const r = t.expectStatus(await request(srv.base, 'GET', p, { agent: false }), 200);
        const csp = r.headers['content-security-policy'];
        t.ok(csp, `${p}: no Content-Security-Policy`);
        const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
        t.deepEqual(dirs['script-src'], ["'self'"], `${p}: script-src: ${csp}`);
        t.deepEqual(dirs['default-src'], ["'self'"], `${p}: default-src: ${csp}`);
        t.deepEqual(dirs['frame-ancestors'], ["'none'"], `${p}: frame-ancestors: ${csp}`);
        t.deepEqual(dirs['object-src'], ["'none'"], `${p}: object-src: ${csp}`);
        t.ok(!/unsafe-eval/.test(csp), `${p}: unsafe-eval in ${csp}`);
        t.equal(r.headers['x-frame-options'], 'DENY', `${p}: X-Frame-Options`);
        t.equal(r.headers['referrer-policy'], 'no-referrer', `${p}: Referrer-Policy`);
      }
      const api = await request(srv.base, 'GET', '/api/v1/ping', { agent: false });
      t.equal(api.headers['x-frame-options'], 'DENY', 'API: X-Frame-Options');
      t.equal(api.headers['referrer-policy'], 'no-referrer', 'API: Referrer-Policy');
    } finally {
      await srv.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }],

  ['the web interface has no inline script: every <script> of web/index.html has a src', async (t) => {
    const html = fs.readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    t.ok(scripts.length >= 1, 'web/index.html has no <script> at all');
    for (const [all, attrs, body] of scripts) {
      t.match(attrs, /\bsrc=/, `inline script: ${all.slice(0, 200)}`);
      t.equal(body.trim(), '', `a script with a body: ${all.slice(0, 200)}`);
    }
    t.ok(!/\son[a-z]+\s*=/i.test(html), 'an inline event handler attribute in web/index.html');
  }],

  ['the session cookies are Secure when the server is told it is behind TLS (and cookie_secure=0 still turns it off)', async (t) => {
    const { dir, db } = freshDb(t.bin, 'http-tls');
    try {
      for (const [env, secure] of [[{}, false], [{ AFTERSALES_BEHIND_TLS: '1' }, true],
        [{ AFTERSALES_BEHIND_TLS: '1', AFTERSALES_COOKIE_SECURE: '0' }, false],
        [{ AFTERSALES_COOKIE_SECURE: '1' }, true]]) {
        const srv = await startServer(t.bin, db, env);
        try {
          const r = await request(srv.base, 'POST', '/api/v1/session',
            { body: { username: 'stress', password: PASSWORD }, agent: false });
          t.expectStatus(r, 200);
          const cookies = r.headers['set-cookie'] || [];
          t.equal(cookies.length, 2, `two cookies: ${JSON.stringify(cookies)}`);
          for (const c of cookies)
            t.equal(/;\s*Secure\b/i.test(c), secure, `${JSON.stringify(env)}: ${c.replace(/=[^;]+/, '=...')}`);
          const out = await request(srv.base, 'DELETE', '/api/v1/session', { token: r.json.token, agent: false });
          t.expectStatus(out, 204);
          for (const c of out.headers['set-cookie'] || [])
            t.equal(/;\s*Secure\b/i.test(c), secure, `${JSON.stringify(env)}: logout ${c}`);
        } finally {
          await srv.stop();
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }],
];

export const tests = [
  ...connTests,
  ...loginTests,
  ...headerTests,
  ...shutdownTests,
];
