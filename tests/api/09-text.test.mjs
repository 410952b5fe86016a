// Text that names or numbers a thing (issue 12, item 10): codes, numbers,
// user names and file names refuse invisible and bidirectional control
// characters (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF), naming
// the field; the characters just outside those ranges are accepted; a NUL
// (%00) in a file name or any query parameter is refused, never cut.

const REFUSED = [0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d,
  0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff];
// the neighbours of each range: ordinary (if unusual) characters
const ACCEPTED = [0x200a, 0x2010, 0x2029, 0x202f, 0x2065, 0x206a, 0xfefe];
const ch = (cp) => String.fromCodePoint(cp);
const hex = (cp) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

async function newRequest(t) {
  const { token } = await t.login('agent');
  const res = await t.req('POST', '/api/v1/requests', {
    token, body: { type: 'repair', customer_id: 2, title: '文字测试 附件' },
  });
  t.expectStatus(res, 201, 'create a request');
  return res.json.request;
}

async function attachments(t, id, token) {
  const g = t.expectStatus(await t.req('GET', `/api/v1/requests/${id}`, { token }), 200);
  return g.json.attachments.map((a) => a.filename);
}

export const tests = [
  ['a code with an invisible or bidi control character is refused naming it; its neighbours are not', async (t) => {
    const tok = await t.admin();
    const before = await t.snapshot();
    for (const cp of REFUSED) {
      const code = `TX${ch(cp)}${t.uniq('')}`;
      const e = t.expectError(await t.req('POST', '/api/v1/departments', { token: tok, body: { code, name: '文字' } }),
        400, 'validation_failed', 'code', 'invisible_character');
      t.ok(e.message.includes(hex(cp)), `${hex(cp)}: the message names it: ${e.message}`);
      // at the start and at the end too
      t.expectError(await t.req('POST', '/api/v1/customers', { token: tok, body: { code: `${ch(cp)}C${t.uniq('')}`, name: '文字' } }),
        400, 'validation_failed', 'code', 'invisible_character');
      t.expectError(await t.req('POST', '/api/v1/customers', { token: tok, body: { code: `C${t.uniq('')}${ch(cp)}`, name: '文字' } }),
        400, 'validation_failed', 'code', 'invisible_character');
    }
    await t.expectUnchanged(before, 'a refused code');
    for (const cp of ACCEPTED) {
      const r = await t.req('POST', '/api/v1/customers', { token: tok, body: { code: `C${ch(cp)}${t.uniq('')}`, name: '文字' } });
      t.expectStatus(r, 201, `a code with ${hex(cp)}`);
    }
    // the same in a text that names nothing: allowed (a zero-width joiner
    // belongs in emoji)
    t.expectStatus(await t.req('POST', '/api/v1/departments', { token: tok, body: { code: t.uniq('TX'), name: `研发${ch(0x200d)}部` } }), 201);
  }],

  ['numbers and user names: serial, contract number, display name refused the same way', async (t) => {
    const tok = await t.admin();
    t.expectError(await t.req('POST', '/api/v1/users', { token: tok, body: { username: t.uniq('tx'), password: 'pass-word-1', display_name: `王${ch(0x202e)}五`, roles: ['agent'] } }),
      400, 'validation_failed', 'display_name', 'invisible_character');
    t.expectError(await t.req('POST', '/api/v1/users', { token: tok, body: { username: `tx${ch(0x200b)}a`, password: 'pass-word-1', roles: ['agent'] } }),
      400, 'validation_failed', 'username');
    t.expectError(await t.req('POST', '/api/v1/requests', { token: (await t.login('agent')).token, body: { type: 'repair', customer_id: 2, title: 'x', serial: `SN${ch(0xfeff)}1` } }),
      400, 'validation_failed', 'serial', 'invisible_character');
    t.expectError(await t.req('POST', '/api/v1/product-models', { token: tok, body: { model_no: `KF${ch(0x2066)}35`, name: 'x' } }),
      400, 'validation_failed', 'model_no', 'invisible_character');
  }],

  ['an attachment file name: NUL (%00) and bidi controls refused naming filename, nothing stored', async (t) => {
    const r = await newRequest(t);
    const { token } = await t.login('tech');
    const png = Buffer.alloc(100, 7);
    png.write('\x89PNG', 0, 'latin1');
    const post = (q) => t.req('POST', `/api/v1/requests/${r.id}/attachments?filename=${q}`,
      { token, raw: png, headers: { 'Content-Type': 'image/png' } });
    let e = t.expectError(await post('photo.png%00.exe'), 400, 'validation_failed', 'filename');
    t.ok(/NUL/.test(e.message), `the message says NUL: ${e.message}`);
    t.expectError(await post('%00'), 400, 'validation_failed', 'filename');
    t.expectError(await post('a%00'), 400, 'validation_failed', 'filename');
    // "photo<RLO>gnp.exe" shows as "photoexe.png"
    e = t.expectError(await post(encodeURIComponent(`photo${ch(0x202e)}gnp.exe`)), 400, 'validation_failed', 'filename');
    t.expectError(await post(encodeURIComponent(`${ch(0xfeff)}a.png`)), 400, 'validation_failed', 'filename');
    t.deepEqual(await attachments(t, r.id, token), [], 'a refused file was stored');
    // with many parameters the query is parsed by the server itself: the same
    const many = Array.from({ length: 40 }, (_, i) => `&x${i}=1`).join('');
    t.expectError(await post(`b.png%00.exe${many}`), 400, 'validation_failed');
    // a plain one, and %41 still decodes
    t.expectStatus(await post('ok%41.png'), 201);
    t.deepEqual(await attachments(t, r.id, token), ['okA.png']);
  }],

  ['a NUL in any query parameter or in the path is refused, not cut', async (t) => {
    const tok = await t.admin();
    const e = t.expectError(await t.req('GET', '/api/v1/users?q=adm%00in', { token: tok }), 400, 'validation_failed', 'q');
    t.ok(/NUL/.test(e.message), e.message);
    const p = await t.req('GET', '/api/v1/users/1%00', { token: tok });
    t.ok(p.status === 400 || p.status === 404, `a NUL in the path: ${p.status} ${p.text}`);
  }],
];
