// Authorisation, every route x every role (SPEC §2, §6 "every endpoint
// authorised; customers isolated from each other").
//
// The expectation comes from the data, read live: the permission matrix
// from GET /api/v1/roles (as admin) and each route's permission from
// `aftersales routes` (checked against the OpenAPI document's
// x-permission).  One demo user per role (each holds exactly that role):
// a route the role's permissions grant must get past the permission check
// (any answer but 401/403, and never a 5xx); any other must get exactly 403
// "forbidden".  Nothing is changed: ids that do not exist (999999999), and
// every write carries a body that is refused after the permission check
// ("{" for a JSON route, any body for a route that takes none).
//
// Then customer isolation: records of customer 2 made by staff (a service
// request with an attachment, a unit, a contract, a sales record, a return
// form) are, for the customer user of customer 1, 404 by id on every path
// its permissions reach (403 where they do not), and absent from its lists,
// its intake and its search.
import { spawnSync } from 'node:child_process';

const ROLE_USER = {
  admin: 'admin', agent: 'agent', aftersales_manager: 'asmanager', technician: 'tech',
  business_unit_lead: 'bulead', qc_inspector: 'qc', warehouse: 'warehouse', finance: 'finance',
  sales_manager: 'sales', sales_vp: 'salesvp', general_manager: 'gm', statistician: 'stats',
  clerk: 'clerk', driver: 'driver', customer: 'customer',
};
const NOID = '999999999';

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
  const roles = t.expectStatus(await t.req('GET', '/api/v1/roles', { token: await t.admin() }), 200).json;
  const matrix = {};
  for (const [role, perms] of Object.entries(roles.matrix)) matrix[role] = new Set(perms);
  t.deepEqual(Object.keys(matrix).sort(), Object.keys(ROLE_USER).sort(), 'the roles of the matrix');
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
  iso = { mark, unit, contract, sale, request, attachment: att.json, ret };
  return iso;
}

export const tests = [
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
      ['GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${o.request.id}`, 'sla.read'],
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
    // search: staff find the request by its mark, the customer does not
    if (matrix.customer.has('search.read')) {
      const q = `/api/v1/search?q=${encodeURIComponent(o.mark)}`;
      const staff = t.expectStatus(await t.req('GET', q, { token: admin }), 200).json;
      const mine = t.expectStatus(await t.req('GET', q, { token: cust }), 200).json;
      if (mine.items.some((x) => x.customer_id !== 1) || JSON.stringify(mine).includes(o.mark))
        wrong.push(`search: the customer found another customer's documents: ${JSON.stringify(mine.items).slice(0, 200)}`);
      if (staff.items.length === 0) t.ok(true, 'search does not index requests yet: only the negative is checked');
    }
    t.deepEqual(wrong, [], `customer isolation in lists:\n${wrong.join('\n')}`);
  }],
];
