// GET /api/v1/reports/dashboard: the dashboard's figures in one answer (the
// months of a range by type and state, the open requests, today's), each the
// same as the report of one month or the request list counts it.

const ym = (d) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
const nextMonth = (m) => {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};
const nextDay = (d) => new Date(Date.parse(`${d}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);

async function dash(t, token, query = '') {
  return t.expectStatus(await t.req('GET', `/api/v1/reports/dashboard${query}`, { token }), 200, `dashboard${query}`).json;
}

export const tests = [
  ['the default range is the twelve months up to this one, each as the monthly report counts it', async (t) => {
    const admin = await t.admin();
    const d = await dash(t, admin);
    const now = ym(new Date(Date.now() + 8 * 3600e3)); // the company's zone (demo: Asia/Shanghai)
    t.equal(d.to, now);
    t.equal(d.today.slice(0, 7), now);
    t.equal(d.months.length, 12);
    t.equal(d.months[0].month, d.from);
    t.equal(d.months[11].month, d.to);
    for (let i = 1; i < 12; i++) t.equal(d.months[i].month, nextMonth(d.months[i - 1].month), 'consecutive months');
    let seen = 0;
    for (const m of d.months) {
      const one = t.expectStatus(await t.req('GET', `/api/v1/reports/requests-monthly?month=${m.month}`, { token: admin }), 200).json;
      t.equal(m.total, one.total, `${m.month}: total`);
      t.deepEqual(m.rows, one.rows, `${m.month}: rows`);
      t.equal(m.rows.reduce((s, r) => s + r.count, 0), m.total, `${m.month}: the rows add up`);
      seen += m.total;
    }
    t.ok(seen > 0, 'the demo data has requests in the last twelve months');
    const some = await dash(t, admin, `?from=${d.months[3].month}&to=${d.months[5].month}`);
    t.deepEqual(some.months, d.months.slice(3, 6), 'a range of three months');
    const one = await dash(t, admin, `?from=${d.to}&to=${d.to}`);
    t.deepEqual(one.months, [d.months[11]], 'one month');
  }],

  ['the open counts, the caller\'s and today\'s are those of the request list', async (t) => {
    const admin = await t.admin();
    const tech = (await t.login('tech')).token;
    const d = await dash(t, admin);
    const open = await t.listAll('/api/v1/requests?open=true', admin);
    t.equal(d.open.total, open.length, 'open');
    t.equal(d.open.severe, open.filter((r) => r.severity === 'severe').length, 'severe');
    t.equal(d.open.mine, (await t.listAll('/api/v1/requests?open=true&assignee_id=me', admin)).length, 'admin\'s');
    const mine = (await t.listAll('/api/v1/requests?open=true&assignee_id=me', tech)).length;
    t.ok(mine > 0, 'the demo technician has open requests');
    const bulead = (await t.login('bulead')).token; // report.read, another user
    t.equal((await dash(t, bulead)).open.total, d.open.total);
    const today = (await t.listAll(`/api/v1/requests?from=${d.today}&to=${nextDay(d.today)}`, admin)).length;
    t.equal(d.created_today, today, 'created today');
    // a month's cells are what the list filtered by month, type and state gives
    const m = d.months.find((x) => x.rows.some((r) => r.count > 1 && r.state !== 'closed')) || d.months[11];
    const cell = m.rows.find((r) => r.count > 1 && r.state !== 'closed') || m.rows[0];
    const rows = await t.listAll(`/api/v1/requests?from=${m.month}-01&to=${nextMonth(m.month)}-01&type=${cell.type}&state=${cell.state}`, admin);
    t.equal(rows.length, cell.count, `${m.month} ${cell.type} ${cell.state}`);
  }],

  ['a new request is counted at once: this month, open, today', async (t) => {
    const admin = await t.admin();
    const before = await dash(t, admin);
    const { token } = await t.login('agent');
    const res = await t.req('POST', '/api/v1/requests', { token, body: { type: 'repair', customer_id: 2, title: '看板 计数 测试', severity: 'severe' } });
    t.expectStatus(res, 201, 'create');
    const after = await dash(t, admin);
    const cell = (d) => d.months[11].rows.find((r) => r.type === 'repair' && r.state === 'new')?.count || 0;
    t.equal(after.months[11].total, before.months[11].total + 1);
    t.equal(cell(after), cell(before) + 1);
    t.equal(after.open.total, before.open.total + 1);
    t.equal(after.open.severe, before.open.severe + 1);
    t.equal(after.created_today, before.created_today + 1);
  }],

  ['from and to are checked and named; request.read, as the list', async (t) => {
    const admin = await t.admin();
    const bad = async (q, field, reason) => t.expectError(await t.req('GET', `/api/v1/reports/dashboard?${q}`, { token: admin }), 400, 'validation_failed', field, reason);
    await bad('from=2026-13', 'from', 'out_of_range');
    await bad('from=1999-12&to=2000-01', 'from', 'out_of_range');
    await bad('to=2026-1', 'to', 'invalid');
    await bad('to=2026-01-01', 'to', 'invalid');
    await bad('from=2026-12&to=2026-11', 'to', 'out_of_range');
    t.equal((await dash(t, admin, '?from=2023-01&to=2025-12')).months.length, 36);
    await bad('from=2022-12&to=2025-12', 'from', 'out_of_range');
    await bad('month=2026-01', 'month', 'unknown');
    t.expectError(await t.req('GET', '/api/v1/reports/dashboard'), 401, 'unauthenticated');
    const { token } = await t.login('driver'); // no request.read
    t.expectStatus(await t.req('GET', '/api/v1/reports/dashboard', { token }), 403, 'driver');
    const all = await dash(t, admin);
    for (const who of ['agent', 'tech']) t.deepEqual((await dash(t, (await t.login(who)).token)).months, all.months, `${who} counts as the admin`);
  }],

  ['a customer user counts only its own company\'s requests', async (t) => {
    const { token } = await t.login('customer');
    const me = t.expectStatus(await t.req('GET', '/api/v1/session', { token }), 200).json.user;
    t.ok(me.customer_id, 'the demo customer user belongs to a company');
    t.expectStatus(await t.req('POST', '/api/v1/requests', { token, body: { type: 'consultation', title: '看板 客户 计数' } }), 201, 'the customer files one');
    const d = await dash(t, token);
    const admin = await t.admin();
    const all = await dash(t, admin);
    const mine = await t.listAll('/api/v1/requests', token);
    t.ok(mine.length > 0 && mine.every((r) => r.customer_id === me.customer_id), 'the list shows its company only');
    const inRange = mine.filter((r) => r.created_at.slice(0, 7) >= d.from && r.created_at.slice(0, 7) <= d.to);
    t.equal(d.months.reduce((s, m) => s + m.total, 0), inRange.length, 'the months count its requests only');
    t.ok(all.months.reduce((s, m) => s + m.total, 0) > inRange.length, 'fewer than the company-wide count');
    t.equal(d.open.total, mine.filter((r) => r.state !== 'closed' && r.state !== 'cancelled').length, 'open: its own');
    const theirs = await t.listAll(`/api/v1/requests?customer_id=${me.customer_id}&open=true`, admin);
    t.equal(d.open.total, theirs.length, 'as the staff list filtered by the customer');
    t.equal(d.open.mine, 0);
  }],
];
