// Master data (SPEC §3): customers and contacts, product models, parts and
// bills of parts, contracts, sold units and their computed warranty, sales
// records, the price list, a customer's history, customer isolation, and
// CSV import through the API.

const J = (x) => JSON.stringify(x);

async function mkCustomer(t, extra = {}) {
  const code = extra.code || t.uniq('MC');
  const r = await t.req('POST', '/api/v1/customers', {
    token: await t.admin(), body: { code, name: `客户 ${code}`, ...extra },
  });
  t.expectStatus(r, 201, `create customer ${code}`);
  return r.json;
}

async function mkModel(t, extra = {}) {
  const model_no = extra.model_no || t.uniq('ZX-');
  const r = await t.req('POST', '/api/v1/product-models', {
    token: await t.admin(), body: { model_no, name: `机型 ${model_no}`, warranty_months: 12, ...extra },
  });
  t.expectStatus(r, 201, `create model ${model_no}`);
  return r.json;
}

async function mkPart(t, extra = {}) {
  const code = extra.code || t.uniq('P');
  const r = await t.req('POST', '/api/v1/parts', {
    token: await t.admin(), body: { code, name: `配件 ${code}`, price_fen: 1250, ...extra },
  });
  t.expectStatus(r, 201, `create part ${code}`);
  return r.json;
}

async function mkContract(t, customer_id, extra = {}) {
  const contract_no = extra.contract_no || t.uniq('HT-');
  const r = await t.req('POST', '/api/v1/contracts', {
    token: await t.admin(),
    body: { contract_no, customer_id, kind: 'sales', start_date: '2026-01-01', end_date: '2026-12-31', ...extra },
  });
  t.expectStatus(r, 201, `create contract ${contract_no}`);
  return r.json;
}

async function mkUnit(t, model_id, customer_id, extra = {}) {
  const serial = extra.serial || t.uniq('SN');
  const r = await t.req('POST', '/api/v1/units', {
    token: await t.admin(),
    body: { serial, model_id, customer_id, purchase_date: '2026-01-31', ...extra },
  });
  t.expectStatus(r, 201, `create unit ${serial}`);
  return r.json;
}

async function get(t, path, token) {
  return t.expectStatus(await t.req('GET', path, { token: token || await t.admin() }), 200).json;
}

async function warranty(t, unitId, on, token) {
  return get(t, `/api/v1/units/${unitId}/warranty?on=${on}`, token);
}

