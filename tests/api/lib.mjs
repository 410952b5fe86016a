// Shared helpers for the Aftersales HTTP API tests: node built-ins only.
//
//   const t = makeContext({ base, state, file })
//   t.req(method, path, { token, body, headers, raw, cookie, csrf, agent, timeoutMs })
//       -> { status, headers, json, text, buf, what }
//   t.stream(path, { token, size, chunk, expect100 })   a body written in chunks
//   t.login(username, password = 'demo-2026')   cached per username+password
//   t.loginRaw(username, password)              never cached, counts failures
//   t.expectError(res, status, code, field)     checks the error body shape
//   t.assert (node:assert/strict), t.uniq(prefix), t.auditTop(), t.listAll(path),
//   t.snapshot() / t.expectUnchanged(before), t.createUser(), t.createDept(), t.bin
import http from 'node:http';
import net from 'node:net';
import assert from 'node:assert/strict';

export const DEMO_PASSWORD = 'demo-2026';
export const DEMO_USERS = ['admin', 'agent', 'asmanager', 'tech', 'bulead',
  'qc', 'warehouse', 'finance', 'sales', 'salesvp', 'gm', 'stats', 'clerk',
  'driver', 'customer'];

// Keep-alive, but drop idle sockets long before the server's 30 s timeout,
// so that a request never lands on a socket the server is closing.
const agent = new http.Agent({ keepAlive: true, timeout: 5000, maxFreeSockets: 16 });

/* One HTTP request.  body: a value sent as JSON; raw: a string or Buffer
 * sent as is (Content-Type application/json unless headers say otherwise;
 * a header set to null is not sent). */
export function request(base, method, path, opts = {}) {
  const { token, body, raw, cookie, csrf, timeoutMs = 20000 } = opts;
  const url = new URL(path, base);
  const headers = {};
  let payload = null;

  if (raw !== undefined) {
    payload = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8');
    headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body), 'utf8');
    headers['Content-Type'] = 'application/json';
  }
  if (token) headers['Authorization'] = `Bearer ${token}`;
  if (cookie) headers['Cookie'] = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (payload !== null) headers['Content-Length'] = String(payload.length);
  for (const [k, v] of Object.entries(opts.headers || {})) {
    for (const have of Object.keys(headers))
      if (have.toLowerCase() === k.toLowerCase()) delete headers[have];
    if (v !== null && v !== undefined) headers[k] = v;
  }
  const what = `${method} ${path.length > 120 ? `${path.slice(0, 120)}...(${path.length} chars)` : path}`;
  return new Promise((resolve, reject) => {
    const rq = http.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search,
      method, headers, agent: opts.agent === undefined ? agent : opts.agent,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => reject(new Error(`${what}: ${e.message}`)));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        let json = null;
        const ct = res.headers['content-type'] || '';
        if (ct.startsWith('application/json') && text.length > 0) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode, headers: res.headers, json, text, buf, what });
      });
    });
    rq.setTimeout(timeoutMs, () => rq.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    rq.on('error', (e) => reject(new Error(`${what}: no response (${e.code || e.message})`)));
    if (payload !== null) rq.end(payload); else rq.end();
  });
}

/* A POST whose body the client streams in chunks (as browsers do), stopping
 * as soon as an answer arrives.  Resolves {status, headers, json, text}; a
 * connection closed before any answer rejects. */
export function streamRequest(base, path, { token, size, chunk = 65536, expect100 = false, timeoutMs = 20000 } = {}) {
  const url = new URL(path, base);
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(size) };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (expect100) headers.Expect = '100-continue';
  const what = `POST ${path} (${size} bytes in ${chunk}-byte chunks${expect100 ? ', Expect: 100-continue' : ''})`;
  return new Promise((resolve, reject) => {
    let answered = false;
    let sent = 0;
    const rq = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search,
      method: 'POST', headers, agent: false });
    const pump = () => {
      while (sent < size && !answered) {
        const n = Math.min(chunk, size - sent);
        const part = Buffer.alloc(n, 'a');
        if (sent === 0) part.write('{"code":"STREAM","name":"'.slice(0, n));
        sent += n;
        if (sent >= size) { rq.end(part); return; }
        if (!rq.write(part)) { rq.once('drain', pump); return; }
      }
    };
    rq.setTimeout(timeoutMs, () => rq.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    rq.on('response', (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      const done = () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, json, text, what });
      };
      res.on('end', done);
      res.on('error', done);
    });
    rq.on('error', (e) => {
      if (!answered) reject(new Error(`${what}: no answer, the connection failed after ${sent} bytes (${e.code || e.message})`));
    });
    if (expect100) rq.on('continue', pump); else pump();
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function short(s, n = 400) {
  s = String(s ?? '');
  return s.length > n ? s.slice(0, n) + `...(${s.length} chars)` : s;
}

/* "name=value" pairs of the Set-Cookie headers, for a Cookie header. */
export function cookiesOf(res) {
  const out = {};
  for (const sc of res.headers['set-cookie'] || []) {
    const first = sc.split(';')[0];
    const eq = first.indexOf('=');
    out[first.slice(0, eq).trim()] = first.slice(eq + 1).trim();
  }
  return out;
}

/* State shared by every test of one run (token cache, counters). */
export function makeState(base) {
  return { base, tokens: new Map(), failedLogins: 0, logins: 0, seq: 0 };
}

