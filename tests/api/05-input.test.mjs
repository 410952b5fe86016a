// Bad input of every kind: each gets the right 4xx body and writes nothing
// (the newest audit row and the department and user counts stay the same).

const MiB = 1024 * 1024;

async function post(t, opts) {
  return t.req('POST', '/api/v1/departments', { token: await t.admin(), ...opts });
}

/* Run fn between two snapshots; they must be equal. */
async function nothingWritten(t, fn) {
  const before = await t.snapshot();
  await fn();
  await t.expectUnchanged(before);
}

export const tests = [
  ['invalid JSON: 400 validation_failed, details.field "body"', async (t) => nothingWritten(t, async () => {
    for (const raw of ['{"code": "J1", ', '{code: "J1"}', "{'code':'J1'}", '{"code":"J1","name":"x",}', '', ' '])
      t.expectError(await post(t, { raw }), 400, 'validation_failed', 'body');
    // trailing garbage after a valid object
    t.expectError(await post(t, { raw: '{"code":"J2","name":"x"} {}' }), 400, 'validation_failed', 'body');
    t.expectError(await post(t, { raw: '{"code":"J3","name":"x"}x' }), 400, 'validation_failed', 'body');
  })],

  ['invalid UTF-8 in the body: 400', async (t) => nothingWritten(t, async () => {
    const mk = (bytes) => Buffer.concat([Buffer.from('{"code":"U8","name":"ab'), Buffer.from(bytes), Buffer.from('cd"}')]);
    t.expectError(await post(t, { raw: mk([0xff, 0xfe]) }), 400, 'validation_failed', 'body');
    t.expectError(await post(t, { raw: mk([0xc0, 0xaf]) }), 400, 'validation_failed', 'body'); // overlong '/'
    t.expectError(await post(t, { raw: mk([0xed, 0xa0, 0x80]) }), 400, 'validation_failed', 'body'); // a surrogate
    t.expectError(await post(t, { raw: mk([0xe5, 0x90]) }), 400, 'validation_failed', 'body'); // truncated 名
    t.expectError(await post(t, { raw: mk([0xf4, 0x90, 0x80, 0x80]) }), 400, 'validation_failed', 'body'); // > U+10FFFF
  })],

  ['escaped NUL and lone surrogates in JSON strings: 400', async (t) => nothingWritten(t, async () => {
    t.expectError(await post(t, { raw: '{"code":"N0","name":"a\\u0000b"}' }), 400, 'validation_failed');
    t.expectError(await post(t, { raw: '{"code":"N1","name":"a\\ud800b"}' }), 400, 'validation_failed');
  })],

  ['an unknown field: 400 naming it', async (t) => nothingWritten(t, async () => {
    const e = t.expectError(await post(t, { body: { code: t.uniq('UF'), name: 'x', colour: 'red' } }), 400, 'validation_failed', 'colour');
    t.equal(e.details.reason, 'unknown');
    t.expectError(await post(t, { body: { code: t.uniq('UF'), name: 'x', id: 5 } }), 400, 'validation_failed', 'id');
    t.expectError(await post(t, { body: { code: t.uniq('UF'), name: 'x', Name: 'y' } }), 400, 'validation_failed', 'Name');
    t.expectError(await post(t, { body: { code: t.uniq('UF'), name: 'x', version: 1 } }), 400, 'validation_failed', 'version');
  })],

  ['a wrong type: 400 naming the field', async (t) => nothingWritten(t, async () => {
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: 123 } }), 400, 'validation_failed', 'name', 'wrong_type');
    t.expectError(await post(t, { body: { code: true, name: 'x' } }), 400, 'validation_failed', 'code', 'wrong_type');
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: ['x'] } }), 400, 'validation_failed', 'name', 'wrong_type');
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: { zh: 'x' } } }), 400, 'validation_failed', 'name', 'wrong_type');
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: 'x', parent_id: '1' } }), 400, 'validation_failed', 'parent_id');
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: 'x', parent_id: 1.5 } }), 400, 'validation_failed', 'parent_id');
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: 'x', parent_id: 0 } }), 400, 'validation_failed', 'parent_id');
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: 'x', parent_id: -3 } }), 400, 'validation_failed', 'parent_id');
    t.expectError(await post(t, { body: { code: t.uniq('WT'), name: null } }), 400, 'validation_failed', 'name');
    // integers beyond int64
    t.expectError(await post(t, { raw: `{"code":"${t.uniq('WT')}","name":"x","parent_id":99999999999999999999}` }), 400, 'validation_failed');
  })],

  ['length limits count characters: 100 Chinese characters fit, 101 do not', async (t) => {
    const before = await t.snapshot();
    for (const name of ['a'.repeat(101), '名'.repeat(101), '😀'.repeat(101)])
      t.expectError(await post(t, { body: { code: t.uniq('LL'), name } }), 400, 'validation_failed', 'name', 'too_long');
    t.expectError(await post(t, { body: { code: t.uniq('LL'), name: '' } }), 400, 'validation_failed', 'name', 'required');
    t.expectError(await post(t, { body: { code: 'C'.repeat(33), name: 'x' } }), 400, 'validation_failed', 'code', 'too_long');
    await t.expectUnchanged(before);
    // the boundaries themselves are accepted, and stored intact
    for (const name of ['名'.repeat(100), '😀'.repeat(100), 'a'.repeat(100)]) {
      const r = await post(t, { body: { code: t.uniq('LB'), name } });
      t.expectStatus(r, 201, `a name of ${[...name].length} characters`);
      t.equal(r.json.name, name);
      const g = t.expectStatus(await t.req('GET', `/api/v1/departments/${r.json.id}`, { token: await t.admin() }), 200);
      t.equal(g.json.name, name);
    }
    const c32 = t.uniq('K').padEnd(32, 'Z');
    t.expectStatus(await post(t, { body: { code: c32, name: 'x' } }), 201);
  }],

  ['a missing required field: 400 with reason "required"', async (t) => nothingWritten(t, async () => {
    t.expectError(await post(t, { body: { code: t.uniq('MR') } }), 400, 'validation_failed', 'name', 'required');
    t.expectError(await post(t, { body: { name: 'x' } }), 400, 'validation_failed', 'code', 'required');
    t.expectError(await post(t, { body: {} }), 400, 'validation_failed', undefined, 'required');
    t.expectError(await t.req('POST', '/api/v1/users', { token: await t.admin(), body: { password: 'pass-word-1', roles: ['agent'] } }),
      400, 'validation_failed', 'username', 'required');
  })],

  ['a JSON value that is not an object: 400', async (t) => nothingWritten(t, async () => {
    for (const raw of ['[{"code":"AR","name":"x"}]', '[]', '"text"', '123', 'null', 'true'])
      t.expectError(await post(t, { raw }), 400, 'validation_failed', 'body');
  })],

  ['a Content-Type other than application/json: 415', async (t) => nothingWritten(t, async () => {
    const raw = JSON.stringify({ code: t.uniq('CT'), name: 'x' });
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x'])
      t.expectError(await post(t, { raw, headers: { 'Content-Type': ct } }), 415, 'unsupported_media_type');
    t.expectError(await post(t, { raw, headers: { 'Content-Type': null } }), 415, 'unsupported_media_type');
  })],

  ['application/json with a charset parameter is accepted', async (t) => {
    const code = t.uniq('CS');
    const r = await post(t, { raw: JSON.stringify({ code, name: '字符集' }), headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    t.expectStatus(r, 201);
    t.equal(r.json.name, '字符集');
  }],

  ['a body of 1 MiB + 1 byte: 413 payload_too_large', async (t) => nothingWritten(t, async () => {
    const prefix = '{"code":"BIG1","name":"';
    const suffix = '"}';
    const raw = Buffer.alloc(MiB + 1, 'a');
    raw.write(prefix, 0);
    raw.write(suffix, raw.length - suffix.length);
    // Sent in one write.  The server answers before it has read the whole
    // body and then closes; when that close resets the connection the answer
    // can be lost (see the streaming test below), so a connection failure is
    // retried here; any answer but 413 fails at once.
    const errors = [];
    let r = null;
    for (let i = 0; i < 3 && r === null; i++) {
      try {
        r = await post(t, { raw, agent: false });
      } catch (e) {
        errors.push(e.message);
      }
    }
    if (r === null) throw new Error(`no answer in 3 tries (expected 413): ${errors.join('; ')}`);
    t.expectError(r, 413, 'payload_too_large');
    // the server still answers afterwards
    t.expectStatus(await t.req('GET', '/healthz'), 200);
  })],

  ['an oversized body sent with Expect: 100-continue gets 413', async (t) => nothingWritten(t, async () => {
    const r = await t.stream('/api/v1/departments', { token: await t.admin(), size: MiB + 1, expect100: true });
    t.expectError(r, 413, 'payload_too_large');
  })],

  ['an oversized body streamed in chunks gets the 413 answer, not a connection reset', async (t) => nothingWritten(t, async () => {
    // What a browser or fetch() does: no Expect header, the body written in
    // pieces.  The server must let the client read its 413 (RFC 9112 9.6:
    // read and discard, or half-close, before closing), not reset the
    // connection with the answer unread.
    const tok = await t.admin();
    for (const size of [MiB + 1, 8 * MiB]) {
      const r = await t.stream('/api/v1/departments', { token: tok, size });
      t.expectError(r, 413, 'payload_too_large');
    }
    t.expectStatus(await t.req('GET', '/healthz'), 200);
  })],

  ['a body of exactly 1 MiB is read: a too-long name gives 400, not 413', async (t) => nothingWritten(t, async () => {
    const prefix = `{"code":"${t.uniq('BIG')}","name":"`;
    const suffix = '"}';
    const raw = Buffer.alloc(MiB, 'a');
    raw.write(prefix, 0);
    raw.write(suffix, raw.length - suffix.length);
    t.equal(raw.length, MiB);
    const r = await post(t, { raw, agent: false });
    t.expectError(r, 400, 'validation_failed', 'name', 'too_long');
  })],

  ['a body on a GET: 400', async (t) => {
    const tok = await t.admin();
    const s = await t.login('agent', undefined, { fresh: true });
    await nothingWritten(t, async () => {
      t.expectError(await t.req('GET', '/api/v1/departments', { token: tok, body: { code: 'X', name: 'y' } }), 400, 'validation_failed', 'body');
      t.expectError(await t.req('GET', '/api/v1/session', { token: tok, raw: 'x' }), 400, 'validation_failed', 'body');
      // and on a DELETE, which takes no body
      t.expectError(await t.req('DELETE', '/api/v1/session', { token: s.token, body: {} }), 400, 'validation_failed', 'body');
    });
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: s.token }), 200, 'the refused logout must not end the session');
    t.expectStatus(await t.req('DELETE', '/api/v1/session', { token: s.token }), 204);
  }],

  ['duplicate keys in the JSON object: 400', async (t) => nothingWritten(t, async () => {
    const code = t.uniq('DK');
    t.expectError(await post(t, { raw: `{"code":"${code}","name":"a","name":"b"}` }), 400, 'validation_failed', 'body');
    t.expectError(await post(t, { raw: `{"code":"${code}","code":"${code}","name":"a"}` }), 400, 'validation_failed', 'body');
  })],

  ['deeply nested JSON: 400, and the server lives on', async (t) => nothingWritten(t, async () => {
    const depth = 100000;
    const raw = `{"code":"NEST","name":"x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    t.expectError(await post(t, { raw }), 400, 'validation_failed');
    t.expectStatus(await t.req('GET', '/healthz'), 200);
  })],

  ['a write without credentials: 401 and nothing written', async (t) => nothingWritten(t, async () => {
    t.expectError(await t.req('POST', '/api/v1/departments', { body: { code: t.uniq('NA'), name: 'x' } }), 401, 'unauthenticated');
    t.expectError(await t.req('POST', '/api/v1/users', { body: { username: t.uniq('na'), password: 'pass-word-1', roles: ['admin'] } }), 401, 'unauthenticated');
    t.expectError(await t.req('PATCH', '/api/v1/departments/1', { body: { version: 1, name: 'hacked' } }), 401, 'unauthenticated');
    t.expectError(await t.req('PUT', '/api/v1/roles/driver/permissions', { body: { permissions: ['user.manage'] } }), 401, 'unauthenticated');
    // bad input without credentials is still 401 (authentication comes first)
    t.expectError(await t.req('POST', '/api/v1/departments', { raw: '{bad' }), 401, 'unauthenticated');
  })],

  ['a query string over 8 KiB: 413 payload_too_large; under it is read', async (t) => {
    const tok = await t.admin();
    const under = await t.req('GET', `/api/v1/departments?cursor=${'9'.repeat(8100)}`, { token: tok });
    t.expectError(under, 400, 'validation_failed', 'cursor');
    const over = await t.req('GET', `/api/v1/departments?cursor=${'9'.repeat(8300)}`, { token: tok });
    t.expectError(over, 413, 'payload_too_large');
    const many = await t.req('GET', `/api/v1/departments?${Array.from({ length: 860 }, (_, i) => `p${i}=vvvv`).join('&')}`, { token: tok });
    t.expectError(many, 413, 'payload_too_large');
  }],

  ['many query parameters in a short query string get an answer (400 naming one)', async (t) => {
    const tok = await t.admin();
    for (const n of [500, 1000, 2000]) {
      const q = Array.from({ length: n }, () => 'x').join('&'); // 2n - 1 bytes, well under 8 KiB
      let r;
      try {
        r = await t.req('GET', `/api/v1/departments?${q}`, { token: tok, agent: false, timeoutMs: 5000 });
      } catch (e) {
        throw new Error(`${n} parameters (${q.length} bytes): ${e.message}`);
      }
      t.expectError(r, 400, 'validation_failed', 'x');
    }
  }],
];
