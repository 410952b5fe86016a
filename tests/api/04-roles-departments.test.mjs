// The roles x permissions matrix and departments.

const ROLES = ['admin', 'aftersales_manager', 'agent', 'business_unit_lead', 'clerk', 'customer',
  'driver', 'finance', 'general_manager', 'qc_inspector', 'sales_manager', 'sales_vp',
  'statistician', 'technician', 'warehouse'];

async function matrix(t) {
  return t.expectStatus(await t.req('GET', '/api/v1/roles', { token: await t.admin() }), 200).json;
}

export const tests = [
  ['GET /api/v1/roles: 15 roles, the permissions and the matrix', async (t) => {
    const m = await matrix(t);
    t.ok(Array.isArray(m.roles), 'roles is not an array');
    t.equal(m.roles.length, 15);
    t.deepEqual(m.roles.map((r) => r.key).sort(), ROLES);
    for (const r of m.roles) {
      t.equal(typeof r.name_zh, 'string');
      t.equal(typeof r.name_en, 'string');
    }
    t.ok(m.matrix && typeof m.matrix === 'object', 'no matrix');
    t.deepEqual(Object.keys(m.matrix).sort(), ROLES);
    t.ok(Array.isArray(m.permissions) && m.permissions.length >= 10);
    const keys = m.permissions.map((p) => p.key);
    for (const role of ROLES) {
      t.ok(Array.isArray(m.matrix[role]), `matrix.${role} is not an array`);
      t.ok(m.matrix[role].includes('account.self'), `${role} lacks account.self`);
      for (const p of m.matrix[role]) t.ok(keys.includes(p), `matrix.${role} has unknown ${p}`);
    }
    t.ok(m.matrix.admin.includes('role.manage'));
    t.ok(!m.matrix.driver.includes('user.read'), 'driver must not read users');
    t.ok(!m.matrix.customer.includes('department.read'));
  }],

  ['GET /api/v1/roles needs role.read: driver 403, general manager 200', async (t) => {
    t.expectError(await t.req('GET', '/api/v1/roles', { token: (await t.login('driver')).token }), 403, 'forbidden');
    t.expectStatus(await t.req('GET', '/api/v1/roles', { token: (await t.login('gm')).token }), 200);
    // the GM reads but may not change it
    t.expectError(await t.req('PUT', '/api/v1/roles/driver/permissions',
      { token: (await t.login('gm')).token, body: { permissions: ['account.self'] } }), 403, 'forbidden');
  }],

  ['PUT /api/v1/roles/driver/permissions grants user.read at once; restored after', async (t) => {
    const tok = await t.admin();
    const driver = await t.login('driver');
    const orig = (await matrix(t)).matrix.driver;
    t.expectError(await t.req('GET', '/api/v1/users', { token: driver.token }), 403, 'forbidden');
    try {
      const r = await t.req('PUT', '/api/v1/roles/driver/permissions', { token: tok, body: { permissions: [...orig, 'user.read'] } });
      t.expectStatus(r, 200);
      t.deepEqual([...r.json.matrix.driver].sort(), [...orig, 'user.read'].sort());
      // the same session, no new login
      t.expectStatus(await t.req('GET', '/api/v1/users', { token: driver.token }), 200);
      const s = t.expectStatus(await t.req('GET', '/api/v1/session', { token: driver.token }), 200);
      t.ok(s.json.permissions.includes('user.read'));
    } finally {
      const back = await t.req('PUT', '/api/v1/roles/driver/permissions', { token: tok, body: { permissions: orig } });
      t.expectStatus(back, 200, 'restore the driver role');
    }
    t.deepEqual((await matrix(t)).matrix.driver, orig);
    t.expectError(await t.req('GET', '/api/v1/users', { token: driver.token }), 403, 'forbidden');
  }],

  ['role permissions: unknown permission 400, unknown role 404, nothing changed', async (t) => {
    const tok = await t.admin();
    const before = await matrix(t);
    const top = await t.auditTop();
    t.expectError(await t.req('PUT', '/api/v1/roles/driver/permissions',
      { token: tok, body: { permissions: ['account.self', 'fly.plane'] } }), 400, 'validation_failed', 'permissions');
    t.expectError(await t.req('PUT', '/api/v1/roles/driver/permissions', { token: tok, body: {} }),
      400, 'validation_failed', 'permissions', 'required');
    t.expectError(await t.req('PUT', '/api/v1/roles/driver/permissions', { token: tok, body: { permissions: 'user.read' } }),
      400, 'validation_failed', 'permissions');
    t.expectError(await t.req('PUT', '/api/v1/roles/pilot/permissions', { token: tok, body: { permissions: ['account.self'] } }),
      404, 'not_found');
    t.deepEqual(await matrix(t), before);
    t.equal(await t.auditTop(), top);
  }],

  ['removing role.manage from admin answers 422 and changes nothing', async (t) => {
    const tok = await t.admin();
    const before = await matrix(t);
    const without = before.matrix.admin.filter((p) => p !== 'role.manage');
    t.equal(without.length, before.matrix.admin.length - 1);
    const r = await t.req('PUT', '/api/v1/roles/admin/permissions', { token: tok, body: { permissions: without } });
    t.expectError(r, 422, 'unprocessable', 'permissions');
    t.deepEqual((await matrix(t)).matrix.admin, before.matrix.admin);
    // keeping it is fine (a no-op change)
    t.expectStatus(await t.req('PUT', '/api/v1/roles/admin/permissions', { token: tok, body: { permissions: before.matrix.admin } }), 200);
    t.deepEqual((await matrix(t)).matrix.admin, before.matrix.admin);
  }],

  ['departments: create 201 with Location, get, list', async (t) => {
    const tok = await t.admin();
    const code = t.uniq('DP');
    const r = await t.req('POST', '/api/v1/departments', { token: tok, body: { code, name: '测试部' } });
    t.expectStatus(r, 201);
    const d = r.json;
    t.ok(Number.isInteger(d.id) && d.id > 0);
    t.equal(d.code, code);
    t.equal(d.name, '测试部');
    t.equal(d.parent_id, null);
    t.equal(d.active, true);
    t.equal(d.version, 1);
    t.equal(r.headers.location, `/api/v1/departments/${d.id}`);
    const g = t.expectStatus(await t.req('GET', `/api/v1/departments/${d.id}`, { token: tok }), 200);
    t.deepEqual(g.json, d);
    const all = await t.listAll('/api/v1/departments', tok);
    t.equal(all.filter((x) => x.id === d.id).length, 1);
    for (const c of ['AS', 'QC', 'WH', 'FIN'])
      t.ok(all.some((x) => x.code === c), `demo department ${c} missing`);
    // a child
    const child = await t.req('POST', '/api/v1/departments', { token: tok, body: { code: t.uniq('DC'), name: '子部门', parent_id: d.id } });
    t.expectStatus(child, 201);
    t.equal(child.json.parent_id, d.id);
    // agents read departments
    t.expectStatus(await t.req('GET', `/api/v1/departments/${d.id}`, { token: (await t.login('agent')).token }), 200);
    t.expectError(await t.req('GET', '/api/v1/departments/999999', { token: tok }), 404, 'not_found');
  }],

  ['departments: a duplicate code answers 409; a missing parent 400', async (t) => {
    const tok = await t.admin();
    const d = await t.createDept();
    const top = await t.auditTop();
    t.expectError(await t.req('POST', '/api/v1/departments', { token: tok, body: { code: d.code, name: '别的' } }), 409, 'conflict', 'code');
    t.expectError(await t.req('POST', '/api/v1/departments', { token: tok, body: { code: 'AS', name: '别的' } }), 409, 'conflict', 'code');
    t.expectError(await t.req('POST', '/api/v1/departments', { token: tok, body: { code: t.uniq('NP'), name: 'x', parent_id: 999999 } }),
      400, 'validation_failed', 'parent_id');
    t.equal(await t.auditTop(), top);
  }],

  ['departments: only department.manage creates or changes them', async (t) => {
    const agent = await t.login('agent');
    const d = await t.createDept();
    const top = await t.auditTop();
    t.expectError(await t.req('POST', '/api/v1/departments', { token: agent.token, body: { code: t.uniq('AG'), name: 'x' } }), 403, 'forbidden');
    t.expectError(await t.req('PATCH', `/api/v1/departments/${d.id}`, { token: agent.token, body: { version: 1, name: 'x' } }), 403, 'forbidden');
    t.equal(await t.auditTop(), top);
  }],

  ['departments: PATCH with version, stale version 409', async (t) => {
    const tok = await t.admin();
    const d = await t.createDept();
    const r = await t.req('PATCH', `/api/v1/departments/${d.id}`, { token: tok, body: { version: 1, name: '改名部', active: false } });
    t.expectStatus(r, 200);
    t.equal(r.json.version, 2);
    t.equal(r.json.name, '改名部');
    t.equal(r.json.active, false);
    t.equal(r.json.code, d.code, 'code cannot change');
    const top = await t.auditTop();
    const s = await t.req('PATCH', `/api/v1/departments/${d.id}`, { token: tok, body: { version: 1, name: '过期' } });
    const e = t.expectError(s, 409, 'conflict');
    t.equal(e.details.current.version, 2);
    t.equal(e.details.current.name, '改名部');
    t.expectError(await t.req('PATCH', `/api/v1/departments/${d.id}`, { token: tok, body: { name: 'x' } }), 400, 'validation_failed', 'version');
    t.expectError(await t.req('PATCH', `/api/v1/departments/${d.id}`, { token: tok, body: { version: 2, code: 'NEW' } }), 400, 'validation_failed', 'code');
    t.equal(await t.auditTop(), top);
    const i = await t.req('PATCH', `/api/v1/departments/${d.id}`, { token: tok, body: { active: true }, headers: { 'If-Match': '"2"' } });
    t.expectStatus(i, 200);
    t.equal(i.json.version, 3);
    t.equal(i.json.active, true);
    t.equal(i.json.name, '改名部', 'a field not given must stay');
  }],

  ['departments: two PATCHes of the same version at once: one 200, one 409', async (t) => {
    const tok = await t.admin();
    for (let round = 0; round < 3; round++) {
      const d = await t.createDept();
      const rs = await Promise.all([1, 2, 3, 4].map((i) =>
        t.req('PATCH', `/api/v1/departments/${d.id}`, { token: tok, body: { version: 1, name: `并发 ${i}` } })));
      const st = rs.map((r) => r.status).sort();
      t.deepEqual(st, [200, 409, 409, 409], `statuses: ${rs.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join(' | ')}`);
      const win = rs.find((r) => r.status === 200).json;
      const now = t.expectStatus(await t.req('GET', `/api/v1/departments/${d.id}`, { token: tok }), 200).json;
      t.equal(now.version, 2);
      t.equal(now.name, win.name);
      const a = t.expectStatus(await t.req('GET', `/api/v1/audit?entity=department&entity_id=${d.id}`, { token: tok }), 200).json;
      t.equal(a.items.length, 2, 'one create and one update are audited');
    }
  }],

  ['departments: a parent cycle answers 400 naming parent_id', async (t) => {
    const tok = await t.admin();
    const a = await t.createDept();
    const b = await t.createDept({ parent_id: a.id });
    const c = await t.createDept({ parent_id: b.id });
    const top = await t.auditTop();
    // a under c: a -> c -> b -> a
    t.expectError(await t.req('PATCH', `/api/v1/departments/${a.id}`, { token: tok, body: { version: a.version, parent_id: c.id } }),
      400, 'validation_failed', 'parent_id');
    // its own parent
    t.expectError(await t.req('PATCH', `/api/v1/departments/${a.id}`, { token: tok, body: { version: a.version, parent_id: a.id } }),
      400, 'validation_failed', 'parent_id');
    // b under c: b -> c -> b
    t.expectError(await t.req('PATCH', `/api/v1/departments/${b.id}`, { token: tok, body: { version: b.version, parent_id: c.id } }),
      400, 'validation_failed', 'parent_id');
    t.equal(await t.auditTop(), top);
    t.equal((await t.req('GET', `/api/v1/departments/${a.id}`, { token: tok })).json.parent_id, null);
    // moving c to the top and then a under c is fine
    t.expectStatus(await t.req('PATCH', `/api/v1/departments/${c.id}`, { token: tok, body: { version: c.version, parent_id: null } }), 200);
    const ok = await t.req('PATCH', `/api/v1/departments/${a.id}`, { token: tok, body: { version: a.version, parent_id: c.id } });
    t.expectStatus(ok, 200);
    t.equal(ok.json.parent_id, c.id);
  }],
];
