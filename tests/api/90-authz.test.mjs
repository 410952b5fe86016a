// Authorisation, every route x every role (SPEC §2, §6 "every endpoint
// authorised; customers isolated from each other").
//
// The expected default matrix is checked in below (SPEC_MATRIX, the roles
// and duties of SPEC §2), never read from the server under test: the
// server's GET /api/v1/roles must equal it, and each role is probed against
// it.  Each route's permission comes from `aftersales routes` (checked
// against the OpenAPI document's x-permission).  One demo user per role
// (each holds exactly that role): a route the role's permissions grant must
// get past the permission check (any answer but 401/403, and never a 5xx);
// any other must get exactly 403 "forbidden".  Nothing is changed: ids that
// do not exist (999999999), and every write carries a body that is refused
// after the permission check ("{" for a JSON route, any body for a route
// that takes none).
//
// Then customer isolation: records of customer 2 made by staff (a service
// request with an attachment, a unit, a contract, a sales record, a return
// form) are, for the customer user of customer 1, 404 by id on every path
// its permissions reach (403 where they do not), and absent from its lists,
// its intake and its search.  Last, an admin grants the customer role every
// permission (an ordinary change of the matrix): every read route of the
// route table, probed with the other company's ids and filters, still shows
// the customer user nothing of another company (SPEC §2: "A customer sees
// only its own company's records" is code, not only the matrix).
import { spawnSync } from 'node:child_process';

const ROLE_USER = {
  admin: 'admin', agent: 'agent', aftersales_manager: 'asmanager', technician: 'tech',
  business_unit_lead: 'bulead', qc_inspector: 'qc', warehouse: 'warehouse', finance: 'finance',
  sales_manager: 'sales', sales_vp: 'salesvp', general_manager: 'gm', statistician: 'stats',
  clerk: 'clerk', driver: 'driver', customer: 'customer',
};
const NOID = '999999999';

// The default permission matrix, from SPEC §2 (who does what).  A change of
// the defaults is a change of this table, reviewed against the SPEC.
const STAFF = ['account.self', 'notification.self', 'calendar.read', 'department.read', 'user.read',
  'customer.read', 'product.read', 'price.read', 'unit.read', 'kb.read', 'search.read', 'sla.read',
  'request.read', 'request.create', 'request.work', 'return.read', 'warehouse.read', 'template.read',
  'stock.read'];
