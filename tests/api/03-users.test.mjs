// Users: create, conflicts, roles and customer binding, pagination, optimistic
// locking, disabling, and who may do what.

async function demoCustomerId(t) {
  const r = t.expectStatus(await t.req('GET', '/api/v1/users?role=customer&limit=200', { token: await t.admin() }), 200);
  const c = r.json.items.find((u) => u.username === 'customer');
  t.ok(c, 'the demo customer user is missing');
  t.ok(Number.isInteger(c.customer_id) && c.customer_id > 0, `demo customer has no customer_id: ${JSON.stringify(c)}`);
  return c.customer_id;
}

async function getUser(t, id) {
  return t.expectStatus(await t.req('GET', `/api/v1/users/${id}`, { token: await t.admin() }), 200).json;
}

export const tests = [
  ['admin creates a user: 201, Location, roles, version 1', async (t) => {
    const username = t.uniq('new.user-');
    const r = await t.req('POST', '/api/v1/users', {
      token: await t.admin(),
      body: { username, password: 'pass-word-1', display_name: '新用户', roles: ['agent', 'technician'],
        phone: '13800138000', email: 'x@example.com' },
    });
    t.expectStatus(r, 201);
    const u = r.json;
    t.ok(Number.isInteger(u.id) && u.id > 0);
    t.equal(r.headers.location, `/api/v1/users/${u.id}`);
    t.equal(u.username, username);
    t.equal(u.display_name, '新用户');
    t.deepEqual([...u.roles].sort(), ['agent', 'technician']);
    t.equal(u.active, true);
    t.equal(u.version, 1);
    t.equal(u.customer_id, null);
    t.ok(!('password' in u) && !('password_hash' in u), 'the answer carries the password');
    t.deepEqual(await getUser(t, u.id), u, 'GET Location must give the same user');
    t.expectStatus(await t.loginRaw(username, 'pass-word-1'), 200);
  }],

  ['a taken username answers 409 conflict', async (t) => {
    const { username } = await t.createUser();
    const before = await t.auditTop();
    const r = await t.req('POST', '/api/v1/users', {
      token: await t.admin(), body: { username, password: 'pass-word-1', roles: ['agent'] },
    });
    t.expectError(r, 409, 'conflict', 'username');
    t.expectError(await t.req('POST', '/api/v1/users', {
      token: await t.admin(), body: { username: 'admin', password: 'pass-word-1', roles: ['agent'] },
    }), 409, 'conflict', 'username');
    t.equal(await t.auditTop(), before, 'a refused create wrote something');
  }],

  ['username: a-z0-9_.- of 2 to 64 characters', async (t) => {
    const tok = await t.admin();
    const mk = (username) => t.req('POST', '/api/v1/users', { token: tok, body: { username, password: 'pass-word-1', roles: ['agent'] } });
    for (const bad of ['Upper', 'has space', 'x', '用户名', 'a/b'])
      t.expectError(await mk(bad), 400, 'validation_failed', 'username');
    const base = t.uniq('m');
    t.expectError(await mk(base + 'a'.repeat(65 - base.length)), 400, 'validation_failed', 'username');
    t.expectStatus(await mk(base + 'a'.repeat(64 - base.length)), 201);
  }],

  ['the initial password needs at least 8 characters', async (t) => {
    const tok = await t.admin();
    t.expectError(await t.req('POST', '/api/v1/users', { token: tok, body: { username: t.uniq('p'), password: '1234567', roles: ['agent'] } }),
      400, 'validation_failed', 'password');
    t.expectError(await t.req('POST', '/api/v1/users', { token: tok, body: { username: t.uniq('p'), roles: ['agent'] } }),
      400, 'validation_failed', 'password', 'required');
    t.expectStatus(await t.req('POST', '/api/v1/users', { token: tok, body: { username: t.uniq('p'), password: '12345678', roles: ['agent'] } }), 201);
  }],

  ['roles: unknown 400, none 400, duplicate 400', async (t) => {
    const tok = await t.admin();
    const mk = (roles) => t.req('POST', '/api/v1/users', { token: tok, body: { username: t.uniq('r'), password: 'pass-word-1', roles } });
    t.expectError(await mk(['agent', 'wizard']), 400, 'validation_failed', 'roles');
    t.expectError(await mk([]), 400, 'validation_failed', 'roles');
    t.expectError(await mk(['agent', 'agent']), 400, 'validation_failed', 'roles');
    t.expectError(await mk('agent'), 400, 'validation_failed', 'roles');
  }],

  ['customer role <=> customer_id', async (t) => {
    const tok = await t.admin();
    const cid = await demoCustomerId(t);
    const mk = (roles, extra = {}) => t.req('POST', '/api/v1/users',
      { token: tok, body: { username: t.uniq('c'), password: 'pass-word-1', roles, ...extra } });
    t.expectError(await mk(['customer']), 400, 'validation_failed', 'customer_id');
    t.expectError(await mk(['customer'], { customer_id: null }), 400, 'validation_failed', 'customer_id');
    t.expectError(await mk(['agent'], { customer_id: cid }), 400, 'validation_failed', 'customer_id');
    t.expectError(await mk(['customer'], { customer_id: 999999 }), 400, 'validation_failed', 'customer_id');
    const ok = await mk(['customer'], { customer_id: cid });
    t.expectStatus(ok, 201);
    t.equal(ok.json.customer_id, cid);
    t.deepEqual(ok.json.roles, ['customer']);
    // a staff user cannot be turned into a customer without a company
    const staff = await t.createUser();
    const p = await t.req('PATCH', `/api/v1/users/${staff.user.id}`, { token: tok, body: { version: 1, roles: ['customer'] } });
    t.expectError(p, 400, 'validation_failed', 'customer_id');
  }],

  ['GET /api/v1/users with limit=2 pages through every user exactly once', async (t) => {
    const tok = await t.admin();
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = t.expectStatus(await t.req('GET', `/api/v1/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: tok }), 200);
      t.ok(r.json.items.length <= 2, `page of ${r.json.items.length} with limit=2`);
      t.ok('next_cursor' in r.json, 'no next_cursor key');
      if (r.json.next_cursor !== null) t.equal(r.json.items.length, 2, 'a short page before the end');
      seen.push(...r.json.items.map((u) => u.id));
      cursor = r.json.next_cursor;
      pages++;
      t.ok(pages < 1000, 'pagination does not end');
    } while (cursor !== null);
    t.equal(new Set(seen).size, seen.length, 'a user was listed twice');
    const all = t.expectStatus(await t.req('GET', '/api/v1/users?limit=200', { token: tok }), 200);
    t.ok(all.json.items.length < 200, 'more than 200 users; test assumption broken');
    t.equal(all.json.next_cursor, null);
    t.deepEqual(seen, all.json.items.map((u) => u.id), 'pages differ from the full list');
    t.ok(seen.length >= 15, `only ${seen.length} users`);
    for (let i = 1; i < seen.length; i++) t.ok(seen[i] > seen[i - 1], 'users are not ordered by id');
    for (const name of ['admin', 'driver', 'customer'])
      t.ok(all.json.items.some((u) => u.username === name), `${name} not listed`);
  }],

  ['limit must be 1..200; cursor must be one the server gave out', async (t) => {
    const tok = await t.admin();
    for (const l of ['0', '201', '-1', 'abc', '1.5', '99999999999999999999'])
      t.expectError(await t.req('GET', `/api/v1/users?limit=${l}`, { token: tok }), 400, 'validation_failed', 'limit');
    const r200 = t.expectStatus(await t.req('GET', '/api/v1/users?limit=200', { token: tok }), 200);
    t.ok(r200.json.items.length > 2);
    const r1 = t.expectStatus(await t.req('GET', '/api/v1/users?limit=1', { token: tok }), 200);
    t.equal(r1.json.items.length, 1);
    t.equal(typeof r1.json.next_cursor, 'string');
    t.expectError(await t.req('GET', '/api/v1/users?cursor=bogus', { token: tok }), 400, 'validation_failed', 'cursor');
  }],

  ['an unknown query parameter answers 400 naming it', async (t) => {
    const tok = await t.admin();
    t.expectError(await t.req('GET', '/api/v1/users?sort=name', { token: tok }), 400, 'validation_failed', 'sort');
    t.expectError(await t.req('GET', '/api/v1/users?limit=5&bogus=1', { token: tok }), 400, 'validation_failed', 'bogus');
    t.expectError(await t.req('GET', '/api/v1/departments?page=2', { token: tok }), 400, 'validation_failed', 'page');
  }],

  ['user filters: role, active, q', async (t) => {
    const tok = await t.admin();
    const d = t.expectStatus(await t.req('GET', '/api/v1/users?role=driver&limit=200', { token: tok }), 200);
    t.ok(d.json.items.length >= 1);
    t.ok(d.json.items.every((u) => u.roles.includes('driver')), 'role=driver gave a non-driver');
    const q = t.expectStatus(await t.req('GET', `/api/v1/users?q=${encodeURIComponent('warehouse')}&limit=200`, { token: tok }), 200);
    t.ok(q.json.items.some((u) => u.username === 'warehouse'));
    t.ok(q.json.items.every((u) => u.username.includes('warehouse') || u.display_name.includes('warehouse')));
    t.expectError(await t.req('GET', '/api/v1/users?active=maybe', { token: tok }), 400, 'validation_failed', 'active');
  }],

  ['PATCH with the current version: 200 and version + 1', async (t) => {
    const { user } = await t.createUser();
    const r = await t.req('PATCH', `/api/v1/users/${user.id}`,
      { token: await t.admin(), body: { version: user.version, display_name: '改过的名字', phone: null } });
    t.expectStatus(r, 200);
    t.equal(r.json.version, user.version + 1);
    t.equal(r.json.display_name, '改过的名字');
    t.equal(r.json.phone, null);
    t.deepEqual(r.json.roles, user.roles, 'roles not given must stay');
    const g = await getUser(t, user.id);
    t.equal(g.version, user.version + 1);
    t.equal(g.display_name, '改过的名字');
  }],

  ['PATCH with a stale version: 409 conflict with details.current', async (t) => {
    const { user } = await t.createUser();
    const tok = await t.admin();
    t.expectStatus(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { version: 1, display_name: 'v2' } }), 200);
    t.expectStatus(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { version: 2, display_name: 'v3' } }), 200);
    const before = await t.auditTop();
    const r = await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { version: 1, display_name: 'stale' } });
    const e = t.expectError(r, 409, 'conflict');
    t.ok(e.details.current && typeof e.details.current === 'object', `no details.current: ${r.text}`);
    t.equal(e.details.current.version, 3);
    t.equal(e.details.current.display_name, 'v3');
    t.equal(e.details.current.id, user.id);
    // a future version is stale too
    t.expectError(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { version: 4, display_name: 'x' } }), 409, 'conflict');
    t.equal(await t.auditTop(), before, 'a stale PATCH wrote something');
    t.equal((await getUser(t, user.id)).display_name, 'v3');
  }],

  ['PATCH without version or If-Match answers 400 naming version; If-Match works', async (t) => {
    const { user } = await t.createUser();
    const tok = await t.admin();
    t.expectError(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { display_name: 'x' } }),
      400, 'validation_failed', 'version');
    t.expectError(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { display_name: 'x', version: 0 } }),
      400, 'validation_failed', 'version');
    t.expectError(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { display_name: 'x' }, headers: { 'If-Match': 'abc' } }),
      400, 'validation_failed', 'version');
    const a = await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { display_name: 'im1' }, headers: { 'If-Match': '"1"' } });
    t.expectStatus(a, 200);
    t.equal(a.json.version, 2);
    const b = await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { display_name: 'im2' }, headers: { 'If-Match': '2' } });
    t.expectStatus(b, 200);
    t.equal(b.json.version, 3);
    const c = await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { display_name: 'im3' }, headers: { 'If-Match': '"2"' } });
    t.expectError(c, 409, 'conflict');
    t.equal(c.json.error.details.current.version, 3);
  }],

  ['PATCH of an unknown user answers 404', async (t) => {
    const tok = await t.admin();
    t.expectError(await t.req('PATCH', '/api/v1/users/999999', { token: tok, body: { version: 1, display_name: 'x' } }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/users/999999', { token: tok }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/users/abc', { token: tok }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/users/0', { token: tok }), 404, 'not_found');
  }],

  ['disabling a user ends its sessions at once and stops its logins', async (t) => {
    const { user, username, password } = await t.createUser();
    const s = await t.login(username, password, { fresh: true });
    const api = t.expectStatus(await t.req('POST', '/api/v1/tokens', { token: s.token, body: { name: 'api' } }), 201).json.token;
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: s.token }), 200);
    const r = await t.req('PATCH', `/api/v1/users/${user.id}`, { token: await t.admin(), body: { version: user.version, active: false } });
    t.expectStatus(r, 200);
    t.equal(r.json.active, false);
    t.expectError(await t.req('GET', '/api/v1/session', { token: s.token }), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/session', { cookie: s.cookie }), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/session', { token: api }), 401, 'unauthenticated');
    t.expectError(await t.loginRaw(username, password), 401, 'unauthenticated');
    const inactive = t.expectStatus(await t.req('GET', '/api/v1/users?active=false&limit=200', { token: await t.admin() }), 200);
    t.ok(inactive.json.items.some((u) => u.id === user.id), 'active=false does not list the disabled user');
    t.ok(inactive.json.items.every((u) => u.active === false));
    // enabling again lets it log in, but the old sessions stay dead
    t.expectStatus(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: await t.admin(), body: { version: r.json.version, active: true } }), 200);
    t.expectError(await t.req('GET', '/api/v1/session', { token: s.token }), 401, 'unauthenticated');
    t.expectStatus(await t.loginRaw(username, password), 200);
  }],

  ["admin sets a password: 204, the user's sessions end, the new password works", async (t) => {
    const { user, username, password } = await t.createUser();
    const s = await t.login(username, password, { fresh: true });
    const tok = await t.admin();
    const agent = (await t.login('agent')).token; // (a first login is audited)
    const top = await t.auditTop();
    t.expectError(await t.req('POST', `/api/v1/users/${user.id}/password`, { token: tok, body: { password: '1234567' } }),
      400, 'validation_failed', 'password');
    t.expectError(await t.req('POST', `/api/v1/users/${user.id}/password`, { token: tok, body: {} }),
      400, 'validation_failed', 'password', 'required');
    t.expectError(await t.req('POST', '/api/v1/users/999999/password', { token: tok, body: { password: 'new-pass-word' } }), 404, 'not_found');
    t.expectError(await t.req('POST', `/api/v1/users/${user.id}/password`, { token: agent, body: { password: 'new-pass-word' } }),
      403, 'forbidden');
    t.equal(await t.auditTop(), top, 'a refused password reset wrote something');
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: s.token }), 200);
    t.expectStatus(await t.req('POST', `/api/v1/users/${user.id}/password`, { token: tok, body: { password: 'new-pass-word' } }), 204);
    t.expectError(await t.req('GET', '/api/v1/session', { token: s.token }), 401, 'unauthenticated');
    t.expectError(await t.loginRaw(username, password), 401, 'unauthenticated');
    t.expectStatus(await t.loginRaw(username, 'new-pass-word'), 200);
    const a = t.expectStatus(await t.req('GET', `/api/v1/audit?entity=user&entity_id=${user.id}&limit=1`, { token: tok }), 200).json;
    t.equal(a.items[0].action, 'password_change');
    t.ok(!JSON.stringify(a.items[0]).includes('new-pass-word'), 'the audit row holds the password');
  }],

  ['admin cannot disable itself (422)', async (t) => {
    const s = await t.login('admin');
    const me = await getUser(t, s.user.id);
    const before = await t.auditTop();
    const r = await t.req('PATCH', `/api/v1/users/${me.id}`, { token: s.token, body: { version: me.version, active: false } });
    t.expectError(r, 422, 'unprocessable', 'active');
    t.equal(await t.auditTop(), before);
    const after = await getUser(t, me.id);
    t.equal(after.active, true);
    t.equal(after.version, me.version);
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: s.token }), 200);
  }],

  ['driver: 403 on listing, creating and changing users', async (t) => {
    const d = await t.login('driver');
    const victim = (await t.createUser()).user;
    const before = await t.auditTop();
    t.expectError(await t.req('GET', '/api/v1/users', { token: d.token }), 403, 'forbidden');
    t.expectError(await t.req('GET', `/api/v1/users/${victim.id}`, { token: d.token }), 403, 'forbidden');
    t.expectError(await t.req('POST', '/api/v1/users', { token: d.token, body: { username: t.uniq('d'), password: 'pass-word-1', roles: ['admin'] } }), 403, 'forbidden');
    t.expectError(await t.req('PATCH', `/api/v1/users/${victim.id}`, { token: d.token, body: { version: 1, roles: ['admin'] } }), 403, 'forbidden');
    t.expectError(await t.req('PATCH', `/api/v1/users/${d.user.id}`, { token: d.token, body: { version: 1, roles: ['admin'] } }), 403, 'forbidden');
    t.equal(await t.auditTop(), before, 'a forbidden request wrote something');
    t.deepEqual((await getUser(t, victim.id)).roles, victim.roles);
  }],

  ['agent may read users (user.read) but not create them', async (t) => {
    const a = await t.login('agent');
    const r = t.expectStatus(await t.req('GET', '/api/v1/users', { token: a.token }), 200);
    t.ok(r.json.items.length > 0);
    t.expectStatus(await t.req('GET', `/api/v1/users/${a.user.id}`, { token: a.token }), 200);
    t.expectError(await t.req('POST', '/api/v1/users', { token: a.token, body: { username: t.uniq('a'), password: 'pass-word-1', roles: ['agent'] } }), 403, 'forbidden');
    t.expectError(await t.req('PATCH', `/api/v1/users/${a.user.id}`, { token: a.token, body: { version: 1, roles: ['admin'] } }), 403, 'forbidden');
  }],

  ['customer: 403 on GET /api/v1/users', async (t) => {
    const c = await t.login('customer');
    t.expectError(await t.req('GET', '/api/v1/users', { token: c.token }), 403, 'forbidden');
    t.expectError(await t.req('GET', '/api/v1/departments', { token: c.token }), 403, 'forbidden');
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: c.token }), 200);
  }],

  ['a 403 is checked before the body (forbidden beats bad input)', async (t) => {
    const d = await t.login('driver');
    t.expectError(await t.req('POST', '/api/v1/users', { token: d.token, raw: '{not json' }), 403, 'forbidden');
  }],
];
