// What the durability tests share (node built-ins and tests/api/lib.mjs only):
// the command line, the "ok - / not ok -" report with its final
// "N passed, N failed" line, starting an `aftersales serve`, the admin
// login, listing every department and checking the acknowledged creates.
//
//   const { args, usage } = parseArgs(usageLine, ['--bin', '--db', ...])
//   const r = makeReport([{ label: 'server log', path }], tmp)
//       r.report(name, err)   err null/undefined: ok
//       r.finish()            logs on failure, the count line, exits
//   startServer(bin, db, logPath) -> { proc, base, exited, exit }
//   login(s), listDepartments(s, token),
//   reportSurvivors(report, acked, items, name, prefix)   the three checks of what survived
//   stopServer(s, report)   SIGTERM, exit code 0 within 15 s
import { spawn } from 'node:child_process';
import fs from 'node:fs';

import { freePort, request, sleep } from '../api/lib.mjs';

/* The options after the script name, each with a value.  Exits with the
 * usage line on anything else. */
export function parseArgs(usageLine, known) {
  const usage = (msg) => {
    process.stderr.write(`durability: ${msg}\nusage: ${usageLine}\n`);
    process.exit(2);
  };
  const args = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    if (!known.includes(k)) usage(`unknown option '${k}'`);
    if (i + 1 >= argv.length) usage(`${k} needs a value`);
    args[k.slice(2)] = argv[i + 1];
  }
  return { args, usage };
}

/* The report.  logs: [{ label, path }] whose last 30 lines are printed when
 * something failed; tmp is removed when nothing did. */
export function makeReport(logs, tmp) {
  const r = { passed: 0, failed: 0 };
  r.report = (name, err) => {
    if (err) {
      r.failed++;
      console.log(`not ok - ${name}: ${String(err.message || err).replace(/\s*\n\s*/g, ' | ').slice(0, 1500)}`);
    } else {
      r.passed++;
      console.log(`ok - ${name}`);
    }
  };
  r.finish = () => {
    if (r.failed > 0) {
      for (const { label, path } of logs) {
        try {
          const lines = fs.readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(-30);
          console.log(`# ${label} (${path}), last 30 lines:`);
          for (const l of lines) console.log(`#   ${l}`);
        } catch { /* no log */ }
      }
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    console.log(`${r.passed} passed, ${r.failed} failed`);
    process.exit(r.failed > 0 ? 1 : 0);
  };
  return r;
}

const live = new Set(); // servers not yet exited, killed when the test exits
process.on('exit', () => {
  for (const s of live) try { s.proc.kill('SIGKILL'); } catch { /* gone */ }
});

/* Start `aftersales serve` on db, its output appended to logPath, and wait
 * (15 s at most) for GET /healthz to answer 200. */
export async function startServer(bin, db, logPath) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const fd = fs.openSync(logPath, 'a');
  const proc = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const s = { proc, base, exited: null };
  live.add(s);
  s.exit = new Promise((resolve) => proc.on('exit', (code, signal) => {
    s.exited = { code, signal };
    live.delete(s);
    resolve(s.exited);
  }));
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

export async function login(s) {
  const r = await request(s.base, 'POST', '/api/v1/session', { body: { username: 'admin', password: 'demo-2026' }, agent: false });
  if (r.status !== 200) throw new Error(`admin login: ${r.status} ${r.text}`);
  return r.json.token;
}

export async function listDepartments(s, token) {
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

/* Three reports on the listed departments: every acknowledged code (acked:
 * code -> id) is there, with its id and name, and no code is listed twice.
 * prefix goes before each name ("round 2: "). */
export function reportSurvivors(report, acked, items, name, prefix = '') {
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
    else if (d.id !== id || d.name !== name) wrong.push(`${code}: acknowledged id ${id}, listed ${JSON.stringify(d)}`);
  }
  report(`${prefix}every acknowledged create survived (${acked.size} acknowledged in all, ${items.length} departments listed)`,
    missing.length ? new Error(`${missing.length} acknowledged codes are missing, e.g. ${missing.slice(0, 10).join(', ')}`) : null);
  report(`${prefix}every surviving record is the one acknowledged (same id and name)`,
    wrong.length ? new Error(wrong.slice(0, 5).join('; ')) : null);
  report(`${prefix}no department code is listed twice`, dups.length ? new Error(dups.slice(0, 10).join(', ')) : null);
}

/* SIGTERM, and expect exit code 0 within 15 s (SIGKILL after). */
export async function stopServer(s, report) {
  if (!s || s.exited !== null) return;
  s.proc.kill('SIGTERM');
  const ex = await Promise.race([s.exit, sleep(15000).then(() => null)]);
  if (ex === null) {
    s.proc.kill('SIGKILL');
    report('SIGTERM stops the server within 15 s', new Error('still running after 15 s'));
  } else {
    report('SIGTERM stops the server with exit code 0', ex.code === 0 ? null : new Error(`exit ${ex.code} signal ${ex.signal}`));
  }
}