export const tests = [
  ['customers: create (201, Location, defaults), get, list by code', async (t) => {
    const c = await mkCustomer(t, { type: 'enterprise', region: '华北', phone: '010-88886666', distance_km: 1200,
      region_class: 'suburban', address: '北京市海淀区' });
    t.ok(Number.isInteger(c.id));
    t.equal(c.type, 'enterprise');
    t.equal(c.region_class, 'suburban');
    t.equal(c.distance_km, 1200);
    t.equal(c.active, true);
    t.equal(c.version, 1);
    const d = await mkCustomer(t);
    t.equal(d.type, 'dealer', 'default type');
    t.equal(d.region_class, 'urban', 'default region class');
    const r = await t.req('POST', '/api/v1/customers', { token: await t.admin(), body: { code: t.uniq('L'), name: 'x' } });
    t.expectStatus(r, 201);
    t.equal(r.headers.location, `/api/v1/customers/${r.json.id}`);
    t.deepEqual(await get(t, r.headers.location), r.json);
    const list = await get(t, `/api/v1/customers?q=${encodeURIComponent(c.code)}`);
    t.deepEqual(list.items.map((x) => x.id), [c.id]);
  }],

  ['customers: validation errors name the field; a taken code is 409', async (t) => {
    const tok = await t.admin();
    const post = (body) => t.req('POST', '/api/v1/customers', { token: tok, body });
    t.expectError(await post({ name: 'x' }), 400, 'validation_failed', 'code', 'required');
    t.expectError(await post({ code: t.uniq('V') }), 400, 'validation_failed', 'name', 'required');
    t.expectError(await post({ code: t.uniq('V'), name: 'x'.repeat(201) }), 400, 'validation_failed', 'name', 'too_long');
    // white space alone is not a name (any required text of any record): ASCII or the ideographic space
    t.expectError(await post({ code: t.uniq('V'), name: '   ' }), 400, 'validation_failed', 'name', 'required');
    t.expectError(await post({ code: t.uniq('V'), name: '\u3000\t' }), 400, 'validation_failed', 'name', 'required');
    t.expectError(await t.req('POST', '/api/v1/product-models', { token: tok, body: { model_no: t.uniq('ZX-'), name: ' ', warranty_months: 12 } }),
      400, 'validation_failed', 'name', 'required');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', type: 'wizard' }), 400, 'validation_failed', 'type', 'not_allowed');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', distance_km: -1 }), 400, 'validation_failed', 'distance_km');
    t.expectError(await post({ code: 'has space', name: 'x' }), 400, 'validation_failed', 'code');
    t.expectError(await post({ code: t.uniq('V'), name: 'x', colour: 'red' }), 400, 'validation_failed', 'colour', 'unknown');
    const c = await mkCustomer(t);
    const before = await t.auditTop();
    t.expectError(await post({ code: c.code, name: 'again' }), 409, 'conflict', 'code');
    t.equal(await t.auditTop(), before, 'a refused create wrote an audit row');
  }],

  ['customers: PATCH with version; a stale version is 409 with the current record; audited before/after', async (t) => {
    const tok = await t.admin();
    const c = await mkCustomer(t);
    const r = await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: tok, body: { version: 1, name: '改名后', credit_notes: '信用良好' } });
    t.expectStatus(r, 200);
    t.equal(r.json.name, '改名后');
    t.equal(r.json.version, 2);
    t.equal(r.json.code, c.code);
    const stale = await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: tok, body: { version: 1, name: '又改' } });
    const e = t.expectError(stale, 409, 'conflict', 'version');
    t.equal(e.details.current.name, '改名后');
    t.equal(e.details.current.version, 2);
    t.expectError(await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: tok, body: { name: 'x' } }),
      400, 'validation_failed', 'version', 'required');
    t.expectStatus(await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: tok, body: { active: false },
      headers: { 'If-Match': '"2"' } }), 200);
    t.expectError(await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: tok, body: { version: 3, code: 'NEW' } }),
      400, 'validation_failed', 'code', 'unknown');
    const audit = await get(t, `/api/v1/audit?entity=customer&entity_id=${c.id}`);
    t.equal(audit.items.length, 3);
    const upd = audit.items.find((a) => a.action === 'update' && a.after.version === 2);
    t.ok(upd, 'no update audit row');
    t.equal(upd.before.name, c.name);
    t.equal(upd.after.name, '改名后');
  }],

  ['customers: filters (q by Chinese name and phone, type, region, region_class, active) and sorted paging', async (t) => {
    const tag = t.uniq('F');
    const a = await mkCustomer(t, { code: `${tag}-A`, name: `漏水测试${tag}`, region: `R${tag}`, type: 'consumer', phone: '021-5550001' });
    const b = await mkCustomer(t, { code: `${tag}-B`, name: `异响测试${tag}`, region: `R${tag}`, region_class: 'suburban' });
    const c = await mkCustomer(t, { code: `${tag}-C`, name: `甲乙${tag}`, region: `R${tag}` });
    const ids = (l) => l.items.map((x) => x.id);
    t.deepEqual(ids(await get(t, `/api/v1/customers?q=${encodeURIComponent('漏水')}&region=R${tag}`)), [a.id]);
    t.deepEqual(ids(await get(t, `/api/v1/customers?q=5550001`)), [a.id]);
    t.deepEqual(ids(await get(t, `/api/v1/customers?region=R${tag}&type=consumer`)), [a.id]);
    t.deepEqual(ids(await get(t, `/api/v1/customers?region=R${tag}&region_class=suburban`)), [b.id]);
    t.deepEqual(ids(await get(t, `/api/v1/customers?region=R${tag}`)), [a.id, b.id, c.id]);
    t.deepEqual(ids(await get(t, `/api/v1/customers?region=R${tag}&sort=-code`)), [c.id, b.id, a.id]);
    // a contact's phone finds its customer
    t.expectStatus(await t.req('POST', `/api/v1/customers/${c.id}/contacts`, { token: await t.admin(),
      body: { name: '赵六', phone: `139${tag.length}77${tag.length}0042` } }), 201);
    t.deepEqual(ids(await get(t, `/api/v1/customers?q=77${tag.length}0042&region=R${tag}`)), [c.id]);
    // paging by name, one at a time, gives every row once in order
    const pages = await t.listAll(`/api/v1/customers?region=R${tag}&sort=name`, null, 1);
    const names = pages.map((x) => x.name);
    t.deepEqual(names, [...names].sort((x, y) => (Buffer.from(x) < Buffer.from(y) ? -1 : 1)));
    t.equal(new Set(pages.map((x) => x.id)).size, 3);
    const desc = await t.listAll(`/api/v1/customers?region=R${tag}&sort=-id`, null, 2);
    t.deepEqual(desc.map((x) => x.id), [c.id, b.id, a.id]);
    t.expectError(await t.req('GET', '/api/v1/customers?sort=colour', { token: await t.admin() }), 400, 'validation_failed', 'sort');
    t.expectError(await t.req('GET', '/api/v1/customers?cursor=bogus', { token: await t.admin() }), 400, 'validation_failed', 'cursor');
    t.expectError(await t.req('GET', '/api/v1/customers?limit=201', { token: await t.admin() }), 400, 'validation_failed', 'limit');
    t.expectError(await t.req('GET', '/api/v1/customers?colour=1', { token: await t.admin() }), 400, 'validation_failed', 'colour');
    t.expectError(await t.req('GET', '/api/v1/customers?active=maybe', { token: await t.admin() }), 400, 'validation_failed', 'active');
  }],

  ['contacts: add, one primary at a time, change, delete', async (t) => {
    const tok = await t.admin();
    const c = await mkCustomer(t);
    const base = `/api/v1/customers/${c.id}/contacts`;
    const a = t.expectStatus(await t.req('POST', base, { token: tok, body: { name: '王经理', phone: '13800000001', is_primary: true } }), 201).json;
    t.equal(a.is_primary, true);
    t.equal(a.customer_id, c.id);
    const b = t.expectStatus(await t.req('POST', base, { token: tok, body: { name: '李工', email: 'li@example.com', is_primary: true } }), 201).json;
    let list = (await get(t, base)).items;
    t.deepEqual(list.map((x) => [x.id, x.is_primary]), [[b.id, true], [a.id, false]]);
    t.expectError(await t.req('POST', base, { token: tok, body: { name: 'x', email: 'not-an-email' } }), 400, 'validation_failed', 'email');
    t.expectError(await t.req('POST', base, { token: tok, body: { phone: '1' } }), 400, 'validation_failed', 'name', 'required');
    const a2 = (await get(t, base)).items.find((x) => x.id === a.id);
    const r = t.expectStatus(await t.req('PATCH', `${base}/${a.id}`, { token: tok, body: { version: a2.version, title: '总经理', is_primary: true } }), 200).json;
    t.equal(r.title, '总经理');
    list = (await get(t, base)).items;
    t.deepEqual(list.filter((x) => x.is_primary).map((x) => x.id), [a.id]);
    t.expectError(await t.req('PATCH', `${base}/${a.id}`, { token: tok, body: { version: 1, title: 'x' } }), 409, 'conflict');
    t.expectStatus(await t.req('DELETE', `${base}/${b.id}`, { token: tok }), 204);
    t.deepEqual((await get(t, base)).items.map((x) => x.id), [a.id]);
    t.expectError(await t.req('DELETE', `${base}/${b.id}`, { token: tok }), 404, 'not_found');
    // a contact of another customer is not reachable through this one
    const other = await mkCustomer(t);
    t.expectError(await t.req('DELETE', `/api/v1/customers/${other.id}/contacts/${a.id}`, { token: tok }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/customers/999999999/contacts', { token: tok }), 404, 'not_found');
  }],

  ['isolation: the customer user sees only its own company (404, not 403, for others)', async (t) => {
    const cust = await t.login('customer');
    t.equal(cust.user.customer_id, 1);
    const list = await get(t, '/api/v1/customers', cust.token);
    t.deepEqual(list.items.map((c) => c.id), [1]);
    t.deepEqual((await get(t, '/api/v1/customers?q=C0002', cust.token)).items, []);
    t.equal((await get(t, '/api/v1/customers/1', cust.token)).code, 'C0001');
    t.expectError(await t.req('GET', '/api/v1/customers/2', { token: cust.token }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/customers/999999', { token: cust.token }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/customers/2/history', { token: cust.token }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/customers/2/contacts', { token: cust.token }), 404, 'not_found');
    // units: only its own, in lists and one by one
    const m = await mkModel(t);
    const mine = await mkUnit(t, m.id, 1);
    const theirs = await mkUnit(t, m.id, 2);
    const units = await t.listAll(`/api/v1/units?model_id=${m.id}`, cust.token);
    t.deepEqual(units.map((u) => u.id), [mine.id]);
    t.deepEqual((await get(t, `/api/v1/units?model_id=${m.id}&customer_id=2`, cust.token)).items, []);
    t.equal((await get(t, `/api/v1/units/${mine.id}`, cust.token)).serial, mine.serial);
    t.expectError(await t.req('GET', `/api/v1/units/${theirs.id}`, { token: cust.token }), 404, 'not_found');
    t.expectError(await t.req('GET', `/api/v1/units/${theirs.id}/warranty`, { token: cust.token }), 404, 'not_found');
    const h = await get(t, '/api/v1/customers/1/history', cust.token);
    t.ok(h.units.some((u) => u.id === mine.id));
    t.ok(!h.units.some((u) => u.id === theirs.id));
    // staff see both
    t.equal((await get(t, `/api/v1/units?model_id=${m.id}`)).items.length, 2);
    // the matrix: no writes for the customer role, no contracts or sales
    t.expectError(await t.req('PATCH', '/api/v1/customers/1', { token: cust.token, body: { version: 1, name: 'x' } }), 403, 'forbidden');
    t.expectError(await t.req('GET', '/api/v1/contracts', { token: cust.token }), 403, 'forbidden');
    t.expectError(await t.req('GET', '/api/v1/sales', { token: cust.token }), 403, 'forbidden');
  }],

  ['product models, parts and the bill of parts', async (t) => {
    const tok = await t.admin();
    const p1 = await mkPart(t, { unit: '套', reorder_point: 5 });
    const p2 = await mkPart(t);
    t.equal(p1.unit, '套');
    t.equal(p2.unit, '个', 'default unit');
    const m = await mkModel(t, { category: '空调', warranty_months: 18 });
    t.equal(m.warranty_months, 18);
    t.equal((await mkModel(t, { warranty_months: undefined })).warranty_months, 12, 'default 12 months');
    t.expectError(await t.req('POST', '/api/v1/product-models', { token: tok, body: { model_no: t.uniq('X'), name: 'x', warranty_months: 241 } }),
      400, 'validation_failed', 'warranty_months');
    t.expectError(await t.req('POST', '/api/v1/product-models', { token: tok, body: { model_no: m.model_no, name: 'x' } }),
      409, 'conflict', 'model_no');
    t.expectError(await t.req('POST', '/api/v1/product-models', { token: tok, body: { model_no: t.uniq('X'), name: 'x', business_unit_id: 999999 } }),
      400, 'validation_failed', 'business_unit_id');
    const bom = `/api/v1/product-models/${m.id}/parts`;
    t.deepEqual((await get(t, bom)).parts, []);
    const r = t.expectStatus(await t.req('PUT', bom, { token: tok, body: { version: 1, parts: [{ part_id: p1.id, quantity: 2 }, { part_id: p2.id, quantity: 1 }] } }), 200).json;
    t.equal(r.version, 2);
    t.deepEqual(r.parts.map((l) => [l.part_id, l.quantity]).sort(), [[p1.id, 2], [p2.id, 1]].sort());
    t.deepEqual((await get(t, bom)).parts, r.parts);
    t.expectError(await t.req('PUT', bom, { token: tok, body: { version: 1, parts: [] } }), 409, 'conflict', 'version');
    t.expectError(await t.req('PUT', bom, { token: tok, body: { version: 2, parts: [{ part_id: p1.id, quantity: 1 }, { part_id: p1.id, quantity: 1 }] } }),
      400, 'validation_failed', 'parts[1].part_id', 'duplicate');
    t.expectError(await t.req('PUT', bom, { token: tok, body: { version: 2, parts: [{ part_id: 999999, quantity: 1 }] } }),
      400, 'validation_failed', 'parts[0].part_id', 'not_found');
    t.expectError(await t.req('PUT', bom, { token: tok, body: { version: 2, parts: [{ part_id: p1.id, quantity: 0 }] } }),
      400, 'validation_failed', 'parts[0].quantity');
    t.expectError(await t.req('PUT', bom, { token: tok, body: { version: 2, parts: [{ part_id: p1.id }] } }),
      400, 'validation_failed', 'parts[0].quantity', 'required');
    t.expectError(await t.req('PUT', bom, { token: tok, body: { version: 2, parts: [{ part_id: p1.id, quantity: 1, x: 1 }] } }),
      400, 'validation_failed', 'parts[0].x', 'unknown');
    t.expectStatus(await t.req('PUT', bom, { token: tok, body: { version: 2, parts: [] } }), 200);
    // parts: change, stale, list filter
    const pu = t.expectStatus(await t.req('PATCH', `/api/v1/parts/${p1.id}`, { token: tok, body: { version: 1, price_fen: 9900 } }), 200).json;
    t.equal(pu.price_fen, 9900);
    t.expectError(await t.req('PATCH', `/api/v1/parts/${p1.id}`, { token: tok, body: { version: 1, price_fen: 1 } }), 409, 'conflict');
    t.deepEqual((await get(t, `/api/v1/parts?q=${p1.code}`)).items.map((x) => x.id), [p1.id]);
    // who may: technicians read, do not manage
    const tech = (await t.login('tech')).token;
    t.expectStatus(await t.req('GET', `/api/v1/product-models/${m.id}`, { token: tech }), 200);
    t.expectError(await t.req('PATCH', `/api/v1/product-models/${m.id}`, { token: tech, body: { version: 1, name: 'x' } }), 403, 'forbidden');
  }],

  ['warranty: computed from purchase date + model months; last day in, the day after out', async (t) => {
    const tok = await t.admin();
    const cust = await mkCustomer(t);
    const m = await mkModel(t, { warranty_months: 12 });
    const u = await mkUnit(t, m.id, cust.id, { purchase_date: '2026-01-31' });
    t.equal(u.warranty_end, '2027-01-30');
    let v = await warranty(t, u.id, '2027-01-30');
    t.equal(v.in_warranty, true);
    t.equal(v.warranty_end, '2027-01-30');
    t.equal(v.source, 'model');
    t.equal(v.months, 12);
    t.match(v.rule, new RegExp(`2026-01-31 \\+ 12 months \\(model ${m.model_no}\\)`));
    v = await warranty(t, u.id, '2027-01-31');
    t.equal(v.in_warranty, false);
    // never typed: warranty_end is not an input
    t.expectError(await t.req('POST', '/api/v1/units', { token: tok, body: { serial: t.uniq('S'), model_id: m.id, customer_id: cust.id,
      purchase_date: '2026-01-01', warranty_end: '2030-01-01' } }), 400, 'validation_failed', 'warranty_end', 'unknown');
    t.expectError(await t.req('PATCH', `/api/v1/units/${u.id}`, { token: tok, body: { version: 1, warranty_end: '2030-01-01' } }),
      400, 'validation_failed', 'warranty_end', 'unknown');
    // a new purchase date recomputes it
    const u2 = t.expectStatus(await t.req('PATCH', `/api/v1/units/${u.id}`, { token: tok, body: { version: 1, purchase_date: '2024-02-29' } }), 200).json;
    t.equal(u2.warranty_end, '2025-02-27');
    t.equal(u2.in_warranty, false);
    // the model's months change: its units follow
    t.expectStatus(await t.req('PATCH', `/api/v1/product-models/${m.id}`, { token: tok, body: { version: 1, warranty_months: 36 } }), 200);
    t.equal((await get(t, `/api/v1/units/${u.id}`)).warranty_end, '2027-02-27');
    t.expectError(await t.req('GET', `/api/v1/units/${u.id}/warranty?on=2027-02-30`, { token: tok }), 400, 'validation_failed', 'on');
    t.expectError(await t.req('POST', '/api/v1/units', { token: tok, body: { serial: t.uniq('S'), model_id: m.id, customer_id: cust.id,
      purchase_date: '2026-02-30' } }), 400, 'validation_failed', 'purchase_date');
    t.expectError(await t.req('POST', '/api/v1/units', { token: tok, body: { serial: u.serial, model_id: m.id, customer_id: cust.id,
      purchase_date: '2026-01-01' } }), 409, 'conflict', 'serial');
    t.expectError(await t.req('POST', '/api/v1/units', { token: tok, body: { serial: t.uniq('S'), model_id: 999999, customer_id: cust.id,
      purchase_date: '2026-01-01' } }), 400, 'validation_failed', 'model_id');
    t.expectError(await t.req('POST', '/api/v1/units', { token: tok, body: { serial: t.uniq('S'), model_id: m.id, customer_id: cust.id,
      purchase_date: '2026-03-01', delivery_date: '2026-02-01' } }), 400, 'validation_failed', 'delivery_date');
  }],

  ['warranty: a sales contract overrides the months; changing them recomputes its units', async (t) => {
    const tok = await t.admin();
    const cust = await mkCustomer(t);
    const m = await mkModel(t, { warranty_months: 12 });
    const k = await mkContract(t, cust.id, { warranty_months: 24, exchange_ratio_limit_bp: 500, exchange_days_limit: 90 });
    t.equal(k.warranty_months, 24);
    t.equal(k.exchange_ratio_limit_bp, 500);
    const u = await mkUnit(t, m.id, cust.id, { contract_id: k.id, purchase_date: '2026-01-31' });
    t.equal(u.contract_no, k.contract_no);
    t.equal(u.warranty_end, '2028-01-30');
    let v = await warranty(t, u.id, '2028-01-30');
    t.equal(v.in_warranty, true);
    t.equal(v.source, 'contract');
    t.match(v.rule, new RegExp(`contract ${k.contract_no} overrides model ${m.model_no}'s 12 months`));
    t.equal((await warranty(t, u.id, '2028-01-31')).in_warranty, false);
    // the contract's months change: the unit follows in the same write
    const k2 = t.expectStatus(await t.req('PATCH', `/api/v1/contracts/${k.id}`, { token: tok, body: { version: 1, warranty_months: 6 } }), 200).json;
    t.equal(k2.warranty_months, 6);
    const u2 = await get(t, `/api/v1/units/${u.id}`);
    t.equal(u2.warranty_end, '2026-07-30');
    t.equal(u2.version, 2);
    // null removes the override: the model's 12 months again
    t.expectStatus(await t.req('PATCH', `/api/v1/contracts/${k.id}`, { token: tok, body: { version: 2, warranty_months: null } }), 200);
    v = await warranty(t, u.id, '2027-01-30');
    t.equal(v.in_warranty, true);
    t.equal(v.source, 'model');
    t.equal((await get(t, `/api/v1/contracts/${k.id}`)).warranty_months, null);
    // a unit cannot name another customer's contract, nor a maintenance one
    const other = await mkCustomer(t);
    t.expectError(await t.req('POST', '/api/v1/units', { token: tok, body: { serial: t.uniq('S'), model_id: m.id, customer_id: other.id,
      contract_id: k.id, purchase_date: '2026-01-01' } }), 400, 'validation_failed', 'contract_id');
    const mk = await mkContract(t, cust.id, { kind: 'maintenance', price_fen: 500000, visits_per_year: 4 });
    t.expectError(await t.req('POST', '/api/v1/units', { token: tok, body: { serial: t.uniq('S'), model_id: m.id, customer_id: cust.id,
      contract_id: mk.id, purchase_date: '2026-01-01' } }), 400, 'validation_failed', 'contract_id');
  }],

  ['contracts: sales vs maintenance terms, covered units, filters, 409', async (t) => {
    const tok = await t.admin();
    const cust = await mkCustomer(t);
    const other = await mkCustomer(t);
    const m = await mkModel(t);
    const post = (body) => t.req('POST', '/api/v1/contracts', { token: tok, body: { contract_no: t.uniq('HT'), customer_id: cust.id,
      kind: 'maintenance', start_date: '2026-01-01', end_date: '2026-12-31', ...body } });
    t.expectError(await post({ warranty_months: 24 }), 400, 'validation_failed', 'warranty_months', 'not_allowed');
    t.expectError(await post({ kind: 'sales', visits_per_year: 4 }), 400, 'validation_failed', 'visits_per_year', 'not_allowed');
    t.expectError(await post({ end_date: '2025-12-31' }), 400, 'validation_failed', 'end_date');
    t.expectError(await post({ start_date: '2026/13/01' }), 400, 'validation_failed', 'start_date');
    t.expectError(await post({ kind: 'lease' }), 400, 'validation_failed', 'kind');
    t.expectError(await post({ customer_id: 999999 }), 400, 'validation_failed', 'customer_id');
    t.expectError(await post({ kind: 'sales', exchange_ratio_limit_bp: 10001 }), 400, 'validation_failed', 'exchange_ratio_limit_bp');
    const k = t.expectStatus(await post({ price_fen: 1200000, visits_per_year: 2, notes: '每年两次保养' }), 201).json;
    t.deepEqual(k.unit_ids, []);
    const u1 = await mkUnit(t, m.id, cust.id);
    const u2 = await mkUnit(t, m.id, cust.id);
    const u3 = await mkUnit(t, m.id, other.id);
    const units = `/api/v1/contracts/${k.id}/units`;
    const r = t.expectStatus(await t.req('PUT', units, { token: tok, body: { version: 1, unit_ids: [u2.id, u1.id] } }), 200).json;
    t.deepEqual(r.unit_ids, [u1.id, u2.id].sort((a, b) => a - b));
    t.equal(r.version, 2);
    t.expectError(await t.req('PUT', units, { token: tok, body: { version: 2, unit_ids: [u3.id] } }), 400, 'validation_failed', 'unit_ids[0]');
    t.expectError(await t.req('PUT', units, { token: tok, body: { version: 2, unit_ids: [u1.id, u1.id] } }), 400, 'validation_failed', 'unit_ids[1]');
    t.expectError(await t.req('PUT', units, { token: tok, body: { version: 1, unit_ids: [] } }), 409, 'conflict');
    // the covered units are listed by contract
    t.deepEqual((await get(t, `/api/v1/units?contract_id=${k.id}`)).items.map((u) => u.id).sort(), [u1.id, u2.id].sort());
    // a covered unit cannot move to another customer
    t.expectError(await t.req('PATCH', `/api/v1/units/${u1.id}`, { token: tok, body: { version: 1, customer_id: other.id } }),
      400, 'validation_failed', 'customer_id');
    const s = await mkContract(t, cust.id, { start_date: '2025-01-01', end_date: '2025-12-31' });
    t.expectError(await t.req('PUT', `/api/v1/contracts/${s.id}/units`, { token: tok, body: { version: 1, unit_ids: [u1.id] } }),
      400, 'validation_failed', 'unit_ids');
    const ids = (l) => l.items.map((x) => x.id);
    t.deepEqual(ids(await get(t, `/api/v1/contracts?customer_id=${cust.id}&sort=start_date`)), [s.id, k.id]);
    t.deepEqual(ids(await get(t, `/api/v1/contracts?customer_id=${cust.id}&kind=maintenance`)), [k.id]);
    t.deepEqual(ids(await get(t, `/api/v1/contracts?customer_id=${cust.id}&active_on=2025-06-01`)), [s.id]);
    t.expectError(await t.req('PATCH', `/api/v1/contracts/${k.id}`, { token: tok, body: { version: 2, kind: 'sales' } }),
      400, 'validation_failed', 'kind', 'unknown');
    // finance manages contracts; an agent may not even read them
    t.expectStatus(await t.req('GET', `/api/v1/contracts/${k.id}`, { token: (await t.login('finance')).token }), 200);
    t.expectError(await t.req('GET', `/api/v1/contracts/${k.id}`, { token: (await t.login('agent')).token }), 403, 'forbidden');
  }],

  ['sales records: create, list by customer and date range, no update, delete by admin only (audited)', async (t) => {
    const fin = (await t.login('finance')).token;
    const cust = await mkCustomer(t);
    const m = await mkModel(t);
    const mk = (body) => t.req('POST', '/api/v1/sales', { token: fin, body: { customer_id: cust.id, ...body } });
    const a = t.expectStatus(await mk({ sale_date: '2026-01-15', amount_fen: 100000, quantity: 10, model_id: m.id, reference: 'XS-1' }), 201).json;
    const b = t.expectStatus(await mk({ sale_date: '2026-03-01', amount_fen: 50000, quantity: 5 }), 201).json;
    const c = t.expectStatus(await mk({ sale_date: '2025-12-31', amount_fen: 7000 }), 201).json;
    t.equal(a.model_no, m.model_no);
    t.equal(a.customer_code, cust.code);
    t.expectError(await mk({ sale_date: '2026-01-16', amount_fen: 1, reference: 'XS-1' }), 409, 'conflict', 'reference');
    t.expectError(await mk({ sale_date: '2026-13-01', amount_fen: 1 }), 400, 'validation_failed', 'sale_date');
    t.expectError(await mk({ sale_date: '2026-01-01' }), 400, 'validation_failed', 'amount_fen', 'required');
    t.expectError(await mk({ sale_date: '2026-01-01', amount_fen: -5 }), 400, 'validation_failed', 'amount_fen');
    const ids = (l) => l.items.map((x) => x.id);
    t.deepEqual(ids(await get(t, `/api/v1/sales?customer_id=${cust.id}`, fin)), [a.id, b.id, c.id]);
    t.deepEqual(ids(await get(t, `/api/v1/sales?customer_id=${cust.id}&from=2026-01-01&to=2026-01-31`, fin)), [a.id]);
    t.deepEqual(ids(await get(t, `/api/v1/sales?customer_id=${cust.id}&sort=sale_date`, fin)), [c.id, a.id, b.id]);
    t.deepEqual(ids(await get(t, `/api/v1/sales?customer_id=${cust.id}&to=2026-01-15&sort=-sale_date`, fin)), [a.id, c.id]);
    t.expectError(await t.req('PATCH', `/api/v1/sales/${a.id}`, { token: fin, body: { amount_fen: 1 } }), 405, 'method_not_allowed');
    t.expectError(await t.req('DELETE', `/api/v1/sales/${a.id}`, { token: fin }), 403, 'forbidden');
    t.expectStatus(await t.req('DELETE', `/api/v1/sales/${a.id}`, { token: await t.admin() }), 204);
    t.expectError(await t.req('GET', `/api/v1/sales/${a.id}`, { token: fin }), 404, 'not_found');
    const audit = await get(t, `/api/v1/audit?entity=sales_record&entity_id=${a.id}&action=delete`);
    t.equal(audit.items.length, 1);
    t.equal(audit.items[0].before.amount_fen, 100000);
    t.equal(audit.items[0].after, null);
    // the history sums them up
    const h = await get(t, `/api/v1/customers/${cust.id}/history`);
    t.equal(h.sales.count, 2);
    t.equal(h.sales.amount_fen, 57000);
    t.deepEqual(h.sales.by_year.map((y) => [y.year, y.amount_fen]), [[2025, 7000], [2026, 50000]]);
  }],

  ['price list: kinds, a part item names its part, who may change it', async (t) => {
    const fin = (await t.login('finance')).token;
    const p = await mkPart(t);
    const mk = (body) => t.req('POST', '/api/v1/prices', { token: fin, body: { code: t.uniq('PR'), name: '上门费', price_fen: 20000, ...body } });
    const onsite = t.expectStatus(await mk({ kind: 'onsite' }), 201).json;
    t.equal(onsite.unit, '次');
    t.equal(onsite.part_id, null);
    t.expectError(await mk({ kind: 'part' }), 400, 'validation_failed', 'part_id', 'required');
    t.expectError(await mk({ kind: 'labour', part_id: p.id }), 400, 'validation_failed', 'part_id', 'not_allowed');
    t.expectError(await mk({ kind: 'gift' }), 400, 'validation_failed', 'kind');
    const pi = t.expectStatus(await mk({ kind: 'part', part_id: p.id, unit: '个' }), 201).json;
    t.equal(pi.part_id, p.id);
    const u = t.expectStatus(await t.req('PATCH', `/api/v1/prices/${onsite.id}`, { token: fin, body: { version: 1, price_fen: 25000 } }), 200).json;
    t.equal(u.price_fen, 25000);
    t.deepEqual((await get(t, `/api/v1/prices?q=${onsite.code}`)).items.map((x) => x.id), [onsite.id]);
    t.ok((await get(t, '/api/v1/prices?kind=part&limit=200')).items.every((x) => x.kind === 'part'));
    // the customer portal reads the price list; agents may not change it
    t.expectStatus(await t.req('GET', `/api/v1/prices/${onsite.id}`, { token: (await t.login('customer')).token }), 200);
    t.expectError(await t.req('PATCH', `/api/v1/prices/${onsite.id}`, { token: (await t.login('agent')).token, body: { version: 2, price_fen: 1 } }),
      403, 'forbidden');
  }],

  ['history: customer, contacts, units with a warranty verdict, contracts, sales, requests', async (t) => {
    const cust = await mkCustomer(t);
    const m = await mkModel(t, { warranty_months: 12 });
    const k = await mkContract(t, cust.id, { warranty_months: 24 });
    const u = await mkUnit(t, m.id, cust.id, { contract_id: k.id, purchase_date: '2026-01-31' });
    t.expectStatus(await t.req('POST', `/api/v1/customers/${cust.id}/contacts`, { token: await t.admin(), body: { name: '钱七' } }), 201);
    const h = await get(t, `/api/v1/customers/${cust.id}/history?on=2028-01-31`);
    t.equal(h.as_of, '2028-01-31');
    t.equal(h.customer.id, cust.id);
    t.deepEqual(h.contacts.map((c) => c.name), ['钱七']);
    t.equal(h.units.length, 1);
    t.equal(h.units_total, 1);
    t.equal(h.units[0].id, u.id);
    t.equal(h.units[0].warranty.in_warranty, false);
    t.equal(h.units[0].warranty.source, 'contract');
    t.equal(h.units[0].warranty.on_date, '2028-01-31');
    t.deepEqual(h.contracts.map((c) => c.id), [k.id]);
    t.equal(h.sales.count, 0);
    t.ok(Array.isArray(h.requests), 'history.requests must be an array');
    t.equal((await get(t, `/api/v1/customers/${cust.id}/history?on=2028-01-30`)).units[0].warranty.in_warranty, true);
    t.expectError(await t.req('GET', `/api/v1/customers/${cust.id}/history?on=tomorrow`, { token: await t.admin() }),
      400, 'validation_failed', 'on');
    t.expectError(await t.req('GET', '/api/v1/customers/999999999/history', { token: await t.admin() }), 404, 'not_found');
  }],

  ['import: a bad row imports nothing and names its line; skip_bad imports the good rows', async (t) => {
    const tok = await t.admin();
    const tag = t.uniq('IMP');
    const csv = '\uFEFF客户编码,客户名称,客户类型,区域,联系人,联系电话,关系备注\r\n'
      + `${tag}-1,"华信, 北京",经销商,${tag},王经理,13800000001,\r\n`
      + `${tag}-2,上海东方,enterprise,${tag},,,"多行\n""备注"""\r\n`
      + `${tag}-3,,dealer,${tag},,,\r\n`
      + `${tag}-4,好客户,wizard,${tag},,,\r\n`;
    const before = await t.auditTop();
    const bad = await t.req('POST', '/api/v1/import/customers', { token: tok, body: { csv } });
    const e = t.expectError(bad, 422, 'unprocessable', 'csv', 'bad_rows');
    t.equal(e.details.imported, 0);
    t.equal(e.details.error_count, 2);
    t.deepEqual(e.details.errors.map((x) => [x.line, x.field, x.reason]), [[5, '客户名称', 'required'], [6, '客户类型', 'not_allowed']]);
    t.equal(await t.auditTop(), before, 'a refused import wrote something');
    t.deepEqual((await get(t, `/api/v1/customers?region=${tag}`)).items, []);
    const ok = t.expectStatus(await t.req('POST', '/api/v1/import/customers?skip_bad=true', { token: tok, body: { csv } }), 200).json;
    t.equal(ok.imported, 2);
    t.equal(ok.skipped, 2);
    t.equal(ok.rows, 4);
    t.deepEqual(ok.errors.map((x) => x.line), [5, 6]);
    const got = (await get(t, `/api/v1/customers?region=${tag}&sort=code`)).items;
    t.deepEqual(got.map((c) => [c.code, c.name, c.type, c.relationship_notes]),
      [[`${tag}-1`, '华信, 北京', 'dealer', ''], [`${tag}-2`, '上海东方', 'enterprise', '多行\n"备注"']]);
    const contacts = (await get(t, `/api/v1/customers/${got[0].id}/contacts`)).items;
    t.deepEqual(contacts.map((c) => [c.name, c.phone, c.is_primary]), [['王经理', '13800000001', true]]);
    // once more: the codes are taken, nothing new
    const again = t.expectStatus(await t.req('POST', '/api/v1/import/customers?skip_bad=true', { token: tok, body: { csv } }), 200).json;
    t.equal(again.imported, 0);
    t.equal(again.errors[0].reason, 'taken');
  }],

  ['import: models, parts, units and sales by codes; header and permission errors', async (t) => {
    const tok = await t.admin();
    const tag = t.uniq('IK');
    const post = (kind, csv, q = '', token = tok) => t.req('POST', `/api/v1/import/${kind}${q}`, { token, body: { csv } });
    t.equal(t.expectStatus(await post('models', `model_no,name,warranty_months,category\n${tag}-M,导入机型,6,${tag}\n`), 200).json.imported, 1);
    t.equal(t.expectStatus(await post('parts', `配件编码,名称,单价,单位\n${tag}-P,导入配件,12.5,个\n`), 200).json.imported, 1);
    const part = (await get(t, `/api/v1/parts?q=${tag}-P`)).items[0];
    t.equal(part.price_fen, 1250);
    const cust = await mkCustomer(t, { code: `${tag}-C` });
    const units = `序列号,型号,客户编码,购买日期,金额\n${tag}-S1,${tag}-M,${tag}-C,2026-01-31,1999.00\n${tag}-S2,${tag}-M,NOPE-${tag},2026/2/1,1\n`;
    const bad = t.expectError(await post('units', units), 422, 'unprocessable');
    t.deepEqual(bad.details.errors.map((x) => [x.line, x.field, x.reason]), [[3, '客户编码', 'not_found']]);
    t.equal(t.expectStatus(await post('units', units, '?skip_bad=true'), 200).json.imported, 1);
    const u = (await get(t, `/api/v1/units?serial=${tag}-S`)).items;
    t.equal(u.length, 1);
    t.equal(u[0].warranty_end, '2026-07-30');
    t.equal(u[0].amount_fen, 199900);
    t.equal(u[0].customer_id, cust.id);
    const sales = `customer_code,sale_date,amount,quantity,reference\n${tag}-C,2026-02-01,100.50,2,R1\n${tag}-C,2026-02-02,20,1,R2\n`;
    t.equal(t.expectStatus(await post('sales', sales), 200).json.imported, 2);
    t.equal((await get(t, `/api/v1/customers/${cust.id}/history`)).sales.amount_fen, 12050);
    // header problems: unknown, missing, both amount and amount_fen
    t.expectError(await post('parts', 'code,name,colour\nx,y,z\n', '?skip_bad=true'), 422, 'unprocessable');
    const miss = t.expectError(await post('units', 'serial,model_no\nx,y\n'), 422, 'unprocessable');
    t.deepEqual(miss.details.errors.map((x) => x.field).sort(), ['customer_code', 'purchase_date']);
    t.expectError(await post('sales', 'customer_code,sale_date,amount,amount_fen\nx,2026-01-01,1,100\n'), 422, 'unprocessable');
    t.expectError(await post('nothing', 'a\n'), 404, 'not_found');
    t.expectError(await post('customers', 'code,name\nX,Y\n', '?skip_bad=maybe'), 400, 'validation_failed', 'skip_bad');
    t.expectError(await t.req('POST', '/api/v1/import/customers', { token: tok, body: {} }), 400, 'validation_failed', 'csv', 'required');
    // import.run: not for agents; finance may import sales but not customers
    t.expectError(await post('customers', 'code,name\nX,Y\n', '', (await t.login('agent')).token), 403, 'forbidden');
    const fin = (await t.login('finance')).token;
    t.expectError(await post('customers', `code,name\n${tag}-F,Y\n`, '', fin), 403, 'forbidden');
    t.expectStatus(await post('sales', `customer_code,sale_date,amount_fen\n${tag}-C,2026-03-01,5\n`, '', fin), 200);
  }],

  ['import: the import is audited row by row and summed up', async (t) => {
    const tok = await t.admin();
    const tag = t.uniq('IA');
    const before = await t.auditTop();
    t.expectStatus(await t.req('POST', '/api/v1/import/parts', { token: tok, body: { csv: `code,name\n${tag}-1,a\n${tag}-2,b\n` } }), 200);
    const rows = (await get(t, '/api/v1/audit?limit=10')).items.filter((a) => a.id > before);
    t.deepEqual(rows.map((a) => [a.action, a.entity]).sort(), [['create', 'part'], ['create', 'part'], ['import', 'import']].sort());
    const sum = rows.find((a) => a.action === 'import');
    t.deepEqual(sum.after, { kind: 'parts', rows: 2, imported: 2, skipped: 0 });
    t.equal(sum.username, 'admin');
  }],

  ['internal fields: a customer user never sees its credit or relationship notes, nor sets them', async (t) => {
    const admin = await t.admin();
    const c = await mkCustomer(t, { credit_notes: '信用一般, 需预付', relationship_notes: '老板难沟通' });
    const u = await t.createUser({ roles: ['customer'], customer_id: c.id });
    const cust = (await t.login(u.username, u.password)).token;
    const internal = (x) => ['credit_notes', 'relationship_notes'].filter((k) => k in x);
    // staff see them
    const staff = t.expectStatus(await t.req('GET', `/api/v1/customers/${c.id}`, { token: admin }), 200).json;
    t.equal(staff.credit_notes, '信用一般, 需预付');
    t.equal(staff.relationship_notes, '老板难沟通');
    // the customer user: not in its record, its list, its history
    const one = t.expectStatus(await t.req('GET', `/api/v1/customers/${c.id}`, { token: cust }), 200);
    t.deepEqual(internal(one.json), [], 'GET /customers/{id}');
    t.equal(one.json.name, c.name);
    const list = t.expectStatus(await t.req('GET', '/api/v1/customers', { token: cust }), 200).json;
    t.equal(list.items.length, 1);
    t.deepEqual(internal(list.items[0]), [], 'GET /customers');
    const hist = t.expectStatus(await t.req('GET', `/api/v1/customers/${c.id}/history`, { token: cust }), 200);
    t.deepEqual(internal(hist.json.customer), [], 'GET /customers/{id}/history');
    for (const r of [one, hist])
      t.ok(!r.text.includes('信用一般') && !r.text.includes('老板难沟通'), `${r.what}: the notes' text is shown`);
    // granted customer.manage (an admin's change): it may not set them, and a
    // stale change shows the current record without them
    const roles = (await t.req('GET', '/api/v1/roles', { token: admin })).json;
    const orig = roles.matrix.customer;
    const setPerms = (perms) => t.req('PUT', '/api/v1/roles/customer/permissions', { token: admin, body: { permissions: perms } });
    t.expectStatus(await setPerms([...orig, 'customer.manage']), 200);
    try {
      t.expectError(await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: cust, body: { version: c.version, credit_notes: '信用很好' } }),
        403, 'forbidden', 'credit_notes');
      t.expectError(await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: cust, body: { version: c.version, relationship_notes: '' } }),
        403, 'forbidden', 'relationship_notes');
      const ok = t.expectStatus(await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: cust, body: { version: c.version, address: '新地址' } }), 200);
      t.deepEqual(internal(ok.json), [], 'PATCH answer');
      const stale = await t.req('PATCH', `/api/v1/customers/${c.id}`, { token: cust, body: { version: c.version, address: '再改' } });
      const e = t.expectError(stale, 409, 'conflict', 'version');
      t.equal(e.details.current.address, '新地址');
      t.deepEqual(internal(e.details.current), [], '409 details.current');
      t.ok(!stale.text.includes('信用一般'), 'the conflict shows the notes');
    } finally {
      t.expectStatus(await setPerms(orig), 200, 'restore the customer role');
    }
    const after = (await t.req('GET', `/api/v1/customers/${c.id}`, { token: admin })).json;
    t.equal(after.credit_notes, '信用一般, 需预付', 'the notes changed');
  }],

  ['every master route refuses a body that is not JSON, and unknown query parameters', async (t) => {
    const tok = await t.admin();
    t.expectError(await t.req('POST', '/api/v1/customers', { token: tok, raw: 'code=x', headers: { 'Content-Type': 'text/plain' } }),
      415, 'unsupported_media_type');
    t.expectError(await t.req('POST', '/api/v1/import/customers', { token: tok, raw: 'code,name\nx,y\n', headers: { 'Content-Type': 'text/csv' } }),
      415, 'unsupported_media_type');
    t.expectError(await t.req('GET', '/api/v1/units?colour=red', { token: tok }), 400, 'validation_failed', 'colour');
    t.expectError(await t.req('GET', '/api/v1/units/abc', { token: tok }), 404, 'not_found');
    t.equal(J({}), '{}');
  }],
];
