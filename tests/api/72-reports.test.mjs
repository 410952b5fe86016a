// The report catalogue (GET /api/v1/reports, /reports/{key}): what each role
// may run, each report's JSON shape against its declared columns, the
// monthly summary against the monthly report, the filters a report takes
// and refuses, and customer isolation (a customer user runs request-cycle
// and consultations over its own company only; the staff reports are
// refused to it whatever its roles).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseCsv, readXlsx, yuan } from './files.mjs';

// the reports of the cost ledger and the parts store (cost.read: agents read them too)
const COST = ['costs-monthly', 'costs-customers', 'costs-models', 'costs-requests', 'parts-consumption',
  'parts-monthly'];
const ALL = ['monthly-summary', 'request-cycle', 'sla-attainment', 'returns-customers', 'returns-open',
  'consultations', ...COST];
const CUSTOMER = ['request-cycle', 'consultations'];
const TYPES = { text: 'string', integer: 'number', money: 'number', ratio: 'number', number: 'number', boolean: 'boolean' };

/* a JSON cell as the CSV writes it (lang=en) */
function csvText(type, v) {
  if (v === null) return '';
  if (type === 'money') return yuan(v);
  // decimals as %.4f (ratio) or %.1f (number), trailing zeros dropped
  const dec = (d, n) => { const x = d.toFixed(n).replace(/\.?0+$/, ''); return x === '-0' ? '0' : x; };
  if (type === 'ratio') return dec(v, 4);
  if (type === 'number') return dec(v, 1);
  if (type === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

const keysOf = async (t, token) => {
  const res = t.expectStatus(await t.req('GET', '/api/v1/reports', { token }), 200, 'catalogue');
  return res.json.items;
};
const run = async (t, token, key, query = '') =>
  t.expectStatus(await t.req('GET', `/api/v1/reports/${key}${query}`, { token }), 200, `${key}${query}`).json;

export const tests = [
  ['the catalogue by role: a customer user, an agent, a manager, a driver', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    const agent = (await t.login('agent')).token;
    const cust = (await t.login('customer')).token;
    const driver = (await t.login('driver')).token;
    t.deepEqual((await keysOf(t, mgr)).map((r) => r.key), ALL, 'manager: every report');
    t.deepEqual((await keysOf(t, agent)).map((r) => r.key), [...CUSTOMER, ...COST], 'agent: the request and cost reports');
    t.deepEqual((await keysOf(t, cust)).map((r) => r.key), CUSTOMER, 'customer: its own request reports');
    t.expectError(await t.req('GET', '/api/v1/reports', { token: driver }), 403, 'forbidden');
    const items = await keysOf(t, mgr);
    for (const it of items) {
      t.ok(it.title_zh && it.title_en, `${it.key}: titles`);
      t.ok(it.columns.length > 1, `${it.key}: columns`);
      for (const c of it.columns) t.ok(c.key && c.zh && c.en && TYPES[c.type], `${it.key}.${c.key}: declared`);
      t.ok(it.columns.some((c) => c.key === it.chart.x), `${it.key}: chart x is a column`);
      for (const y of it.chart.y) t.ok(it.columns.some((c) => c.key === y), `${it.key}: chart y ${y} is a column`);
    }
    const ms = items.find((i) => i.key === 'monthly-summary');
    t.deepEqual(ms.filters, ['from', 'to', 'customer_id']);
    t.ok(ms.columns.some((c) => c.key === 'returns_amount_fen' && c.type === 'money'), 'money in fen');
    t.deepEqual(items.find((i) => i.key === 'returns-open').filters, ['customer_id']);
    // an agent may not run a manager's report; a customer not a staff one
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary', { token: agent }), 403, 'forbidden');
    t.expectError(await t.req('GET', '/api/v1/reports/returns-open', { token: cust }), 403, 'forbidden');
  }],

  ['each report answers its declared columns, typed; the summary agrees with the monthly report', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    const items = await keysOf(t, mgr);
    for (const it of items) {
      const r = await run(t, mgr, it.key);
      t.equal(r.key, it.key);
      t.deepEqual(r.columns, it.columns, `${it.key}: the catalogue's columns`);
      t.deepEqual(r.chart, it.chart, `${it.key}: chart`);
      for (const row of r.rows) {
        t.deepEqual(Object.keys(row), it.columns.map((c) => c.key), `${it.key}: a row has the columns in order`);
        for (const c of it.columns)
          if (row[c.key] !== null) t.equal(typeof row[c.key], TYPES[c.type], `${it.key}.${c.key}: ${c.type}`);
      }
    }
    const s = await run(t, mgr, 'monthly-summary');
    t.equal(s.rows.length, 12, 'the default period: twelve months');
    t.equal(s.rows[0].month, s.filters.from);
    t.equal(s.rows[11].month, s.filters.to);
    const types = ['consultation', 'repair', 'complaint', 'return', 'installation', 'maintenance', 'guidance',
      'suggestion', 'appointment', 'feedback'];
    let seen = 0;
    for (const row of s.rows) {
      const m = t.expectStatus(await t.req('GET', `/api/v1/reports/requests-monthly?month=${row.month}`,
        { token: mgr }), 200).json;
      t.equal(row.created, m.total, `${row.month}: created`);
      t.equal(types.reduce((n, k) => n + row[k], 0), row.created, `${row.month}: the types add up`);
      t.equal(row.closed, m.by_state.closed || 0, `${row.month}: closed`);
      t.ok(row.sla_attained === null || (row.sla_attained >= 0 && row.sla_attained <= 1), 'a ratio');
      seen += row.created;
    }
    t.ok(seen > 0, 'the demo has requests this year');
    const one = await run(t, mgr, 'monthly-summary', `?from=${s.rows[11].month}&to=${s.rows[11].month}`);
    t.deepEqual(one.rows, [s.rows[11]], 'one month is the same row');
    const cyc = await run(t, mgr, 'request-cycle');
    for (const row of cyc.rows) {
      t.ok(row.closed <= row.created, `${row.type}: closed <= created`);
      if (row.median_hours !== null) t.ok(row.p90_hours >= row.median_hours, `${row.type}: p90 >= median`);
    }
  }],

  ['filters: refused where the report does not take them, bad months named, unknown reports 404', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    t.expectError(await t.req('GET', '/api/v1/reports/nosuch', { token: mgr }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/reports/returns-open?from=2026-01', { token: mgr }), 400,
      'validation_failed', 'from');
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?department_id=1', { token: mgr }), 400,
      'validation_failed', 'department_id');
    t.expectError(await t.req('GET', '/api/v1/reports/returns-customers?user_id=1', { token: mgr }), 400,
      'validation_failed', 'user_id');
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?from=2026-13', { token: mgr }), 400,
      'validation_failed', 'from');
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?from=26-01', { token: mgr }), 400,
      'validation_failed', 'from');
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?from=2026-05&to=2026-04', { token: mgr }),
      400, 'validation_failed', 'to');
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?from=2023-01&to=2026-01', { token: mgr }),
      400, 'validation_failed', 'from');
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?color=red', { token: mgr }), 400,
      'validation_failed', 'color');
    t.expectError(await t.req('GET', '/api/v1/reports/request-cycle?department_id=x', { token: mgr }), 400,
      'validation_failed', 'department_id');
    const ok = await run(t, mgr, 'monthly-summary', '?from=2023-01&to=2025-12');
    t.equal(ok.rows.length, 36, 'thirty-six months');
    const f = await run(t, mgr, 'request-cycle', '?from=2026-01&to=2026-03&department_id=1&model_id=1&user_id=1');
    t.deepEqual(f.filters, { from: '2026-01', to: '2026-03', department_id: 1, model_id: 1, user_id: 1 });
    const open = await run(t, mgr, 'returns-open');
    t.deepEqual(open.filters, {});
    for (const row of open.rows)
      t.equal(row.total, row.age_0_1d + row.age_1_3d + row.age_3_7d + row.age_over_7d, `${row.step}: buckets add up`);
  }],

  ['every report as CSV and as Excel reads back equal to its JSON', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    for (const key of ALL) {
      const q = key === 'returns-open' ? '' : '?from=2026-01&to=2026-12';
      const json = await run(t, mgr, key, q);
      const sep = q ? '&' : '?';
      const csv = t.expectStatus(await t.req('GET', `/api/v1/reports/${key}${q}${sep}format=csv&lang=en`, { token: mgr }),
        200, `${key} csv`);
      t.ok(/^text\/csv/.test(csv.headers['content-type']), `${key}: text/csv`);
      t.ok(/attachment; filename="[a-z-]+-\d{8}\.csv"/.test(csv.headers['content-disposition']), `${key}: a file`);
      const rows = parseCsv(csv.text.replace(/^\ufeff/, ''));
      t.deepEqual(rows[0], json.columns.map((c) => c.en), `${key}: the English header`);
      t.equal(rows.length - 1, json.rows.length, `${key}: every row`);
      json.rows.forEach((r, i) => t.deepEqual(rows[i + 1], json.columns.map((c) => csvText(c.type, r[c.key])),
        `${key}: csv row ${i}`));
      const x = t.expectStatus(await t.req('GET', `/api/v1/reports/${key}${q}${sep}format=xlsx`, { token: mgr }), 200,
        `${key} xlsx`);
      const [sheet] = readXlsx(x.buf);
      t.deepEqual(sheet.rows[0].map((c) => c.v), json.columns.map((c) => c.zh), `${key}: the Chinese header`);
      t.equal(sheet.rows.length - 1, json.rows.length, `${key}: every row in Excel`);
      json.rows.forEach((r, i) => json.columns.forEach((c, k) => {
        const { v, t: kind } = sheet.rows[i + 1][k];
        const want = r[c.key];
        if (want === null) return t.ok(v === null || v === '', `${key}.${c.key}: empty`);
        if (c.type === 'money') return t.equal(Math.round(v * 100), want, `${key}.${c.key}: yuan`);
        if (c.type === 'ratio' || c.type === 'number') return t.ok(Math.abs(v - want) < 1e-9, `${key}.${c.key}`);
        if (c.type === 'boolean') return t.equal(v, want, `${key}.${c.key}: boolean`);
        t.equal(kind, c.type === 'text' ? 's' : 'n', `${key}.${c.key}: typed`);
        return t.equal(v, want, `${key}.${c.key}`);
      }));
    }
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?format=doc', { token: mgr }), 400,
      'validation_failed', 'format');
  }],

  ['a customer user sees only its own company', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    const cust = await t.login('customer');
    const own = cust.user.customer_id;
    for (const key of CUSTOMER) {
      const mine = await run(t, cust.token, key);
      t.equal(mine.filters.customer_id, own, `${key}: scoped to the own company`);
      const staff = await run(t, mgr, key, `?customer_id=${own}`);
      t.deepEqual(mine.rows, staff.rows, `${key}: what staff see of that company`);
      t.deepEqual((await run(t, cust.token, key, `?customer_id=${own}`)).rows, mine.rows, `${key}: own id given`);
      t.expectError(await t.req('GET', `/api/v1/reports/${key}?customer_id=${own + 1}`, { token: cust.token }), 404,
        'not_found', 'customer_id');
      const all = await run(t, mgr, key);
      const sum = (r, k) => r.rows.reduce((n, x) => n + x[k], 0);
      const k = key === 'consultations' ? 'consultation' : 'created';
      t.ok(sum(mine, k) < sum(all, k), `${key}: fewer than the company's (${sum(mine, k)} < ${sum(all, k)})`);
    }
    for (const key of ALL.filter((k) => !CUSTOMER.includes(k)))
      t.expectError(await t.req('GET', `/api/v1/reports/${key}`, { token: cust.token }), 403, 'forbidden');
  }],

  ['every report as a PDF (the report template, chart and table): its title, period, columns, first row and page numbers read back by pdftotext', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'as-rpdf-'));
    for (const key of ALL) {
      const json = await run(t, mgr, key);
      const res = await t.req('GET', `/api/v1/reports/${key}?format=pdf`, { token: mgr });
      t.equal(res.status, 200, `${key}: pdf`);
      t.equal(res.headers['content-type'], 'application/pdf');
      t.match(res.headers['content-disposition'], new RegExp(`^inline; filename="${key}-\\d{8}\\.pdf"$`));
      t.equal(res.buf.subarray(0, 5).toString(), '%PDF-');
      const file = path.join(dir, `${key}.pdf`);
      fs.writeFileSync(file, res.buf);
      const text = execFileSync('pdftotext', [file, '-']).toString('utf8').replace(/\s+/g, ' ');
      t.ok(text.includes(json.title_zh), `${key}: the title`);
      if (json.filters.from) t.ok(text.includes(`期间 ${json.filters.from} 至 ${json.filters.to}`), `${key}: the period`);
      t.match(text, /第 1 页 共 \d+ 页/, `${key}: page numbers`);
      for (const c of json.columns.slice(0, 3)) t.ok(text.includes(c.zh.slice(0, 2)), `${key}: column ${c.zh}`);
      const first = json.rows[0];
      const textCol = json.columns.find((c) => c.type === 'text');
      if (first && textCol && first[textCol.key]) t.ok(text.includes(String(first[textCol.key]).slice(0, 4)), `${key}: the first row`);
    }
    const en = await t.req('GET', '/api/v1/reports/monthly-summary?format=pdf&lang=en', { token: mgr });
    t.equal(en.status, 200);
    const cust = await t.login('customer');
    t.expectError(await t.req('GET', '/api/v1/reports/monthly-summary?format=pdf', { token: cust.token }), 403, 'forbidden');
  }],
];
