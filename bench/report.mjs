// bench/report.mjs OUTDIR — gathers bench/run.sh's results into
// bench/results.json and the results section of bench/README.md (between
// the "results:begin" and "results:end" markers), judging each target.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';

const dir = process.argv[2];
const env = process.env;
const r = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  r[j.name] = j;
}
const num = (v) => (v === undefined || v === null || v === '' ? null : Number(v));
const rps = (n) => (r[n] ? r[n].result.rps : null);
const ping = rps('ping');
const raw = r.sqlite_insert ? r.sqlite_insert.result.rows_per_s : null;
const peakKb = num(env.BENCH_PEAK_RSS);
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.arch();
let rev = '';
try { rev = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim(); } catch { /* no git */ }

const machine = {
  cpu, cores: os.cpus().length, mem_gb: Math.round(os.totalmem() / 2 ** 30),
  kernel: os.release(), load_before: os.loadavg().map((x) => +x.toFixed(2)),
  note: 'wrk runs on the same cores as the server (-t' + (env.BENCH_THREADS || 2) + ' -c' + (env.BENCH_CONNS || 64) + ')',
};

const rows = [
  ['ping', 'no-op route GET /api/v1/ping (HTTP ceiling)', 'ping'],
  ['healthz', 'GET /healthz (one SELECT 1)', 'ping'],
  ['get', 'GET one request, random id', 'ping'],
  ['list', 'list 25 by state + type, newest first', 'ping'],
  ['list_c1', '  the same, one connection', null],
  ['customer_get', 'GET one customer, random id (a declared record)', 'ping'],
  ['customer_list', 'list 25 customers by id or code (declared list)', 'ping'],
  ['search3', 'search, 3+ characters', 'ping'],
  ['search3_c1', '  the same, one connection', null],
  ['search2', 'search, 2-character word', 'ping'],
  ['search2_c1', '  the same, one connection', null],
  ['report', 'monthly report (type x state)', 'ping'],
  ['report_c1', '  the same, one connection', null],
  ['summary_c1', 'monthly summary, 12 months (catalogue), one connection', null],
  ['create', 'durable create POST /api/v1/requests', 'sqlite_insert'],
];

const ms = (x) => (x === null || x === undefined ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const targets = [];
function target(name, what, ok, value) {
  targets.push({ name, target: what, met: ok === null ? null : !!ok, value });
}
const res = (n) => (r[n] ? r[n].result : null);
if (res('get')) target('get', '≥ 40,000 req/s and ≥ 50 % of the no-op route',
  res('get').rps >= 40000 && ping && res('get').rps >= 0.5 * ping,
  `${Math.round(res('get').rps)} req/s, ${ping ? Math.round(100 * res('get').rps / ping) : '?'} % of no-op`);
if (res('list')) target('list', '≥ 20,000 req/s, p99 ≤ 10 ms',
  res('list').rps >= 20000 && res('list').p99_ms <= 10,
  `${Math.round(res('list').rps)} req/s, p99 ${ms(res('list').p99_ms)} ms`);
if (res('search3')) target('search3', 'p50 ≤ 10 ms (3+ characters)', res('search3').p50_ms <= 10,
  `p50 ${ms(res('search3').p50_ms)} ms at 64 connections, ${res('search3_c1') ? ms(res('search3_c1').p50_ms) : '—'} ms alone`);
if (res('search2')) target('search2', 'p50 ≤ 50 ms (2 characters)', res('search2').p50_ms <= 50,
  `p50 ${ms(res('search2').p50_ms)} ms at 64 connections, ${res('search2_c1') ? ms(res('search2_c1').p50_ms) : '—'} ms alone`);
if (res('create')) target('create', '≥ 5,000 req/s durable (synchronous=FULL)', res('create').rps >= 5000,
  `${Math.round(res('create').rps)} req/s (${raw ? (res('create').rps / raw).toFixed(1) : '?'}× raw one-row commits)`);
if (res('report')) target('report', '≤ 100 ms over 1M requests',
  (res('report_c1') || res('report')).p50_ms <= 100,
  `p50 ${ms(res('report_c1') ? res('report_c1').p50_ms : null)} ms alone, ${ms(res('report').p50_ms)} ms at 64 connections`);
if (peakKb) target('rss', 'RSS ≤ 64 MB under load', peakKb <= 64 * 1024, `peak ${(peakKb / 1024).toFixed(1)} MB`);
if (env.BENCH_STARTUP_MS) target('startup', 'start-up ≤ 200 ms on the 1M database',
  Number(env.BENCH_STARTUP_MS) <= 200, `${env.BENCH_STARTUP_MS} ms`);

const out = {
  date: new Date().toISOString(), commit: rev, machine, dataset: env.BENCH_DATASET,
  generate_s: num(env.BENCH_GEN_S), startup_ms: num(env.BENCH_STARTUP_MS),
  rss_final_kb: num(env.BENCH_FINAL_RSS), rss_peak_kb: peakKb, rss_hwm_kb: num(env.BENCH_HWM),
  search_note: env.BENCH_SEARCH_NOTE || null,
  runs: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { ...v.result, rss_kb: v.rss_kb, rss_max_kb: v.rss_max_kb }])),
  targets,
};
fs.writeFileSync('bench/results.json', JSON.stringify(out, null, 2) + '\n');