export function makeContext({ base, state, file }) {
  const t = {
    stream: (path, opts) => streamRequest(base, path, opts),
    base, file, state, assert, bin: state.bin,
    equal: assert.equal, deepEqual: assert.deepEqual, ok: assert.ok,
    match: assert.match, notEqual: assert.notEqual,
  };

  t.req = (method, path, opts = {}) => request(base, method, path, opts);

  /* A unique string: prefix + run-unique counter + random letters. */
  t.uniq = (prefix = 'x') => {
    state.seq++;
    return `${prefix}${state.seq}${Math.random().toString(36).slice(2, 7)}`;
  };

  /* Status check whose message shows the request and the answer. */
  t.expectStatus = (res, status, why = '') => {
    if (res.status !== status)
      throw new assert.AssertionError({
        message: `${res.what}${why ? ` (${why})` : ''}: expected ${status}, got ${res.status}: ${short(res.text)}`,
        actual: res.status, expected: status, operator: 'strictEqual',
      });
    return res;
  };

  /* An error answer: status, {"error":{"code","message","details":{...}}},
   * optionally details.field and details.reason. */
  t.expectError = (res, status, code, field, reason) => {
    t.expectStatus(res, status);
    const j = res.json;
    assert.ok(j && typeof j === 'object' && j.error && typeof j.error === 'object',
      `${res.what}: error body is not {"error":{...}}: ${short(res.text)}`);
    assert.equal(j.error.code, code, `${res.what}: error.code: ${short(res.text)}`);
    assert.equal(typeof j.error.message, 'string', `${res.what}: error.message missing`);
    assert.ok(j.error.message.length > 0, `${res.what}: error.message empty`);
    assert.ok(j.error.details && typeof j.error.details === 'object' && !Array.isArray(j.error.details),
      `${res.what}: error.details is not an object: ${short(res.text)}`);
    if (field !== undefined)
      assert.equal(j.error.details.field, field, `${res.what}: details.field: ${short(res.text)}`);
    if (reason !== undefined)
      assert.equal(j.error.details.reason, reason, `${res.what}: details.reason: ${short(res.text)}`);
    return j.error;
  };

  /* POST /api/v1/session, never cached.  Counts failed attempts so the suite
   * can keep under the per-address limit. */
  t.loginRaw = async (username, password = DEMO_PASSWORD) => {
    const res = await t.req('POST', '/api/v1/session', { body: { username, password } });
    state.logins++;
    if (res.status === 401) state.failedLogins++;
    return res;
  };

  const loginResult = (res) => {
    const c = cookiesOf(res);
    return {
      token: res.json.token, csrf: res.json.csrf_token, user: res.json.user,
      cookie: `as_session=${c.as_session}; as_csrf=${c.as_csrf}`, res,
    };
  };

  /* Log in once per username+password for the whole run; {fresh: true}
   * always makes a new session (for tests that end it). */
  t.login = async (username, password = DEMO_PASSWORD, { fresh = false } = {}) => {
    const key = `${username}\u0000${password}`;
    if (!fresh && state.tokens.has(key)) return state.tokens.get(key);
    const res = await t.loginRaw(username, password);
    t.expectStatus(res, 200, `log in as ${username}`);
    const s = loginResult(res);
    if (!fresh) state.tokens.set(key, s);
    return s;
  };

  /* Forget a cached session (after a test ends it). */
  t.forget = (username) => {
    for (const k of [...state.tokens.keys()])
      if (k.startsWith(`${username}\u0000`)) state.tokens.delete(k);
  };

  t.admin = async () => (await t.login('admin')).token;

  /* Create a user through the admin API; returns {user, password}. */
  t.createUser = async ({ roles = ['agent'], password = 'pass-word-1', ...rest } = {}) => {
    const username = rest.username || t.uniq('u');
    const body = { username, password, display_name: `测试 ${username}`, roles, ...rest };
    const res = await t.req('POST', '/api/v1/users', { token: await t.admin(), body });
    t.expectStatus(res, 201, `create user ${username}`);
    return { user: res.json, username, password };
  };

  t.createDept = async (extra = {}) => {
    const code = extra.code || t.uniq('T');
    const res = await t.req('POST', '/api/v1/departments', {
      token: await t.admin(), body: { code, name: `测试部门 ${code}`, ...extra },
    });
    t.expectStatus(res, 201, `create department ${code}`);
    return res.json;
  };

  /* The id of the newest audit row written on behalf of a request (0 when
   * none). The scheduler's rows (SLA warnings and breaches: no user_id,
   * username "system") may appear at any moment; no request wrote them. */
  t.auditTop = async () => {
    let cursor = '';
    for (;;) {
      const res = await t.req('GET', `/api/v1/audit?limit=200${cursor}`, { token: await t.admin() });
      t.expectStatus(res, 200, 'read the audit log');
      const row = res.json.items.find((r) => !(r.user_id === null && r.username === 'system'));
      if (row) return row.id;
      if (!res.json.next_cursor) return 0;
      cursor = `&cursor=${encodeURIComponent(res.json.next_cursor)}`;
    }
  };

  /* Every item of a cursor-paginated list. */
  t.listAll = async (path, token, limit = 200) => {
    const items = [];
    let cursor = null;
    for (let page = 0; page < 10000; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const q = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.req('GET', q, { token: token || await t.admin() });
      t.expectStatus(res, 200, 'list page');
      items.push(...res.json.items);
      cursor = res.json.next_cursor;
      if (cursor === null) return items;
      assert.equal(typeof cursor, 'string', `${q}: next_cursor must be a string or null`);
    }
    throw new Error(`${path}: pagination never ended`);
  };

  /* What a rejected request must leave unchanged. */
  t.snapshot = async () => ({
    audit: await t.auditTop(),
    departments: (await t.listAll('/api/v1/departments')).length,
    users: (await t.listAll('/api/v1/users')).length,
  });
  t.expectUnchanged = async (before, what = '') => {
    const after = await t.snapshot();
    assert.deepEqual(after, before, `something was written${what ? ` by ${what}` : ''}`);
  };

  return t;
}

export const ISO_SHANGHAI = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/;
