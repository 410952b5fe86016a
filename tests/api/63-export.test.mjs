// Every list as CSV or Excel (issue 15 item 2): ?format=csv|xlsx with the
// filters of the JSON, read back with real readers (the CSV parsed here by
// RFC 4180, the .xlsx by python3-openpyxl) and compared with the JSON;
// formula cells inert; a customer user exports only its own company's rows.

import { parseCsv, readXlsx, yuan } from './files.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function get(t, path, token, status = 200, headers) {
  return t.expectStatus(await t.req('GET', path, { token, headers }), status, path);
}

const daysAgo = (n) => new Date(Date.now() + 8 * 3600e3 - n * 86400e3).toISOString().slice(0, 10);

/* A customer with a sales contract, purchases and one return form per
 * price (fen) filed by the agent; its id. */
async function fileReturns(t, prices) {
  const admin = await t.admin();
  const post = async (token, path, body) => t.expectStatus(await t.req('POST', path, { token, body }), 201, path).json;
  const code = t.uniq('EX');
  const c = await post(admin, '/api/v1/customers', { code, name: `导出测试 ${code}` });
  await post(admin, '/api/v1/contracts', {
    contract_no: `HT-${code}`, customer_id: c.id, kind: 'sales', start_date: daysAgo(200),
    end_date: daysAgo(-100), exchange_ratio_limit_bp: 500, exchange_days_limit: 90,
  });
  await post(admin, '/api/v1/sales', { customer_id: c.id, sale_date: daysAgo(30), amount_fen: 1000000 });
  const model = await post(admin, '/api/v1/product-models', { model_no: t.uniq('EXM-'), name: '柜式空调' });
  const agent = (await t.login('agent')).token;
  for (const [i, p] of prices.entries()) {
    const u = await post(admin, '/api/v1/units', {
      serial: `${code}-${i}`, model_id: model.id, customer_id: c.id, purchase_date: daysAgo(20),
      delivery_date: daysAgo(20), amount_fen: p,
    });
    await post(agent, '/api/v1/returns', {
      kind: 'exchange', reason: 'unsalable', customer_id: c.id,
      lines: [{ unit_id: u.id, quantity: 1, unit_price_fen: p }],
    });
  }
  return c.id;
}