let md = `Run of ${out.date.slice(0, 16).replace('T', ' ')} UTC${rev ? ` at ${rev}` : ''}; ${cpu}, ${machine.cores} cores, ${machine.mem_gb} GB, Linux ${machine.kernel}; load average before the run ${machine.load_before.join(' ')}.\n`;
md += `Data: ${out.dataset}${out.generate_s !== null ? ` (generated in ${out.generate_s} s)` : ''}. wrk -t${env.BENCH_THREADS || 2} -c${env.BENCH_CONNS || 64} -d${env.BENCH_DURATION || '10s'} on the same 2 cores as the server.\n\n`;
md += '| run | req/s | p50 ms | p99 ms | ratio to ceiling | max RSS MB | errors |\n|---|---:|---:|---:|---:|---:|---:|\n';
for (const [n, label, ceil] of rows) {
  if (!r[n]) continue;
  const x = r[n].result;
  const c = ceil === 'ping' ? ping : ceil === 'sqlite_insert' ? raw : null;
  const e = x.errors; const errs = e.connect + e.read + e.write + e.status + e.timeout;
  md += `| ${label} | ${Math.round(x.rps)} | ${ms(x.p50_ms)} | ${ms(x.p99_ms)} | ${c ? (x.rps / c * 100).toFixed(0) + ' %' : ''} | ${((r[n].rss_max_kb || r[n].rss_kb) / 1024).toFixed(1)} | ${errs} |\n`;
}
if (r.sqlite_insert) {
  const x = r.sqlite_insert.result;
  md += `| raw SQLite one-row durable insert (ceiling, 1 thread) | ${Math.round(x.rows_per_s)} | ${(x.p50_us / 1000).toFixed(2)} | ${(x.p99_us / 1000).toFixed(2)} | | | |\n`;
}
md += `\nStart-up on the 1M database: ${out.startup_ms} ms. Server RSS under load (sampled every 0.2 s): at most ${((peakKb || 0) / 1024).toFixed(1)} MB; ${((out.rss_final_kb || 0) / 1024).toFixed(1)} MB at the end. (VmHWM, ${((out.rss_hwm_kb || 0) / 1024).toFixed(1)} MB, also counts the 64 MiB that each argon2id password check of a login takes for ~0.1 s.)\n`;
if (out.search_note) md += `\nNote: ${out.search_note}.\n`;
md += '\n| target | met | measured |\n|---|---|---|\n';
for (const t of targets) md += `| ${t.target} | ${t.met ? 'yes' : '**no**'} | ${t.value} |\n`;
console.log(md);
if (env.BENCH_NO_WRITE_README !== '1' && fs.existsSync('bench/README.md')) {
  const readme = fs.readFileSync('bench/README.md', 'utf8');
  const re = /(<!-- results:begin -->\n)[\s\S]*?(<!-- results:end -->)/;
  if (re.test(readme)) fs.writeFileSync('bench/README.md', readme.replace(re, `$1${md}$2`));
}
