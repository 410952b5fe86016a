// Log in and out, cookies and CSRF, bearer tokens, throttling, passwords and
// API tokens.
import { cookiesOf } from './lib.mjs';

function setCookie(res, name) {
  return (res.headers['set-cookie'] || []).find((c) => c.startsWith(`${name}=`));
}

export const tests = [
  ['login answers 200 with token, csrf_token and the user with roles', async (t) => {
    const s = await t.login('agent');
    const j = s.res.json;
    t.equal(typeof j.token, 'string');
    t.ok(j.token.length >= 20, 'token too short');
    t.equal(typeof j.csrf_token, 'string');
    t.ok(j.csrf_token.length >= 16, 'csrf_token too short');
    t.notEqual(j.token, j.csrf_token);
    t.equal(j.user.username, 'agent');
    t.deepEqual(j.user.roles, ['agent']);
    t.equal(j.user.active, true);
    t.ok(!('password' in j.user) && !('password_hash' in j.user), 'the user carries a password');
  }],

  ['login sets as_session (HttpOnly, SameSite=Strict) and as_csrf cookies', async (t) => {
    const s = await t.login('agent');
    const sess = setCookie(s.res, 'as_session');
    const csrf = setCookie(s.res, 'as_csrf');
    t.ok(sess, `no as_session cookie: ${JSON.stringify(s.res.headers['set-cookie'])}`);
    t.ok(csrf, `no as_csrf cookie: ${JSON.stringify(s.res.headers['set-cookie'])}`);
    const attrs = sess.split(';').map((x) => x.trim().toLowerCase());
    t.ok(attrs.includes('httponly'), `as_session lacks HttpOnly: ${sess}`);
    t.ok(attrs.includes('samesite=strict'), `as_session lacks SameSite=Strict: ${sess}`);
    t.ok(csrf.split(';').map((x) => x.trim().toLowerCase()).includes('samesite=strict'), `as_csrf lacks SameSite=Strict: ${csrf}`);
    const c = cookiesOf(s.res);
    t.equal(c.as_session, s.token, 'the cookie must hold the session token');
    t.equal(c.as_csrf, s.csrf, 'as_csrf must hold csrf_token');
  }],

  ['a bearer token reads GET /api/v1/session: the user and a permissions array', async (t) => {
    const s = await t.login('agent');
    const r = t.expectStatus(await t.req('GET', '/api/v1/session', { token: s.token }), 200);
    t.equal(r.json.user.username, 'agent');
    t.ok(Array.isArray(r.json.permissions), 'permissions is not an array');
    t.ok(r.json.permissions.includes('account.self'));
    t.ok(r.json.permissions.includes('user.read'));
    t.ok(!r.json.permissions.includes('user.manage'), 'agent must not hold user.manage');
    const a = t.expectStatus(await t.req('GET', '/api/v1/session', { token: await t.admin() }), 200);
    for (const p of ['user.manage', 'role.manage', 'audit.read', 'department.manage'])
      t.ok(a.json.permissions.includes(p), `admin lacks ${p}`);
  }],

  ['the session cookie authenticates a GET without a bearer token', async (t) => {
    const s = await t.login('agent');
    const r = t.expectStatus(await t.req('GET', '/api/v1/session', { cookie: s.cookie }), 200);
    t.equal(r.json.user.username, 'agent');
  }],

  ['a cookie write needs the right X-CSRF-Token header (403 without or wrong)', async (t) => {
    const s = await t.login('admin');
    const before = await t.auditTop();
    const code = t.uniq('CS');
    const body = { code, name: 'CSRF 测试' };
    const none = await t.req('POST', '/api/v1/departments', { cookie: s.cookie, body });
    t.expectError(none, 403, 'forbidden', 'X-CSRF-Token');
    const wrong = await t.req('POST', '/api/v1/departments', { cookie: s.cookie, body, csrf: 'not-the-token' });
    t.expectError(wrong, 403, 'forbidden', 'X-CSRF-Token');
    // the CSRF token of another session does not do either
    const other = await t.login('agent');
    const cross = await t.req('POST', '/api/v1/departments', { cookie: s.cookie, body, csrf: other.csrf });
    t.expectError(cross, 403, 'forbidden');
    t.equal(await t.auditTop(), before, 'a refused cookie write wrote something');
    const ok = await t.req('POST', '/api/v1/departments', { cookie: s.cookie, body, csrf: s.csrf });
    t.expectStatus(ok, 201);
    t.equal(ok.json.code, code);
  }],

  ['no credentials answers 401 unauthenticated', async (t) => {
    t.expectError(await t.req('GET', '/api/v1/session'), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/users'), 401, 'unauthenticated');
    t.expectError(await t.req('DELETE', '/api/v1/session'), 401, 'unauthenticated');
  }],

  ['a garbage or malformed bearer token answers 401', async (t) => {
    t.expectError(await t.req('GET', '/api/v1/session', { token: 'garbage' }), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/session', { token: 'ass_' + 'A'.repeat(43) }), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/session', { token: 'x'.repeat(5000) }), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/session', { headers: { Authorization: 'Basic YWRtaW46ZGVtby0yMDI2' } }), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/session', { cookie: 'as_session=nonsense' }), 401, 'unauthenticated');
    // the csrf token is no bearer token
    const s = await t.login('agent');
    t.expectError(await t.req('GET', '/api/v1/session', { token: s.csrf }), 401, 'unauthenticated');
  }],

  ['logout (DELETE /api/v1/session) answers 204 and ends only that session', async (t) => {
    const keep = await t.login('agent');
    const s = await t.login('agent', undefined, { fresh: true });
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: s.token }), 200);
    const r = await t.req('DELETE', '/api/v1/session', { token: s.token });
    t.expectStatus(r, 204);
    t.equal(r.text, '', '204 must have no body');
    t.expectError(await t.req('GET', '/api/v1/session', { token: s.token }), 401, 'unauthenticated');
    t.expectError(await t.req('GET', '/api/v1/session', { cookie: s.cookie }), 401, 'unauthenticated');
    // another session of the same user lives on
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: keep.token }), 200);
  }],

  ['a wrong password answers 401 and unknown users look the same', async (t) => {
    const { username } = await t.createUser();
    const r = await t.loginRaw(username, 'wrong-password');
    t.expectError(r, 401, 'unauthenticated');
    t.ok(!(r.headers['set-cookie'] || []).some((c) => c.startsWith('as_session=') && !c.startsWith('as_session=;')),
      'a failed login set a session cookie');
    const u = await t.loginRaw(t.uniq('nobody'), 'wrong-password');
    t.expectError(u, 401, 'unauthenticated');
    t.equal(u.json.error.message, r.json.error.message, 'unknown user and wrong password must not be told apart');
  }],

  ['a malformed login answers 400/415 and does not count as a failed login', async (t) => {
    const { username, password } = await t.createUser();
    for (let i = 0; i < 6; i++) {
      t.expectError(await t.req('POST', '/api/v1/session', { body: { username } }), 400, 'validation_failed', 'password', 'required');
      t.expectError(await t.req('POST', '/api/v1/session', { body: { username, password: 'x', extra: 1 } }), 400, 'validation_failed', 'extra');
    }
    t.expectError(await t.req('POST', '/api/v1/session', { body: { password } }), 400, 'validation_failed', 'username', 'required');
    t.expectError(await t.req('POST', '/api/v1/session', { body: { username: 'a'.repeat(65), password } }), 400, 'validation_failed', 'username');
    t.expectError(await t.req('POST', '/api/v1/session', { raw: JSON.stringify({ username, password }), headers: { 'Content-Type': 'text/plain' } }),
      415, 'unsupported_media_type');
    // 12 malformed attempts later the user still logs in
    t.expectStatus(await t.loginRaw(username, password), 200);
  }],

  ['5 failed logins per username: the 6th (even right) answers 429 with Retry-After', async (t) => {
    const { username, password } = await t.createUser();
    for (let i = 1; i <= 5; i++) {
      const r = await t.loginRaw(username, `wrong-${i}-password`);
      t.expectError(r, 401, 'unauthenticated');
    }
    const r6 = await t.loginRaw(username, password);
    t.expectError(r6, 429, 'rate_limited');
    const ra = r6.headers['retry-after'];
    t.match(String(ra), /^\d+$/, `Retry-After '${ra}' is not an integer`);
    t.ok(Number(ra) > 0 && Number(ra) <= 900, `Retry-After ${ra} not in 1..900`);
    t.ok(!r6.json.token, '429 must not carry a token');
    // the throttle is per username: another user still logs in
    const other = await t.createUser();
    t.expectStatus(await t.loginRaw(other.username, other.password), 200);
    // and it stays shut
    t.expectError(await t.loginRaw(username, password), 429, 'rate_limited');
  }],

  ['a successful login resets the per-username failure count', async (t) => {
    const { username, password } = await t.createUser();
    for (let i = 1; i <= 4; i++)
      t.expectError(await t.loginRaw(username, 'wrong-password'), 401, 'unauthenticated');
    t.expectStatus(await t.loginRaw(username, password), 200); // resets
    for (let i = 1; i <= 4; i++)
      t.expectError(await t.loginRaw(username, 'wrong-password'), 401, 'unauthenticated');
    t.expectStatus(await t.loginRaw(username, password), 200);
  }],

  ['password change: 204, the old password stops working, the new one works', async (t) => {
    const { username, password } = await t.createUser();
    const s = await t.login(username, password);
    const other = await t.login(username, password, { fresh: true });
    const newPw = 'abcd1234'; // exactly 8 characters: the minimum
    const r = await t.req('POST', '/api/v1/session/password',
      { token: s.token, body: { current_password: password, new_password: newPw } });
    t.expectStatus(r, 204);
    // this session lives on, the other one ends
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: s.token }), 200);
    t.expectError(await t.req('GET', '/api/v1/session', { token: other.token }), 401, 'unauthenticated');
    t.expectError(await t.loginRaw(username, password), 401, 'unauthenticated');
    t.expectStatus(await t.loginRaw(username, newPw), 200);
    t.forget(username);
  }],

  ['password change: wrong current_password 422, new_password of 7 characters 400', async (t) => {
    const { username, password } = await t.createUser();
    const s = await t.login(username, password);
    const before = await t.auditTop();
    const wrong = await t.req('POST', '/api/v1/session/password',
      { token: s.token, body: { current_password: 'not-my-password', new_password: 'new-password-1' } });
    t.expectError(wrong, 422, 'unprocessable', 'current_password');
    t.state.failedLogins++; // counts toward the per-address limit as a failed login
    const short = await t.req('POST', '/api/v1/session/password',
      { token: s.token, body: { current_password: password, new_password: 'abc1234' } });
    t.expectError(short, 400, 'validation_failed', 'new_password');
    // 7 Chinese characters are 7 characters too
    const shortZh = await t.req('POST', '/api/v1/session/password',
      { token: s.token, body: { current_password: password, new_password: '密码密码密码密' } });
    t.expectError(shortZh, 400, 'validation_failed', 'new_password');
    const missing = await t.req('POST', '/api/v1/session/password',
      { token: s.token, body: { new_password: 'new-password-1' } });
    t.expectError(missing, 400, 'validation_failed', 'current_password', 'required');
    t.equal(await t.auditTop(), before, 'a refused password change wrote something');
    t.expectStatus(await t.loginRaw(username, password), 200);
  }],

  ['password change: a wrong current_password counts as a failed login: 5 answer 422, the 6th (even right) 429 with Retry-After, and so does a login', async (t) => {
    const { username, password } = await t.createUser();
    const s = await t.login(username, password);
    for (let i = 1; i <= 5; i++) {
      const r = await t.req('POST', '/api/v1/session/password',
        { token: s.token, body: { current_password: `wrong-${i}-password`, new_password: 'new-password-1' } });
      t.expectError(r, 422, 'unprocessable', 'current_password');
      t.state.failedLogins++;
    }
    const r6 = await t.req('POST', '/api/v1/session/password',
      { token: s.token, body: { current_password: password, new_password: 'new-password-1' } });
    t.expectError(r6, 429, 'rate_limited', 'username');
    const ra = r6.headers['retry-after'];
    t.match(String(ra), /^\d+$/, `Retry-After '${ra}' is not an integer`);
    t.ok(Number(ra) > 0 && Number(ra) <= 900, `Retry-After ${ra} not in 1..900`);
    // the password did not change, and the same count shuts logins
    t.expectError(await t.loginRaw(username, password), 429, 'rate_limited');
    t.expectError(await t.loginRaw(username, 'new-password-1'), 429, 'rate_limited');
    // one count: 4 wrong password changes and 1 wrong login are the 5 failures
    const other = await t.createUser();
    const so = await t.login(other.username, other.password);
    for (let i = 1; i <= 4; i++) {
      t.expectError(await t.req('POST', '/api/v1/session/password',
        { token: so.token, body: { current_password: 'wrong-password', new_password: 'new-password-1' } }), 422, 'unprocessable');
      t.state.failedLogins++;
    }
    t.expectError(await t.loginRaw(other.username, 'wrong-password'), 401, 'unauthenticated'); // the 5th failure
    t.expectError(await t.loginRaw(other.username, other.password), 429, 'rate_limited');
  }],

  ['API tokens: create (asa_, 201), use as bearer, list without the secret, revoke', async (t) => {
    const { username, password } = await t.createUser();
    const s = await t.login(username, password);
    const name = `ci ${t.uniq('tok')}`;
    const c = await t.req('POST', '/api/v1/tokens', { token: s.token, body: { name } });
    t.expectStatus(c, 201);
    const secret = c.json.token;
    t.match(secret, /^asa_[A-Za-z0-9_-]{20,}$/);
    const id = c.json.info && c.json.info.id;
    t.ok(Number.isInteger(id) && id > 0, `no token id: ${c.text}`);
    t.equal(c.json.info.name, name);
    const who = t.expectStatus(await t.req('GET', '/api/v1/session', { token: secret }), 200);
    t.equal(who.json.user.username, username);
    const list = t.expectStatus(await t.req('GET', '/api/v1/tokens', { token: s.token }), 200);
    const mine = list.json.items.find((x) => x.id === id);
    t.ok(mine, `token ${id} not listed: ${list.text}`);
    t.equal(mine.name, name);
    t.ok(!list.text.includes(secret), 'the listing shows the secret');
    t.ok(!list.text.includes(secret.slice(4, 20)), 'the listing shows part of the secret');
    t.ok(!list.json.items.some((x) => 'token' in x || 'token_hash' in x), 'the listing has a token field');
    // sessions are not API tokens
    t.equal(list.json.items.length, 1, `only the one API token is listed: ${list.text}`);
    // another user cannot revoke it
    const agent = await t.login('agent');
    t.expectError(await t.req('DELETE', `/api/v1/tokens/${id}`, { token: agent.token }), 404, 'not_found');
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: secret }), 200);
    const d = await t.req('DELETE', `/api/v1/tokens/${id}`, { token: s.token });
    t.expectStatus(d, 204);
    t.expectError(await t.req('GET', '/api/v1/session', { token: secret }), 401, 'unauthenticated');
    t.expectError(await t.req('DELETE', `/api/v1/tokens/${id}`, { token: s.token }), 404, 'not_found');
    const after = t.expectStatus(await t.req('GET', '/api/v1/tokens', { token: s.token }), 200);
    t.ok(!after.json.items.some((x) => x.id === id), 'a revoked token is still listed');
  }],

  ['API tokens: name is required, expires_in_days in 1..3650', async (t) => {
    const s = await t.login('agent');
    t.expectError(await t.req('POST', '/api/v1/tokens', { token: s.token, body: {} }), 400, 'validation_failed', 'name', 'required');
    t.expectError(await t.req('POST', '/api/v1/tokens', { token: s.token, body: { name: 'x', expires_in_days: 0 } }),
      400, 'validation_failed', 'expires_in_days');
    t.expectError(await t.req('POST', '/api/v1/tokens', { token: s.token, body: { name: 'x', expires_in_days: 3651 } }),
      400, 'validation_failed', 'expires_in_days');
    const ok = await t.req('POST', '/api/v1/tokens', { token: s.token, body: { name: 'x', expires_in_days: 3650 } });
    t.expectStatus(ok, 201);
    t.expectStatus(await t.req('DELETE', `/api/v1/tokens/${ok.json.info.id}`, { token: s.token }), 204);
  }],
];
