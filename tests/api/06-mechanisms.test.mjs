// Idempotency keys, the audit log, and times in Asia/Shanghai.
import { ISO_SHANGHAI } from './lib.mjs';

async function audit(t, query) {
  return t.expectStatus(await t.req('GET', `/api/v1/audit?${query}`, { token: await t.admin() }), 200).json;
}

async function deptCodes(t) {
  return (await t.listAll('/api/v1/departments')).map((d) => d.code);
}

/* Within two minutes of now. */
function recent(t, iso, what) {
  t.match(iso, ISO_SHANGHAI, `${what}: '${iso}' is not an ISO time with +08:00`);
  const ms = Date.parse(iso);
  t.ok(Math.abs(ms - Date.now()) < 120000, `${what}: '${iso}' is not now (${new Date().toISOString()})`);
}

export const tests = [
  ['Idempotency-Key: the same request twice gives the same 201 answer, replayed, one record', async (t) => {
    const tok = await t.admin();
    const key = t.uniq('idem-');
    const code = t.uniq('IK');
    const body = { code, name: '幂等部门' };
    const a = await t.req('POST', '/api/v1/departments', { token: tok, body, headers: { 'Idempotency-Key': key } });
    t.expectStatus(a, 201);
    t.equal(a.headers['idempotent-replayed'], undefined, 'the first answer is not a replay');
    const top = await t.auditTop();
    const b = await t.req('POST', '/api/v1/departments', { token: tok, body, headers: { 'Idempotency-Key': key } });
    t.expectStatus(b, 201);
    t.equal(b.headers['idempotent-replayed'], 'true');
    t.equal(b.json.id, a.json.id);
    t.deepEqual(b.json, a.json);
    t.equal(b.text, a.text, 'the replayed body differs');
    t.equal(await t.auditTop(), top, 'the replay wrote an audit row');
    const codes = await deptCodes(t);
    t.equal(codes.filter((c) => c === code).length, 1, 'the department was created twice');
  }],

  ['Idempotency-Key: the replay carries the Location of the first answer', async (t) => {
    const tok = await t.admin();
    const key = t.uniq('idem-');
    const body = { code: t.uniq('IL'), name: 'x' };
    const a = t.expectStatus(await t.req('POST', '/api/v1/departments', { token: tok, body, headers: { 'Idempotency-Key': key } }), 201);
    t.equal(a.headers.location, `/api/v1/departments/${a.json.id}`);
    const b = t.expectStatus(await t.req('POST', '/api/v1/departments', { token: tok, body, headers: { 'Idempotency-Key': key } }), 201);
    t.equal(b.headers['idempotent-replayed'], 'true');
    t.equal(b.headers.location, a.headers.location, 'the replayed answer lacks the Location header of the first');
  }],

  ['Idempotency-Key: concurrent requests with one key create one record', async (t) => {
    const tok = await t.admin();
    const key = t.uniq('idem-');
    const code = t.uniq('IC');
    const rs = await Promise.all(Array.from({ length: 6 }, () =>
      t.req('POST', '/api/v1/departments', { token: tok, body: { code, name: '并发' }, headers: { 'Idempotency-Key': key } })));
    for (const r of rs) t.expectStatus(r, 201);
    t.equal(new Set(rs.map((r) => r.json.id)).size, 1, 'different ids for one key');
    t.equal(rs.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 5);
    t.equal((await deptCodes(t)).filter((c) => c === code).length, 1);
  }],

  ['Idempotency-Key on POST /api/v1/users: one user, the same answer', async (t) => {
    const tok = await t.admin();
    const key = t.uniq('idem-');
    const body = { username: t.uniq('iu'), password: 'pass-word-1', roles: ['agent'] };
    const a = t.expectStatus(await t.req('POST', '/api/v1/users', { token: tok, body, headers: { 'Idempotency-Key': key } }), 201);
    const b = t.expectStatus(await t.req('POST', '/api/v1/users', { token: tok, body, headers: { 'Idempotency-Key': key } }), 201);
    t.equal(b.headers['idempotent-replayed'], 'true');
    t.deepEqual(b.json, a.json);
    const c = await t.req('POST', '/api/v1/users', { token: tok, body: { ...body, password: 'other-pass-1' }, headers: { 'Idempotency-Key': key } });
    t.expectError(c, 422, 'unprocessable');
    const all = await t.listAll(`/api/v1/users?q=${body.username}`);
    t.equal(all.length, 1);
  }],

  ['Idempotency-Key: the same key with a different body answers 422', async (t) => {
    const tok = await t.admin();
    const key = t.uniq('idem-');
    const code = t.uniq('IK');
    t.expectStatus(await t.req('POST', '/api/v1/departments', { token: tok, body: { code, name: 'A' }, headers: { 'Idempotency-Key': key } }), 201);
    const before = await t.snapshot();
    const other = t.uniq('IK');
    const r = await t.req('POST', '/api/v1/departments', { token: tok, body: { code: other, name: 'B' }, headers: { 'Idempotency-Key': key } });
    t.expectError(r, 422, 'unprocessable', 'Idempotency-Key');
    // the same key on another path does not replay either
    const u = await t.req('POST', '/api/v1/tokens', { token: tok, body: { code, name: 'A' }, headers: { 'Idempotency-Key': key } });
    t.ok(u.status === 422 || u.status === 400, `same key, other endpoint: ${u.status} ${u.text}`);
    await t.expectUnchanged(before);
    t.ok(!(await deptCodes(t)).includes(other));
  }],

  ['Idempotency-Key: different keys make different records; keys are per user', async (t) => {
    const tok = await t.admin();
    const body = { code: t.uniq('IK'), name: 'same' };
    const a = await t.req('POST', '/api/v1/departments', { token: tok, body, headers: { 'Idempotency-Key': t.uniq('k-') } });
    t.expectStatus(a, 201);
    // same body, another key: a real second create (here a code conflict, not a replay)
    const b = await t.req('POST', '/api/v1/departments', { token: tok, body, headers: { 'Idempotency-Key': t.uniq('k-') } });
    t.expectError(b, 409, 'conflict', 'code');
    t.equal(b.headers['idempotent-replayed'], undefined);
    const c1 = await t.req('POST', '/api/v1/departments', { token: tok, body: { code: t.uniq('IK'), name: 'x' }, headers: { 'Idempotency-Key': t.uniq('k-') } });
    const c2 = await t.req('POST', '/api/v1/departments', { token: tok, body: { code: t.uniq('IK'), name: 'x' }, headers: { 'Idempotency-Key': t.uniq('k-') } });
    t.expectStatus(c1, 201);
    t.expectStatus(c2, 201);
    t.notEqual(c1.json.id, c2.json.id);
    // another user's key of the same name is not a replay of mine
    const agent = await t.login('agent');
    const key = t.uniq('shared-');
    const mine = await t.req('POST', '/api/v1/tokens', { token: agent.token, body: { name: 'k1' }, headers: { 'Idempotency-Key': key } });
    t.expectStatus(mine, 201);
    const theirs = await t.req('POST', '/api/v1/tokens', { token: tok, body: { name: 'k1' }, headers: { 'Idempotency-Key': key } });
    t.expectStatus(theirs, 201);
    t.equal(theirs.headers['idempotent-replayed'], undefined, "another user's key was replayed");
    t.notEqual(theirs.json.token, mine.json.token, "another user's secret token was replayed");
  }],

  ['Idempotency-Key: a failed request is not stored; a retry runs again', async (t) => {
    const tok = await t.admin();
    const key = t.uniq('k-');
    const code = t.uniq('IK');
    const bad = await t.req('POST', '/api/v1/departments', { token: tok, body: { code, name: 'x', parent_id: 999999 }, headers: { 'Idempotency-Key': key } });
    t.expectError(bad, 400, 'validation_failed', 'parent_id');
    const again = await t.req('POST', '/api/v1/departments', { token: tok, body: { code, name: 'x', parent_id: 999999 }, headers: { 'Idempotency-Key': key } });
    t.expectError(again, 400, 'validation_failed', 'parent_id');
    t.equal(again.headers['idempotent-replayed'], undefined);
    const good = await t.req('POST', '/api/v1/departments', { token: tok, body: { code, name: 'x' }, headers: { 'Idempotency-Key': key } });
    t.expectStatus(good, 201, 'the key of a failed request must be free again');
  }],

  ['Idempotency-Key: 1 to 200 characters', async (t) => {
    const tok = await t.admin();
    const before = await t.snapshot();
    const long = await t.req('POST', '/api/v1/departments', { token: tok, body: { code: t.uniq('IK'), name: 'x' }, headers: { 'Idempotency-Key': 'k'.repeat(201) } });
    t.expectError(long, 400, 'validation_failed', 'Idempotency-Key');
    await t.expectUnchanged(before);
    const edge = await t.req('POST', '/api/v1/departments', { token: tok, body: { code: t.uniq('IK'), name: 'x' }, headers: { 'Idempotency-Key': 'k'.repeat(200) } });
    t.expectStatus(edge, 201);
  }],

  ['audit: a create leaves a row with user, ip, action, entity, before null, after', async (t) => {
    const s = await t.login('admin');
    const rid = t.uniq('audit-');
    const r = await t.req('POST', '/api/v1/departments', { token: s.token, body: { code: t.uniq('AU'), name: '审计部' }, headers: { 'X-Request-Id': rid } });
    t.expectStatus(r, 201);
    const d = r.json;
    const a = await audit(t, `entity=department&entity_id=${d.id}`);
    t.equal(a.items.length, 1, `audit rows for department ${d.id}: ${JSON.stringify(a.items)}`);
    const row = a.items[0];
    t.equal(row.action, 'create');
    t.equal(row.entity, 'department');
    t.equal(row.entity_id, d.id);
    t.equal(row.user_id, s.user.id);
    t.equal(row.username, 'admin');
    t.equal(row.ip, '127.0.0.1');
    t.equal(row.request_id, rid);
    t.equal(row.before, null);
    t.deepEqual(row.after, d);
    recent(t, row.at, 'audit.at');
  }],

  ['audit: an update leaves a row with the versions before and after', async (t) => {
    const tok = await t.admin();
    const d = await t.createDept();
    const u = t.expectStatus(await t.req('PATCH', `/api/v1/departments/${d.id}`, { token: tok, body: { version: 1, name: '新名字' } }), 200).json;
    const a = await audit(t, `entity=department&entity_id=${d.id}`);
    t.equal(a.items.length, 2);
    const [upd, crt] = a.items; // newest first
    t.ok(upd.id > crt.id, 'the audit log is not newest first');
    t.equal(upd.action, 'update');
    t.equal(crt.action, 'create');
    t.equal(upd.before.version, 1);
    t.equal(upd.after.version, 2);
    t.equal(upd.before.name, d.name);
    t.equal(upd.after.name, '新名字');
    t.deepEqual(upd.after, u);
    // users too, with roles
    const { user } = await t.createUser({ roles: ['agent'] });
    t.expectStatus(await t.req('PATCH', `/api/v1/users/${user.id}`, { token: tok, body: { version: 1, roles: ['technician'] } }), 200);
    const ua = await audit(t, `entity=user&entity_id=${user.id}`);
    t.deepEqual(ua.items.map((x) => x.action), ['update', 'create']);
    t.equal(ua.items[1].before, null);
    t.deepEqual(ua.items[0].before.roles, ['agent']);
    t.deepEqual(ua.items[0].after.roles, ['technician']);
    t.equal(ua.items[0].before.version, 1);
    t.equal(ua.items[0].after.version, 2);
    t.ok(!JSON.stringify(ua.items).includes('argon2'), 'the audit log holds a password hash');
  }],

  ['audit: the role matrix change is audited', async (t) => {
    const tok = await t.admin();
    const m = t.expectStatus(await t.req('GET', '/api/v1/roles', { token: tok }), 200).json;
    t.expectStatus(await t.req('PUT', '/api/v1/roles/clerk/permissions', { token: tok, body: { permissions: m.matrix.clerk } }), 200);
    const a = await audit(t, 'entity=role_permissions&limit=1');
    t.equal(a.items.length, 1);
    t.equal(a.items[0].action, 'update');
    t.equal(a.items[0].after.role, 'clerk');
    t.deepEqual(a.items[0].after.permissions, m.matrix.clerk);
  }],

  ['audit: filters by entity and entity_id, and pages newest first', async (t) => {
    const d1 = await t.createDept();
    const d2 = await t.createDept();
    const a = await audit(t, `entity=department&entity_id=${d1.id}`);
    t.ok(a.items.length >= 1);
    t.ok(a.items.every((x) => x.entity === 'department' && x.entity_id === d1.id), 'the filter let other rows through');
    const all = await audit(t, 'entity=department&limit=200');
    t.ok(all.items.every((x) => x.entity === 'department'));
    t.ok(all.items.some((x) => x.entity_id === d2.id));
    for (let i = 1; i < all.items.length; i++) t.ok(all.items[i].id < all.items[i - 1].id, 'not newest first');
    // pages of 1 walk back without repeats
    const p1 = await audit(t, 'entity=department&limit=1');
    t.equal(typeof p1.next_cursor, 'string');
    const p2 = await audit(t, `entity=department&limit=1&cursor=${encodeURIComponent(p1.next_cursor)}`);
    t.ok(p2.items[0].id < p1.items[0].id);
    t.expectError(await t.req('GET', '/api/v1/audit?entity_id=abc', { token: await t.admin() }), 400, 'validation_failed', 'entity_id');
    t.expectError(await t.req('GET', '/api/v1/audit?from=yesterday', { token: await t.admin() }), 400, 'validation_failed', 'from');
    t.expectError(await t.req('GET', '/api/v1/audit?who=me', { token: await t.admin() }), 400, 'validation_failed', 'who');
  }],

  ['audit: from/to take a date, a time with an offset, or Z', async (t) => {
    const d = await t.createDept();
    const q = (extra) => audit(t, `entity=department&entity_id=${d.id}&${extra}`);
    t.equal((await q('from=2000-01-01')).items.length, 1);
    t.equal((await q('from=2999-01-01')).items.length, 0);
    t.equal((await q('to=2000-01-01T00:00:00Z')).items.length, 0);
    t.equal((await q(`to=${encodeURIComponent('2999-01-01T00:00:00+08:00')}`)).items.length, 1);
    // an hour before now in Shanghai time, and an hour after
    const fmt = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
    t.equal((await q(`from=${encodeURIComponent(fmt(Date.now() - 3600e3))}&to=${encodeURIComponent(fmt(Date.now() + 3600e3))}`)).items.length, 1);
    t.equal((await q(`from=${encodeURIComponent(fmt(Date.now() + 3600e3))}`)).items.length, 0);
  }],

  ['audit: no route changes or deletes it (405) and the rows remain', async (t) => {
    const tok = await t.admin();
    const d = await t.createDept();
    const before = await audit(t, `entity=department&entity_id=${d.id}`);
    t.equal(before.items.length, 1);
    const id = before.items[0].id;
    for (const [m, p] of [['PATCH', '/api/v1/audit'], ['DELETE', '/api/v1/audit'], ['PUT', '/api/v1/audit'], ['POST', '/api/v1/audit']]) {
      const r = await t.req(m, p, { token: tok, body: m === 'DELETE' ? undefined : { id, action: 'nothing' } });
      t.ok(r.status === 405 || r.status === 404, `${m} ${p}: ${r.status} ${r.text}`);
      t.ok(r.json && r.json.error, `${m} ${p}: not an error body`);
    }
    for (const m of ['PATCH', 'DELETE', 'PUT']) {
      const r = await t.req(m, `/api/v1/audit/${id}`, { token: tok });
      t.ok(r.status === 405 || r.status === 404, `${m} /api/v1/audit/${id}: ${r.status}`);
    }
    const after = await audit(t, `entity=department&entity_id=${d.id}`);
    t.deepEqual(after.items, before.items);
  }],

  ['audit: a driver gets 403 on /api/v1/audit', async (t) => {
    const d = await t.login('driver');
    t.expectError(await t.req('GET', '/api/v1/audit', { token: d.token }), 403, 'forbidden');
    t.expectError(await t.req('GET', '/api/v1/audit', { token: (await t.login('agent')).token }), 403, 'forbidden');
    t.expectStatus(await t.req('GET', '/api/v1/audit?limit=1', { token: (await t.login('gm')).token }), 200);
  }],

  ['logins and failed logins are audited', async (t) => {
    const { username, user } = await t.createUser();
    t.expectStatus(await t.loginRaw(username, 'pass-word-1'), 200);
    const ok = await audit(t, `entity=session&user_id=${user.id}&limit=5`);
    t.ok(ok.items.some((x) => x.action === 'login' && x.username === username), `no login row: ${JSON.stringify(ok.items)}`);
    t.expectError(await t.loginRaw(username, 'wrong-password'), 401, 'unauthenticated');
    const fail = await audit(t, 'entity=session&action=login_failed&limit=1');
    t.equal(fail.items.length, 1);
    t.equal(fail.items[0].ip, '127.0.0.1');
    t.ok(!JSON.stringify(fail.items[0]).includes('wrong-password'), 'the audit log holds a tried password');
  }],

  ['times are rendered in Asia/Shanghai (+08:00)', async (t) => {
    const d = await t.createDept();
    recent(t, d.created_at, 'department.created_at');
    recent(t, d.updated_at, 'department.updated_at');
    const s = await t.login('admin');
    t.match(s.res.json.expires_at, ISO_SHANGHAI);
    const ttl = Date.parse(s.res.json.expires_at) - Date.now();
    t.ok(ttl > 11 * 3600e3 && ttl <= 12 * 3600e3 + 60e3, `session lifetime ${ttl} ms, expected 12 h`);
    const u = t.expectStatus(await t.req('GET', `/api/v1/users/${s.user.id}`, { token: s.token }), 200).json;
    t.match(u.created_at, ISO_SHANGHAI);
    const tok = t.expectStatus(await t.req('POST', '/api/v1/tokens', { token: s.token, body: { name: 'tz', expires_in_days: 1 } }), 201).json;
    recent(t, tok.info.created_at, 'token.created_at');
    const life = Date.parse(tok.info.expires_at) - Date.parse(tok.info.created_at);
    t.equal(life, 86400e3);
    t.expectStatus(await t.req('DELETE', `/api/v1/tokens/${tok.info.id}`, { token: s.token }), 204);
  }],
];