// the money of the cost ledger (SPEC §4.10): who reads it, who adds lines
const COST_READ = ['cost.read'];
const COST_WRITE = ['cost.read', 'cost.write'];
const SPEC_MATRIX = {
  // 系统管理员: users, roles, settings, backups — and everything else
  admin: [...STAFF, 'audit.read', 'calendar.manage', 'contract.manage', 'contract.read', 'customer.manage',
    'department.manage', 'import.run', 'kb.manage', 'price.manage', 'product.manage', 'report.read',
    'request.dispatch', 'return.create', 'return.manage', 'return.report', 'return.work', 'role.manage',
    'role.read', 'sales.delete', 'sales.manage', 'sales.read', 'settings.manage', 'settings.read',
    'sla.manage', 'template.manage', 'unit.manage', 'user.manage', 'warehouse.manage', ...COST_WRITE,
    'stock.issue', 'stock.manage', 'stock.move'],
  // 售后部经理: dispatches, reviews, approves prices < 1000, signs returns, monthly analysis
  aftersales_manager: [...STAFF, 'calendar.manage', 'contract.read', 'customer.manage', 'import.run',
    'kb.manage', 'product.manage', 'report.read', 'request.dispatch', 'return.create', 'return.report',
    'return.work', 'sales.read', 'settings.read', 'sla.manage', 'unit.manage', 'warehouse.manage',
    ...COST_WRITE, 'stock.issue', 'stock.manage', 'stock.move'],
  // 售后服务人员/客服: takes calls, records requests and complaints, replies
  agent: [...STAFF, 'customer.manage', 'request.dispatch', 'return.create', 'return.work', 'unit.manage',
    ...COST_WRITE],
  // 事业部经理: solutions for faults, assigns engineers, depot repairs
  business_unit_lead: [...STAFF, 'kb.manage', 'product.manage', 'report.read', 'request.dispatch',
    ...COST_WRITE, 'stock.issue'],
  // 营销文员: reviews and sends return slips, archives
  clerk: [...STAFF, 'return.create', 'return.work'],
  // 客户/经销商 (portal): submits and follows its own requests and returns
  customer: ['account.self', 'notification.self', 'customer.read', 'kb.read', 'price.read', 'product.read',
    'request.create', 'request.read', 'request.work', 'return.create', 'return.read', 'return.work',
    'search.read', 'template.read', 'unit.read'],
  // 驾驶员/物流: picks up returns only against a transport order
  driver: ['account.self', 'notification.self', 'calendar.read', 'department.read', 'return.read',
    'return.work', 'sla.read', 'template.read'],
  // 财务: confirms warranty/contract, cost checks, exchange-ratio control, settlements
  finance: [...STAFF, 'contract.manage', 'contract.read', 'import.run', 'price.manage', 'report.read',
    'return.manage', 'return.report', 'return.work', 'sales.manage', 'sales.read', 'settings.read',
    ...COST_WRITE],
  // 总经理: special approvals, waivers above 5000, told of major faults
  general_manager: [...STAFF, 'audit.read', 'contract.read', 'report.read', 'return.report', 'return.work',
    'role.read', 'sales.read', 'settings.read', ...COST_READ],
  // 质检员: inspects returned goods and repaired items, judges responsibility
  qc_inspector: [...STAFF, 'kb.manage', 'return.work'],
  // 经营部负责人: approves exchanges, notifies customers, regional coordination
  sales_manager: [...STAFF, 'contract.read', 'report.read', 'return.create', 'return.report', 'return.work',
    'sales.read'],
  // 销售副总: approves prices >= 1000, waivers up to 5000
  sales_vp: [...STAFF, 'contract.read', 'report.read', 'return.report', 'sales.read', 'cost.read'],
  // 营销统计员: records return quantities and amounts
  statistician: [...STAFF, 'contract.read', 'report.read', 'return.report', 'return.work', 'sales.read',
    'cost.read'],
  // 技术人员/维修人员: diagnosis, repair, field trips, daily reports
  technician: [...STAFF, 'kb.manage', 'stock.issue', 'cost.read', 'cost.write'],
  // 仓库主管: receives returns, issues parts, stock counts
  warehouse: [...STAFF, 'return.work', 'warehouse.manage', 'stock.move', 'stock.issue', 'cost.read'],
};

let cached = null;

/* {routes: [{method, path, perm}], matrix: {role: Set(perm)}} */
async function setup(t) {
  if (cached) return cached;
  const r = spawnSync(t.bin, ['routes'], { encoding: 'utf8', timeout: 10000 });
  t.equal(r.status, 0, `${t.bin} routes: ${r.stderr}`);
  const routes = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*([^|\s]+)\s*\|/.exec(line);
    if (m) routes.push({ method: m[1], path: m[2], perm: m[3] });
  }
  t.ok(routes.length >= 50, `only ${routes.length} routes listed`);
  // the OpenAPI document says the same
  const doc = t.expectStatus(await t.req('GET', '/api/v1/openapi.json'), 200).json;
  for (const rt of routes) {
    const op = doc.paths[rt.path] && doc.paths[rt.path][rt.method.toLowerCase()];
    t.ok(op, `${rt.method} ${rt.path} is not in the OpenAPI document`);
    t.equal(op['x-permission'] ?? 'public', rt.perm, `${rt.method} ${rt.path}: x-permission`);
  }
  const matrix = {};
  for (const [role, perms] of Object.entries(SPEC_MATRIX)) matrix[role] = new Set(perms);
  t.deepEqual(Object.keys(matrix).sort(), Object.keys(ROLE_USER).sort(), 'the roles of the table');
  cached = { routes, matrix };
  return cached;
}

/* The request that probes one route without changing anything. */
function probeRequest(rt) {
  const path = rt.path
    .replace('{key}', 'nosuchrole').replace('{kind}', 'nosuchkind').replace('{name}', 'nosuchstep')
    .replace('{date}', '1999-01-01').replace(/\{[a-z_]+\}/g, NOID);
  if (rt.method === 'GET') return { path, opts: {} };
  return { path, opts: { raw: '{' } };
}

