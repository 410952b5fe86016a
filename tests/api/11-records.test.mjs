// Records declared once (domain/record): the warehouses, the first record
// type written on the declaration from the start, and what every declared
// type gets from it: decoding and its errors at the limits, defaults, fixed
// and read-only fields, a special rule at its declared point (a vehicle
// stock has a keeper), references, unique codes, optimistic versions with
// audit, declared filters and sort keys with keyset paging, idempotent
// create, permissions, the OpenAPI schemas and GET /api/v1/records.

const W = '/api/v1/warehouses';

async function mkWarehouse(t, extra = {}) {
  const code = extra.code || t.uniq('WH-');
  const r = await t.req('POST', W, { token: await t.admin(), body: { code, name: `仓库 ${code}`, ...extra } });
  t.expectStatus(r, 201, `create warehouse ${code}`);
  return r.json;
}

async function userId(t, username) {
  const r = t.expectStatus(await t.req('GET', `/api/v1/users?q=${username}`, { token: await t.admin() }), 200);
  const u = r.json.items.find((x) => x.username === username);
  t.ok(u, `user ${username}`);
  return u.id;
}

export const tests = [
  ['warehouses: create (201, Location, the declared defaults), get, the answer has every declared field', async (t) => {
    const code = t.uniq('WH-');
    const r = await t.req('POST', W, { token: await t.admin(), body: { code, name: '华北分库' } });
    t.expectStatus(r, 201);
    t.equal(r.headers.location, `${W}/${r.json.id}`);
    t.deepEqual(Object.keys(r.json), ['id', 'code', 'name', 'kind', 'department_id', 'keeper_id', 'address', 'active',
      'version', 'created_at', 'updated_at']);
    t.equal(r.json.kind, 'regional', 'the declared default kind');
    t.equal(r.json.active, true, 'the declared default active');
    t.equal(r.json.address, '', 'an optional text absent is ""');
    t.equal(r.json.department_id, null, 'an optional reference absent is null');
    t.equal(r.json.version, 1);
    t.match(r.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    t.deepEqual(t.expectStatus(await t.req('GET', r.headers.location, { token: await t.admin() }), 200).json, r.json);
    t.expectError(await t.req('GET', `${W}/999999999`, { token: await t.admin() }), 404, 'not_found');
  }],

  ['warehouses: bad input names the field, at the declared limits; nothing written', async (t) => {
    const tok = await t.admin();
    const post = (body) => t.req('POST', W, { token: tok, body });
    const before = await t.auditTop();
    t.expectError(await post({ name: 'x' }), 400, 'validation_failed', 'code', 'required');
    t.expectError(await post({ code: t.uniq('V') }), 400, 'validation_failed', 'name', 'required');
    t.expectError(await post({ code: t.uniq('V'), name: '  ' }), 400, 'validation_failed', 'name', 'required');
    // name: at most 100 characters (CJK counted as characters, not bytes)
    t.expectError(await post({ code: t.uniq('V'), name: '库'.repeat(101) }), 400, 'validation_failed', 'name', 'too_long');
    // code: at most 32, no spaces
    t.expectError(await post({ code: `C${'9'.repeat(32)}`, name: 'x' }), 400, 'validation_failed', 'code', 'too_long');
    t.expectError(await post({ code: 'HAS SPACE', name: 'x' }), 400, 'validation_failed', 'code');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', kind: 'cellar' }), 400, 'validation_failed', 'kind', 'not_allowed');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', active: 'yes' }), 400, 'validation_failed', 'active', 'wrong_type');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', department_id: 0 }), 400, 'validation_failed', 'department_id');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', department_id: 999999 }), 400, 'validation_failed', 'department_id', 'not_found');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', keeper_id: 999999 }), 400, 'validation_failed', 'keeper_id', 'not_found');
    // read-only fields are not part of a body
    for (const k of ['id', 'version', 'created_at'])
      t.expectError(await post({ code: t.uniq('V'), name: 'x', [k]: 1 }), 400, 'validation_failed', k, 'unknown');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', colour: 'red' }), 400, 'validation_failed', 'colour', 'unknown');
    t.equal(await t.auditTop(), before, 'a refused create wrote an audit row');
    // exactly at the limits: accepted
    const ok = await mkWarehouse(t, { code: `L${t.uniq('')}`.slice(0, 32).padEnd(32, '0'), name: '库'.repeat(100) });
    t.equal(ok.code.length, 32);
    t.equal([...ok.name].length, 100);
  }],

  ['warehouses: a vehicle stock needs its keeper (the special rule at its declared point), create and change', async (t) => {
    const tok = await t.admin();
    t.expectError(await t.req('POST', W, { token: tok, body: { code: t.uniq('VAN-'), name: '车载库', kind: 'vehicle' } }),
      400, 'validation_failed', 'keeper_id', 'required');
    const tech = await userId(t, 'tech');
    const van = await mkWarehouse(t, { kind: 'vehicle', keeper_id: tech });
    t.equal(van.keeper_id, tech);
    // taking the keeper away from a vehicle stock is refused; the record is unchanged
    t.expectError(await t.req('PATCH', `${W}/${van.id}`, { token: tok, body: { version: 1, keeper_id: null } }),
      400, 'validation_failed', 'keeper_id', 'required');
    t.equal(t.expectStatus(await t.req('GET', `${W}/${van.id}`, { token: tok }), 200).json.version, 1);
    // a regional store needs none
    const r = await t.req('PATCH', `${W}/${van.id}`, { token: tok, body: { version: 1, kind: 'regional', keeper_id: null } });
    t.expectStatus(r, 200);
    t.equal(r.json.keeper_id, null);
  }],

  ['warehouses: a taken code is 409 naming it; the code never changes', async (t) => {
    const tok = await t.admin();
    const w = await mkWarehouse(t);
    t.expectError(await t.req('POST', W, { token: tok, body: { code: w.code, name: 'again' } }), 409, 'conflict', 'code');
    t.expectError(await t.req('PATCH', `${W}/${w.id}`, { token: tok, body: { version: 1, code: 'NEW' } }),
      400, 'validation_failed', 'code', 'unknown');
  }],

  ['warehouses: PATCH with version; stale is 409 with the current record; audited before/after', async (t) => {
    const tok = await t.admin();
    const w = await mkWarehouse(t, { address: '旧地址' });
    const r = await t.req('PATCH', `${W}/${w.id}`, { token: tok, body: { version: 1, name: '改名后', address: null } });
    t.expectStatus(r, 200);
    t.equal(r.json.name, '改名后');
    t.equal(r.json.address, '', 'null clears an optional text');
    t.equal(r.json.version, 2);
    t.equal(r.json.code, w.code);
    const stale = await t.req('PATCH', `${W}/${w.id}`, { token: tok, body: { version: 1, name: '又改' } });
    t.expectError(stale, 409, 'conflict', 'version');
    t.equal(stale.json.error.details.current.name, '改名后', 'the 409 carries the current record');
    // If-Match instead of the body's version
    const im = await t.req('PATCH', `${W}/${w.id}`, { token: tok, body: { active: false }, headers: { 'If-Match': '2' } });
    t.expectStatus(im, 200);
    t.equal(im.json.active, false);
    const audit = t.expectStatus(await t.req('GET', `/api/v1/audit?entity=warehouse&entity_id=${w.id}`, { token: tok }), 200).json.items;
    t.deepEqual(audit.map((a) => a.action).sort(), ['create', 'update', 'update']);
    const first = audit.find((a) => a.action === 'update' && a.after && a.after.version === 2);
    t.ok(first, 'the update to version 2 is audited');
    t.equal(first.before.name, w.name);
    t.equal(first.after.name, '改名后');
  }],

  ['warehouses: declared filters and sort keys; keyset pages lose and repeat nothing; bad ones name the parameter', async (t) => {
    const tok = await t.admin();
    const mark = t.uniq('S');
    const made = [];
    for (const n of ['丙', '甲', '乙', '丁', '戊']) made.push(await mkWarehouse(t, { code: `${mark}-${made.length}`, name: `${mark}${n}` }));
    const closed = made[2];
    t.expectStatus(await t.req('PATCH', `${W}/${closed.id}`, { token: tok, body: { version: 1, active: false } }), 200);
    const ours = (items) => items.filter((x) => x.name.startsWith(mark));
    const byName = ours(await t.listAll(`${W}?sort=name`, tok, 2));
    t.deepEqual(byName.map((x) => x.name), made.map((x) => x.name).sort(), 'sort=name, pages of 2');
    const desc = ours(await t.listAll(`${W}?sort=-code`, tok, 2));
    t.deepEqual(desc.map((x) => x.code), made.map((x) => x.code).sort().reverse(), 'sort=-code');
    const active = ours(await t.listAll(`${W}?active=false`, tok));
    t.deepEqual(active.map((x) => x.id), [closed.id], 'active=false');
    const regional = ours(await t.listAll(`${W}?kind=regional&active=true`, tok));
    t.equal(regional.length, 4);
    t.expectError(await t.req('GET', `${W}?sort=address`, { token: tok }), 400, 'validation_failed', 'sort', 'not_allowed');
    t.expectError(await t.req('GET', `${W}?kind=cellar`, { token: tok }), 400, 'validation_failed', 'kind');
    t.expectError(await t.req('GET', `${W}?active=maybe`, { token: tok }), 400, 'validation_failed', 'active');
    t.expectError(await t.req('GET', `${W}?limit=201`, { token: tok }), 400, 'validation_failed', 'limit');
    t.expectError(await t.req('GET', `${W}?address=x`, { token: tok }), 400, 'validation_failed', 'address', 'unknown');
    t.expectError(await t.req('GET', `${W}?sort=name&cursor=id.5`, { token: tok }), 400, 'validation_failed', 'cursor');
  }],

  ['warehouses: idempotent create (one record for one key); read by staff, written by warehouse, closed to drivers and customers', async (t) => {
    const code = t.uniq('ID-');
    const key = t.uniq('key-');
    const post = (tok) => t.req('POST', W, { token: tok, body: { code, name: '幂等' }, headers: { 'Idempotency-Key': key } });
    const a = t.expectStatus(await post(await t.admin()), 201).json;
    const b = t.expectStatus(await post(await t.admin()), 201).json;
    t.equal(b.id, a.id, 'the same key answers the first create');
    const techTok = (await t.login('tech')).token;
    t.expectStatus(await t.req('GET', `${W}/${a.id}`, { token: techTok }), 200);
    t.expectError(await t.req('POST', W, { token: techTok, body: { code: t.uniq('T-'), name: 'x' } }), 403, 'forbidden');
    const wh = (await t.login('warehouse')).token;
    t.expectStatus(await t.req('PATCH', `${W}/${a.id}`, { token: wh, body: { version: 1, name: '仓库主管改' } }), 200);
    for (const who of ['driver', 'customer']) {
      const tok = (await t.login(who)).token;
      t.expectError(await t.req('GET', W, { token: tok }), 403, 'forbidden');
      t.expectError(await t.req('GET', `${W}/${a.id}`, { token: tok }), 403, 'forbidden');
    }
  }],

  ['OpenAPI: declared records give component schemas, create and update bodies and list parameters', async (t) => {
    const doc = t.expectStatus(await t.req('GET', '/api/v1/openapi.json'), 200).json;
    const s = doc.components.schemas;
    for (const name of ['Warehouse', 'Customer', 'ProductModel', 'Part']) t.ok(s[name], `schema ${name}`);
    t.deepEqual(Object.keys(s.Warehouse.properties), ['id', 'code', 'name', 'kind', 'department_id', 'keeper_id', 'address',
      'active', 'version', 'created_at', 'updated_at']);
    t.equal(s.Warehouse.properties.created_at.format, 'date-time');
    t.equal(s.Customer.properties.credit_notes.description.includes('staff only'), true);
    const post = doc.paths[W].post.requestBody.content['application/json'].schema;
    t.deepEqual(post.required, ['code', 'name']);
    t.equal(post.additionalProperties, false);
    t.equal(post.properties.name.maxLength, 100);
    t.ok(!('id' in post.properties) && !('version' in post.properties), 'read-only fields are not in the create body');
    const patch = doc.paths[`${W}/{id}`].patch.requestBody.content['application/json'].schema;
    t.ok('version' in patch.properties && !('code' in patch.properties), 'update: version, not the fixed code');
    const params = doc.paths[W].get.parameters.map((p) => p.name);
    t.deepEqual(params, ['limit', 'cursor', 'sort', 'kind', 'department_id', 'keeper_id', 'active', 'format', 'lang']);
    const fmt = doc.paths[W].get.parameters.find((p) => p.name === 'format');
    t.deepEqual(fmt.schema.enum, ['json', 'csv', 'xlsx'], 'a declared list is exported as CSV or Excel');
    t.equal(doc.paths[W].get.responses['200'].content['application/json'].schema.properties.items.items.$ref,
      '#/components/schemas/Warehouse');
    // nested records: a return form's lines are an array of objects, declared once
    const rt = doc.paths['/api/v1/returns'].post.requestBody.content['application/json'].schema;
    t.deepEqual(rt.required, ['kind', 'reason', 'lines']);
    t.equal(rt.properties.lines.type, 'array');
    t.equal(rt.properties.lines.maxItems, 200);
    t.equal(rt.properties.lines.items.$ref, '#/components/schemas/ReturnLine');
    t.deepEqual(s.ReturnLine.required, ['quantity', 'unit_price_fen']);
    t.equal(s.ReturnLine.additionalProperties, false);
    t.equal(s.ReturnLine.properties.unit_price_fen['x-type'], 'money');
    t.equal(s.ReturnLine.properties.quantity.minimum, 1);
  }],

  ['GET /api/v1/records: the declarations a user may read, with labels in both languages; internal fields only for staff', async (t) => {
    const staff = t.expectStatus(await t.req('GET', '/api/v1/records', { token: await t.admin() }), 200).json.items;
    const wh = staff.find((x) => x.record.name === 'warehouse');
    t.ok(wh, 'warehouses listed');
    t.equal(wh.path, W);
    t.equal(wh.read, 'warehouse.read');
    t.equal(wh.write, 'warehouse.manage');
    t.equal(wh.record.zh, '仓库');
    const kind = wh.record.fields.find((f) => f.key === 'kind');
    t.deepEqual([kind.type, kind.zh, kind.en, kind.default, kind.filter], ['enum', '类型', 'Kind', 'regional', true]);
    t.deepEqual(kind.values, ['central', 'regional', 'vehicle']);
    const name = wh.record.fields.find((f) => f.key === 'name');
    t.deepEqual([name.required, name.max, name.column, name.sort], [true, 100, true, true]);
    const cust = staff.find((x) => x.record.name === 'customer');
    t.ok(cust.record.fields.some((f) => f.key === 'credit_notes' && f.internal), 'staff see the internal fields');
    const mine = t.expectStatus(await t.req('GET', '/api/v1/records', { token: (await t.login('customer')).token }), 200).json.items;
    t.ok(!mine.some((x) => x.record.name === 'warehouse'), 'a customer user cannot read warehouses');
    const c = mine.find((x) => x.record.name === 'customer');
    t.ok(c && !c.record.fields.some((f) => f.key === 'credit_notes'), 'nor the internal fields');
  }],
];