export const tests = [
  ['CSV: UTF-8 with a BOM, Chinese headers, CRLF, every row of the JSON list with its filters', async (t) => {
    const admin = await t.admin();
    const res = await get(t, '/api/v1/requests?format=csv&state=closed', admin);
    t.match(res.headers['content-type'], /^text\/csv; charset=utf-8$/);
    t.match(res.headers['content-disposition'], /^attachment; filename="requests-\d{8}\.csv"; filename\*=UTF-8''%E6%9C%8D%E5%8A%A1%E5%B7%A5%E5%8D%95-\d{8}\.csv$/);
    t.deepEqual([...res.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'byte order mark');
    const rows = parseCsv(res.text.slice(1));
    t.deepEqual(rows[0].slice(0, 5), ['工单号', '类型', '渠道', '紧急程度', '状态']);
    const json = await t.listAll('/api/v1/requests?state=closed', admin);
    t.ok(json.length > 200, `more than one page of 200 (${json.length})`);
    t.equal(rows.length - 1, json.length, 'one row per item');
    const h = rows[0];
    json.forEach((r, i) => {
      const row = rows[i + 1];
      t.equal(row[h.indexOf('工单号')], r.number);
      t.equal(row[h.indexOf('状态')], 'closed');
      t.equal(row[h.indexOf('客户')], r.customer_name);
      t.equal(row[h.indexOf('保内')], r.in_warranty === null ? '' : r.in_warranty ? '是' : '否');
    });
    // the same through the Accept header, and English headers
    const en = await get(t, '/api/v1/requests?state=closed&lang=en', admin, 200, { Accept: 'text/csv' });
    t.deepEqual(parseCsv(en.text.slice(1))[0].slice(0, 3), ['Number', 'Type', 'Channel']);
    t.equal(parseCsv(en.text.slice(1)).length, rows.length);
  }],

  ['a filter the JSON refuses is refused the same; format must be json, csv or xlsx', async (t) => {
    const admin = await t.admin();
    const bad = await get(t, '/api/v1/requests?format=csv&bogus=1', admin, 400);
    t.equal(bad.json.error.details.field, 'bogus');
    const f = await get(t, '/api/v1/requests?format=pdf', admin, 400);
    t.equal(f.json.error.details.field, 'format');
    const j = await get(t, '/api/v1/requests?format=json&limit=2&lang=en', admin);
    t.equal(j.json.items.length, 2, 'format=json is the JSON list');
    const w = await get(t, '/api/v1/customers?format=csv&limit=abc', admin, 200);
    t.ok(w.text.length > 0, 'limit is the export\'s own: any value the caller gives is replaced');
  }],

  ['formula cells are inert, quotes, commas and line breaks survive the round trip', async (t) => {
    const admin = await t.admin();
    // names hold no control characters; an address may hold a tab and line breaks
    const names = ['=HYPERLINK("http://x","点我")', '+1+2', '-3+4', '@SUM(A1)', '逗号,"引号"'];
    const tag = t.uniq('X');
    for (const [i, n] of names.entries())
      t.expectStatus(await t.req('POST', '/api/v1/customers', { token: admin, body: { code: `${tag}${i}`, name: n } }), 201);
    const addr = '\t制表,"地址"\r\n第二行';
    t.expectStatus(await t.req('POST', '/api/v1/customers', { token: admin, body: { code: `${tag}A`, name: `地址 ${tag}`, address: addr } }), 201);
    const res = await get(t, `/api/v1/customers?format=csv&q=${encodeURIComponent(tag)}`, admin);
    const rows = parseCsv(res.text.slice(1));
    const col = rows[0].indexOf('客户名称');
    const got = rows.slice(1).map((r) => r[col]).sort();
    const want = names.map((n) => (/^[=+\-@\t\r]/.test(n) ? `'${n}` : n)).sort();
    t.deepEqual(got.filter((n) => !n.startsWith('地址')), want);
    const a = rows.find((r) => r[col] === `地址 ${tag}`);
    t.equal(a[rows[0].indexOf('地址')], `'${addr}`, 'a tab first: inert; CR LF kept inside the quotes');
    // in Excel they are strings, never formulas
    const x = readXlsx((await get(t, `/api/v1/customers?format=xlsx&q=${encodeURIComponent(tag)}`, admin)).buf);
    const xcol = x[0].rows[0].findIndex((c) => c.v === '客户名称');
    const cells = x[0].rows.slice(1).map((r) => r[xcol]).filter((c) => !c.v.startsWith('地址'));
    t.deepEqual(cells.map((c) => c.t), names.map(() => 's'));
    t.deepEqual(cells.map((c) => c.v).sort(), [...names].sort());
  }],

  ['Excel: typed cells (numbers, money in yuan, moments as dates), bold frozen header, equal to the JSON', async (t) => {
    const admin = await t.admin();
    const res = await get(t, '/api/v1/requests?format=xlsx&state=closed', admin);
    t.equal(res.headers['content-type'], XLSX);
    t.equal(res.buf.subarray(0, 2).toString(), 'PK', 'a zip container');
    const [sheet] = readXlsx(res.buf);
    t.equal(sheet.title, '服务工单');
    t.equal(sheet.freeze, 'A2', 'the header row is frozen');
    t.ok(sheet.bold, 'the header is bold');
    const h = sheet.rows[0].map((c) => c.v);
    const json = await t.listAll('/api/v1/requests?state=closed', admin);
    t.equal(sheet.rows.length - 1, json.length);
    const local = (iso) => iso.slice(0, 16).replace('T', ' ');
    json.forEach((r, i) => {
      const row = sheet.rows[i + 1];
      t.equal(row[h.indexOf('工单号')].v, r.number);
      t.equal(row[h.indexOf('重开次数')].t, 'n');
      t.equal(row[h.indexOf('重开次数')].v, r.reopen_count);
      t.equal(row[h.indexOf('受理时间')].t, 'd');
      t.equal(row[h.indexOf('受理时间')].v, local(r.created_at), 'the company\'s wall clock');
      if (r.in_warranty !== null) t.equal(row[h.indexOf('保内')].v, r.in_warranty);
    });
    // money: the returns' amounts as numbers of yuan with two decimals
    const c = await fileReturns(t, [123456, 100, 99999999]);
    const q = `customer_id=${c}`;
    const rets = await t.listAll(`/api/v1/returns?${q}`, admin);
    t.equal(rets.length, 3);
    const [rs] = readXlsx((await get(t, `/api/v1/returns?format=xlsx&${q}`, admin)).buf);
    const rh = rs.rows[0].map((c) => c.v);
    const amount = rh.indexOf('金额');
    t.equal(rs.rows.length - 1, rets.length);
    rets.forEach((r, i) => {
      const c = rs.rows[i + 1][amount];
      t.equal(c.t, 'n');
      t.equal(c.fmt, '#,##0.00');
      t.equal(Math.round(c.v * 100), r.total_amount_fen);
    });
    const csv = parseCsv((await get(t, `/api/v1/returns?format=csv&${q}`, admin)).text.slice(1));
    rets.forEach((r, i) => t.equal(csv[i + 1][csv[0].indexOf('金额')], yuan(r.total_amount_fen)));
  }],

  ['a declared record\'s list takes its columns from the declaration; a customer user gets its own rows without internal fields', async (t) => {
    const admin = await t.admin();
    const staff = parseCsv((await get(t, '/api/v1/customers?format=csv&lang=en', admin)).text.slice(1));
    t.ok(staff[0].includes('Credit notes'), 'staff see the internal field');
    const all = await t.listAll('/api/v1/customers', admin);
    t.equal(staff.length - 1, all.length);
    const cid = all.find((c) => c.code === 'C0002').id;
    const portal = await t.createUser({ roles: ['customer'], customer_id: cid });
    const tok = (await t.login(portal.username, portal.password)).token;
    const own = parseCsv((await get(t, '/api/v1/customers?format=csv&lang=en', tok)).text.slice(1));
    t.equal(own.length, 2, 'only its own company');
    t.ok(!own[0].includes('Credit notes'), 'no internal field');
    t.equal(own[1][own[0].indexOf('Code')], 'C0002');
    const reqs = parseCsv((await get(t, '/api/v1/requests?format=csv', tok)).text.slice(1));
    const mine = await t.listAll('/api/v1/requests', tok);
    t.equal(reqs.length - 1, mine.length);
    const name = all.find((c) => c.id === cid).name;
    for (const r of reqs.slice(1)) t.equal(r[reqs[0].indexOf('客户')], name);
    const staffReqs = await t.listAll('/api/v1/requests', admin);
    t.ok(staffReqs.length > mine.length, 'the staff list holds other companies');
  }],
];