function roleTest(role) {
  return [`every route as ${role} (${ROLE_USER[role]}): allowed per the matrix, else 403`, async (t) => {
    const { routes, matrix } = await setup(t);
    const s = await t.login(ROLE_USER[role]);
    t.deepEqual(s.user.roles, [role], `${ROLE_USER[role]} must hold exactly the role ${role}`);
    const wrong = [];
    for (const rt of routes) {
      if (rt.perm === 'public') continue;
      const { path, opts } = probeRequest(rt);
      const res = await t.req(rt.method, path, { token: s.token, ...opts });
      const allowed = matrix[role].has(rt.perm);
      const code = res.json && res.json.error ? res.json.error.code : '';
      if (allowed && (res.status === 401 || res.status === 403 || res.status >= 500))
        wrong.push(`${rt.method} ${rt.path} (${rt.perm}, granted): ${res.status} ${res.text.slice(0, 160)}`);
      if (!allowed && !(res.status === 403 && code === 'forbidden'))
        wrong.push(`${rt.method} ${rt.path} (${rt.perm}, not granted): ${res.status} ${res.text.slice(0, 160)}`);
    }
    t.deepEqual(wrong, [], `${wrong.length} routes disagree with the matrix for ${role}:\n${wrong.join('\n')}`);
  }];
}

/* ----- customer isolation ----- */

let iso = null;

/* Records of customer 2, made by staff. */
async function others(t) {
  if (iso) return iso;
  const admin = await t.admin();
  const agent = (await t.login('agent')).token;
  const tech = (await t.login('tech')).token;
  const mark = t.uniq('隔离').replace(/[0-9a-z]/g, '') + t.uniq('ISO');
  const post = async (token, path, body, status = 201) => {
    const r = await t.req('POST', path, { token, body });
    t.expectStatus(r, status, `POST ${path}`);
    return r.json;
  };
  const model = t.expectStatus(await t.req('GET', '/api/v1/product-models?limit=1', { token: admin }), 200).json.items[0];
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const unit = await post(admin, '/api/v1/units', {
    serial: `${mark}-SN`, model_id: model.id, customer_id: 2, purchase_date: today, delivery_date: today, amount_fen: 100000,
  });
  const contract = await post(admin, '/api/v1/contracts', {
    contract_no: `${mark}-HT`, customer_id: 2, kind: 'sales', start_date: '2026-01-01', end_date: '2030-12-31',
  });
  const sale = await post(admin, '/api/v1/sales', { customer_id: 2, sale_date: today, amount_fen: 123456, reference: `${mark}-R` });
  const request = (await post(agent, '/api/v1/requests', {
    type: 'repair', customer_id: 2, unit_id: unit.id, title: `${mark} 漏水`, description: `${mark} 室内机漏水`,
  })).request;
  const png = Buffer.alloc(100, 7);
  const att = await t.req('POST', `/api/v1/requests/${request.id}/attachments?filename=iso.png`,
    { token: tech, raw: png, headers: { 'Content-Type': 'image/png' } });
  t.expectStatus(att, 201, 'attach to the request of customer 2');
  const ret = (await post(agent, '/api/v1/returns', {
    kind: 'refund', reason: 'quality', customer_id: 2, lines: [{ unit_id: unit.id, quantity: 1, unit_price_fen: 100000 }],
  })).return;
  // spare parts and costs on that request: a parts line (by an issue) and a
  // travel line carry customer 2
  const wtok = (await t.login('warehouse')).token;
  // (the part and the warehouse belong to no company: no mark on them)
  const part = await post(admin, '/api/v1/parts', { code: t.uniq('ISOP'), name: '隔离测试配件', price_fen: 100 });
  const wh = await post(admin, '/api/v1/warehouses', { code: t.uniq('ISOW'), name: '隔离测试仓库' });
  await post(wtok, '/api/v1/stock/receipts', { part_id: part.id, warehouse_id: wh.id, qty: 2, unit_cost_fen: 100,
    source: 'purchase' });
  const reqn = await post(tech, '/api/v1/stock/requisitions', { part_id: part.id, warehouse_id: wh.id, qty: 1,
    doc_kind: 'request', doc_id: request.id });
  const cost = await post(tech, '/api/v1/costs', { doc_kind: 'request', doc_id: request.id, kind: 'travel',
    billing: 'paid', amount_fen: 1234, note: `${mark} 车费` });
  iso = { mark, unit, contract, sale, request, attachment: att.json, ret, requisition: reqn.requisition || reqn,
    cost };
  return iso;
}

export const tests = [
  ['the default matrix is SPEC §2\'s (the checked-in table), role by role', async (t) => {
    const roles = t.expectStatus(await t.req('GET', '/api/v1/roles', { token: await t.admin() }), 200).json;
    t.deepEqual(Object.keys(roles.matrix).sort(), Object.keys(SPEC_MATRIX).sort(), 'the roles of the matrix');
    const known = new Set(roles.permissions.map((p) => p.key));
    for (const [role, perms] of Object.entries(SPEC_MATRIX)) {
      t.equal(new Set(perms).size, perms.length, `${role}: a permission twice in the table`);
      for (const p of perms) t.ok(known.has(p), `${role}: the table names an unknown permission ${p}`);
      const extra = roles.matrix[role].filter((p) => !perms.includes(p));
      const missing = perms.filter((p) => !roles.matrix[role].includes(p));
      t.deepEqual({ extra, missing }, { extra: [], missing: [] }, `${role}: the server's defaults differ from SPEC §2`);
    }
  }],

  ...Object.keys(ROLE_USER).map(roleTest),

  ['isolation: the customer user gets 404 by id for another customer\'s records on every path it can reach', async (t) => {
    const { matrix } = await setup(t);
    const o = await others(t);
    const cust = await t.login('customer');
    t.equal(cust.user.customer_id, 1);
    const can = (perm) => matrix.customer.has(perm);
    const checks = [
      ['GET', '/api/v1/customers/2', 'customer.read'],
      ['GET', '/api/v1/customers/2/history', 'customer.read'],
      ['GET', '/api/v1/customers/2/contacts', 'customer.read'],
      ['GET', `/api/v1/units/${o.unit.id}`, 'unit.read'],
      ['GET', `/api/v1/units/${o.unit.id}/warranty`, 'unit.read'],
      ['GET', `/api/v1/contracts/${o.contract.id}`, 'contract.read'],
      ['GET', `/api/v1/sales/${o.sale.id}`, 'sales.read'],
      ['GET', `/api/v1/requests/${o.request.id}`, 'request.read'],
      ['GET', `/api/v1/requests/${o.request.id}/events`, 'request.read'],
      ['GET', `/api/v1/attachments/${o.attachment.id}`, 'request.read'],
      ['GET', `/api/v1/intake?serial=${encodeURIComponent(o.unit.serial)}`, 'request.read'],
      ['GET', '/api/v1/intake?customer=C0002', 'request.read'],
      ['GET', `/api/v1/returns/${o.ret.id}`, 'return.read'],
      ['GET', `/api/v1/returns/${o.ret.id}/events`, 'return.read'],
      ['GET', `/api/v1/requests/${o.request.id}/print`, 'request.read'],
      ['GET', `/api/v1/returns/${o.ret.id}/print`, 'return.read'],
      ['GET', `/api/v1/returns/${o.ret.id}/transport/print`, 'return.read'],
      ['GET', `/api/v1/returns/${o.ret.id}/receipt/print`, 'return.read'],
      ['GET', `/api/v1/returns/${o.ret.id}/slip/print`, 'return.read'],
      ['GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${o.request.id}`, 'sla.read'],
      ['GET', `/api/v1/stock/requisitions/${o.requisition.id}`, 'stock.read'],
      ['GET', `/api/v1/costs?doc_kind=request&doc_id=${o.request.id}`, 'cost.read'],
      ['GET', `/api/v1/costs/summary?doc_kind=request&doc_id=${o.request.id}`, 'cost.read'],
      // writes naming the other's records: refused as if they did not exist
      ['POST', `/api/v1/requests/${o.request.id}/events`, 'request.work', { kind: 'reply', body: '看得到吗' }],
      ['POST', `/api/v1/requests/${o.request.id}/transitions/cancel`, 'request.work', { version: o.request.version, reason: 'x' }],
      ['POST', `/api/v1/requests/${o.request.id}/attachments?filename=x.png`, 'request.work', Buffer.alloc(10, 1)],
      ['POST', `/api/v1/returns/${o.ret.id}/events`, 'return.work', { kind: 'reply', body: '看得到吗' }],
      ['POST', `/api/v1/returns/${o.ret.id}/transitions/cancel`, 'return.work', { version: o.ret.version, reason: 'x' }],
      ['PATCH', '/api/v1/customers/2', 'customer.manage', { version: 1, name: 'x' }],
    ];
    const before = await t.auditTop();
    const wrong = [];
    for (const [method, path, perm, body] of checks) {
      const opts = { token: cust.token };
      if (Buffer.isBuffer(body)) Object.assign(opts, { raw: body, headers: { 'Content-Type': 'image/png' } });
      else if (body !== undefined) opts.body = body;
      const res = await t.req(method, path, opts);
      const want = can(perm) ? 404 : 403;
      if (res.status !== want || res.text.includes(o.mark))
        wrong.push(`${method} ${path} (${perm}${can(perm) ? '' : ', not granted'}): want ${want}, got ${res.status} ${res.text.slice(0, 160)}`);
    }
    t.deepEqual(wrong, [], `customer isolation:\n${wrong.join('\n')}`);
    t.equal(await t.auditTop(), before, 'a refused write was audited (something was written)');
  }],

  ['isolation: lists, filters and search of the customer user never include another customer\'s records', async (t) => {
    const { matrix } = await setup(t);
    const o = await others(t);
    const admin = await t.admin();
    const cust = (await t.login('customer')).token;
    const lists = [
      ['/api/v1/customers', 'customer.read', (x) => x.id !== 1],
      ['/api/v1/units', 'unit.read', (x) => x.id === o.unit.id || x.customer_id !== 1],
      ['/api/v1/units?customer_id=2', 'unit.read', (x) => x.customer_id !== 1],
      [`/api/v1/units?serial=${encodeURIComponent(o.unit.serial)}`, 'unit.read', (x) => x.customer_id !== 1],
      ['/api/v1/contracts', 'contract.read', (x) => x.customer_id !== 1],
      ['/api/v1/sales', 'sales.read', (x) => x.customer_id !== 1],
      ['/api/v1/requests', 'request.read', (x) => x.id === o.request.id || x.customer_id !== 1],
      ['/api/v1/requests?customer_id=2', 'request.read', (x) => x.customer_id !== 1],
      ['/api/v1/returns', 'return.read', (x) => x.id === o.ret.id || x.customer_id !== 1],
      ['/api/v1/returns?customer_id=2', 'return.read', (x) => x.customer_id !== 1],
    ];
    const wrong = [];
    for (const [path, perm, foreign] of lists) {
      if (!matrix.customer.has(perm)) {
        const r = await t.req('GET', path, { token: cust });
        if (r.status !== 403) wrong.push(`${path} (${perm}, not granted): ${r.status}`);
        continue;
      }
      // staff see the record: the list and filter are right
      const staff = await t.listAll(path, admin);
      if (path.includes('customer_id=2') || path.includes('serial='))
        t.ok(staff.length > 0, `${path}: staff see nothing, the check would prove nothing`);
      const r = await t.req('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200`, { token: cust });
      if (r.status === 200) {
        const bad = r.json.items.filter(foreign);
        if (bad.length > 0 || r.text.includes(o.mark)) wrong.push(`${path}: ${bad.length} foreign items: ${JSON.stringify(bad[0] || {}).slice(0, 160)}`);
      } else if (r.status !== 404) {
        wrong.push(`${path}: ${r.status} ${r.text.slice(0, 160)}`);
      }
    }
    // search: staff find the other's request by its mark, the customer does
    // not; the customer does find its own request by its own mark
    t.ok(matrix.customer.has('search.read'), 'SPEC §2: the customer searches its own records');
    {
      const q = `/api/v1/search?q=${encodeURIComponent(o.mark)}&kind=request`;
      const staff = t.expectStatus(await t.req('GET', q, { token: admin }), 200).json;
      t.ok(staff.items.some((x) => x.kind === 'request' && x.ref_id === o.request.id),
        `staff do not find the other's request by its mark: ${JSON.stringify(staff.items).slice(0, 200)}`);
      const mine = t.expectStatus(await t.req('GET', q, { token: cust }), 200).json;
      if (mine.items.some((x) => x.customer_id !== 1) || JSON.stringify(mine).includes(o.mark))
        wrong.push(`search: the customer found another customer's documents: ${JSON.stringify(mine.items).slice(0, 200)}`);
      const own = t.uniq('自有').replace(/[0-9a-z]/g, '') + t.uniq('OWN');
      const r = await t.req('POST', '/api/v1/requests', { token: cust, body: { type: 'consultation', title: `${own} 咨询` } });
      t.expectStatus(r, 201, 'the customer files a request');
      const found = t.expectStatus(await t.req('GET', `/api/v1/search?q=${encodeURIComponent(own)}`, { token: cust }), 200).json;
      t.ok(found.items.some((x) => x.kind === 'request' && x.ref_id === r.json.request.id && x.customer_id === 1),
        `the customer does not find its own request by its mark: ${JSON.stringify(found.items).slice(0, 200)}`);
    }
    t.deepEqual(wrong, [], `customer isolation in lists:\n${wrong.join('\n')}`);
  }],

  ['isolation whatever the matrix says: the customer role granted every permission sees nothing of another company on any read route', async (t) => {
    const { routes } = await setup(t);
    const o = await others(t);
    const admin = await t.admin();
    const matrixNow = t.expectStatus(await t.req('GET', '/api/v1/roles', { token: admin }), 200).json;
    const every = matrixNow.permissions.map((p) => p.key);
    const orig = matrixNow.matrix.customer;
    // what belongs to another company, as staff see it
    const c2 = t.expectStatus(await t.req('GET', '/api/v1/customers/2', { token: admin }), 200).json;
    const foreign = new Set([o.mark, c2.code, c2.name, o.request.number, o.ret.number, o.unit.serial,
      o.contract.contract_no]);
    for (const x of (await t.req('GET', '/api/v1/requests?limit=200', { token: admin })).json.items)
      if (x.customer_id !== 1) foreign.add(x.number);
    for (const x of (await t.req('GET', '/api/v1/returns?limit=200', { token: admin })).json.items)
      if (x.customer_id !== 1) foreign.add(x.number);
    const clocks = t.expectStatus(await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${o.request.id}`,
      { token: admin }), 200).json.items;
    t.ok(clocks.length > 0, 'the other company\'s repair has no SLA clock: the clock checks would prove nothing');
    const due = t.expectStatus(await t.req('GET', '/api/v1/sla/clocks?limit=200', { token: admin }), 200).json;
    t.ok(due.items.some((x) => x.doc_kind === 'request' && x.doc_id !== 0), 'no running clocks to list');
    const ratios = t.expectStatus(await t.req('GET', '/api/v1/returns/ratios?limit=200', { token: admin }), 200).json;
    t.ok(ratios.items.some((x) => x.customer_id !== 1), 'staff see no other company\'s ratio: the check would prove nothing');
    const open = t.expectStatus(await t.req('GET', '/api/v1/returns/reports/open', { token: admin }), 200).json;
    t.ok(open.items.some((x) => x.customer_id !== 1), 'no open return of another company');

    // every read route, with the other company's ids and filters
    const byPath = {
      '/api/v1/session': [''], '/api/v1/tokens': [''], '/api/v1/views': [''],
      '/api/v1/users': ['', '?limit=200'], '/api/v1/users/{id}': ['1'],
      '/api/v1/roles': [''], '/api/v1/departments': [''], '/api/v1/departments/{id}': ['1'],
      '/api/v1/audit': ['', '?entity=request'],
      '/api/v1/customers': ['?limit=200', '?q=' + encodeURIComponent(c2.code)],
      '/api/v1/customers/{id}': ['2', '1'], '/api/v1/customers/{id}/history': ['2', '1'],
      '/api/v1/customers/{id}/contacts': ['2', '1'],
      '/api/v1/product-models': [''], '/api/v1/product-models/{id}': ['1'], '/api/v1/product-models/{id}/parts': ['1'],
      '/api/v1/parts': [''], '/api/v1/parts/{id}': ['1'],
      '/api/v1/contracts': ['?limit=200', '?customer_id=2'], '/api/v1/contracts/{id}': [o.contract.id],
      '/api/v1/units': ['?limit=200', '?customer_id=2', '?serial=' + encodeURIComponent(o.unit.serial)],
      '/api/v1/units/{id}': [o.unit.id], '/api/v1/units/{id}/warranty': [o.unit.id],
      '/api/v1/sales': ['?limit=200', '?customer_id=2'], '/api/v1/sales/{id}': [o.sale.id],
      '/api/v1/prices': [''], '/api/v1/prices/{id}': ['1'],
      '/api/v1/calendar': [''], '/api/v1/calendar/days': [''],
      '/api/v1/sla/preview': ['?start=2026-11-23T09:00:00%2B08:00&minutes=60&mode=working'],
      '/api/v1/sla/select': ['?metric=arrival&region_class=urban&distance_km=10'],
      '/api/v1/sla/policies': [''], '/api/v1/sla/policies/{id}': ['1'],
      '/api/v1/sla/clocks': ['?limit=200', '?due=overdue&limit=200', '?due=soon&limit=200', '?doc_kind=request&limit=200',
        `?doc_kind=request&doc_id=${o.request.id}`, `?doc_kind=return&doc_id=${o.ret.id}`],
      '/api/v1/sla/clocks/{id}': clocks.map((c) => c.id),
      '/api/v1/sla/arrivals': [`?ids=${o.request.id}`, `?ids=1,${o.request.id}`],
      '/api/v1/notifications': [''],
      '/api/v1/search': ['?q=' + encodeURIComponent(o.mark), '?q=' + encodeURIComponent(c2.code),
        '?q=' + encodeURIComponent(o.request.number)],
      '/api/v1/requests': ['?limit=200', '?customer_id=2', `?unit_id=${o.unit.id}`],
      '/api/v1/requests/{id}': [o.request.id], '/api/v1/requests/{id}/events': [o.request.id],
      '/api/v1/requests/{id}/assignees': [o.request.id],
      '/api/v1/attachments/settings': [''], '/api/v1/attachments/{id}': [o.attachment.id],
      '/api/v1/intake': ['?serial=' + encodeURIComponent(o.unit.serial), '?customer=' + encodeURIComponent(c2.code),
        '?phone=' + encodeURIComponent(c2.phone || '0')],
      '/api/v1/kb/articles': [''], '/api/v1/kb/articles/{id}': ['1'], '/api/v1/kb/suggest': ['?text=漏水'],
      '/api/v1/returns': ['?limit=200', '?customer_id=2'],
      '/api/v1/returns/ratios': ['?limit=200'], '/api/v1/returns/reports/customers': ['', '?customer_id=2'],
      '/api/v1/returns/reports/open': [''], '/api/v1/returns/settings': [''],
      '/api/v1/returns/queue': ['', '?limit=200'],
      '/api/v1/returns/line-price': ['?customer_id=2&model_id=1', '?model_id=1', `?unit_id=${o.unit.id}`,
        '?serial=' + encodeURIComponent(o.unit.serial)],
      '/api/v1/returns/{id}': [o.ret.id], '/api/v1/returns/{id}/events': [o.ret.id],
      '/api/v1/reports/requests-monthly': ['?month=' + new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7)],
      '/api/v1/warehouses': [''], '/api/v1/warehouses/{id}': ['1'], '/api/v1/records': [''],
      '/api/v1/requests/{id}/print': [o.request.id], '/api/v1/returns/{id}/print': [o.ret.id],
      '/api/v1/returns/{id}/transport/print': [o.ret.id], '/api/v1/returns/{id}/receipt/print': [o.ret.id],
      '/api/v1/returns/{id}/slip/print': [o.ret.id],
      '/api/v1/templates': [''], '/api/v1/templates/{id}': ['1'], '/api/v1/templates/logo': [''],
      '/api/v1/reports/dashboard': ['', '?from=' + new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7)],
      '/api/v1/reports': [''],
      '/api/v1/stock/levels': ['?limit=200', '?low=true'], '/api/v1/stock/settings': [''],
      '/api/v1/stock/moves': ['?limit=200', `?ref_kind=requisition&ref_id=${o.requisition.id}`],
      '/api/v1/stock/requisitions': ['?limit=200', `?doc_kind=request&doc_id=${o.request.id}`],
      '/api/v1/stock/requisitions/{id}': [o.requisition.id],
      '/api/v1/stock/requisitions/{id}/print': [o.requisition.id],
      '/api/v1/stock/loans': ['?limit=200'], '/api/v1/stock/loans/{id}': ['1'],
      '/api/v1/stock/transfers': ['?limit=200'], '/api/v1/stock/transfers/{id}': ['1'],
      '/api/v1/stock/counts': ['?limit=200'], '/api/v1/stock/counts/{id}': ['1'],
      '/api/v1/stock/serials': ['', `?unit_id=${o.unit.id}`],
      '/api/v1/costs': ['?limit=200', `?doc_kind=request&doc_id=${o.request.id}`],
      '/api/v1/costs/summary': [`?doc_kind=request&doc_id=${o.request.id}`],
      '/api/v1/reports/{key}': ['request-cycle', 'request-cycle?customer_id=2', 'consultations',
        'consultations?customer_id=2'],
    };
    const owner = new Map();
    const ownerOf = async (kind, id) => {
      const k = `${kind}/${id}`;
      if (!owner.has(k)) {
        const r = await t.req('GET', `/api/v1/${kind === 'request' ? 'requests' : 'returns'}/${id}`, { token: admin });
        owner.set(k, r.status === 200 ? (r.json.request || r.json.return).customer_id : `status ${r.status}`);
      }
      return owner.get(k);
    };
    /* What of another company an answer shows (empty: nothing). */
    const leaks = async (json, text) => {
      const out = [];
      for (const f of foreign) if (f && text.includes(f)) out.push(`shows "${f}"`);
      const walk = async (v) => {
        if (Array.isArray(v)) { for (const x of v) await walk(x); return; }
        if (v === null || typeof v !== 'object') return;
        if ('customer_id' in v && v.customer_id !== 1 && v.customer_id !== null) out.push(`customer_id ${v.customer_id}`);
        for (const k of ['credit_notes', 'relationship_notes']) if (k in v) out.push(`internal field ${k}`);
        if ((v.doc_kind === 'request' || v.doc_kind === 'return') && typeof v.doc_id === 'number') {
          const who = await ownerOf(v.doc_kind, v.doc_id);
          if (who !== 1) out.push(`clock of ${v.doc_kind} ${v.doc_id} of customer ${who}`);
        }
        for (const x of Object.values(v)) await walk(x);
      };
      await walk(json);
      return out;
    };

    const put = (perms) => t.req('PUT', '/api/v1/roles/customer/permissions', { token: admin, body: { permissions: perms } });
    t.expectStatus(await put(every), 200, 'grant the customer role every permission');
    const wrong = [];
    let seen = 0;
    try {
      const cust = (await t.login('customer', undefined, { fresh: true })).token;
      for (const rt of routes) {
        if (rt.method !== 'GET' || rt.perm === 'public') continue;
        const probes = byPath[rt.path];
        if (!probes) { wrong.push(`GET ${rt.path}: no probe in the table of this test (add one)`); continue; }
        for (const p of probes) {
          const path = /\{(id|key)\}/.test(rt.path) ? rt.path.replace(/\{(id|key)\}/, String(p)) : rt.path + p;
          const res = await t.req('GET', path, { token: cust });
          if (res.status >= 500 || res.status === 401) { wrong.push(`GET ${path}: ${res.status} ${res.text.slice(0, 160)}`); continue; }
          // staff-only by code: people, the audit, reports, the parts store and the cost ledger
          if (res.status === 403 && !['user.read', 'audit.read', 'report.read', 'stock.read', 'cost.read'].includes(rt.perm))
            wrong.push(`GET ${path} (${rt.perm}): 403 although granted: ${res.text.slice(0, 160)}`);
          if (res.status === 200) seen++;
          const bad = await leaks(res.json, res.text);
          if (bad.length > 0) wrong.push(`GET ${path}: ${res.status} ${bad.slice(0, 4).join('; ')}`);
        }
      }
    } finally {
      t.expectStatus(await put(orig), 200, 'restore the customer role');
    }
    t.ok(seen >= 40, `only ${seen} probes answered 200: the walk proves little`);
    t.deepEqual(wrong, [], `with every permission the customer user sees another company's records:\n${wrong.join('\n')}`);
  }],
];
