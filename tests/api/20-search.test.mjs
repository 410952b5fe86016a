// Full-text search, GET /api/v1/search: validation names the parameter,
// engine syntax in q is only text, and who may search.  A request made here
// is found by a word of its title (so the answers checked are never empty);
// the finer points of matching (漏水 but not 水漏, prefixes, customer
// isolation ...) are covered by tests/unit/test_search.c on both engines.

const search = async (t, qs, user = 'admin') =>
  t.req('GET', `/api/v1/search?${qs}`, { token: (await t.login(user)).token });

const q = (s) => `q=${encodeURIComponent(s)}`;

export const tests = [
  ['an answer is {items: [...], next_cursor}; a new request is found by a word of its title', async (t) => {
    const word = t.uniq('srch').replace(/[0-9]/g, 'q');
    const made = await t.req('POST', '/api/v1/requests', {
      token: (await t.login('agent')).token,
      body: { type: 'repair', customer_id: 2, title: `搜索 ${word} 漏水` },
    });
    t.expectStatus(made, 201, 'create a request');
    const id = made.json.request.id;
    t.ok(Number.isInteger(id), `no request id: ${made.text}`);
    const r = t.expectStatus(await search(t, q(word)), 200);
    t.ok(Array.isArray(r.json.items), `items is not an array: ${r.text}`);
    t.ok('next_cursor' in r.json, `no next_cursor: ${r.text}`);
    t.ok(r.json.items.length > 0, `'${word}' found nothing: ${r.text}`);
    t.ok(r.json.items.some((h) => h.kind === 'request' && h.ref_id === id),
      `request ${id} is not among the hits for '${word}': ${r.text}`);
    for (const h of r.json.items) {
      t.equal(typeof h.kind, 'string');
      t.ok(Number.isInteger(h.ref_id));
      t.equal(typeof h.snippet, 'string');
      t.ok(Array.isArray(h.highlights));
    }
  }],

  ['q is required: 400 naming q', async (t) => {
    t.expectError(await search(t, ''), 400, 'validation_failed', 'q');
    t.expectError(await search(t, 'q='), 400, 'validation_failed', 'q');
    t.expectError(await search(t, 'limit=5'), 400, 'validation_failed', 'q');
  }],

  ['q: at most 100 characters (not bytes)', async (t) => {
    t.expectStatus(await search(t, q('漏'.repeat(50) + ' ' + '水'.repeat(49))), 200);
    t.expectError(await search(t, q('漏'.repeat(101))), 400, 'validation_failed', 'q');
    t.expectError(await search(t, q('a'.repeat(101))), 400, 'validation_failed', 'q');
  }],

  ['q: at most 10 words; something to search for; valid UTF-8', async (t) => {
    t.expectStatus(await search(t, q('a b c d e f g h i j')), 200);
    t.expectError(await search(t, q('a b c d e f g h i j k')), 400, 'validation_failed', 'q');
    for (const s of ['***', '   ', '😀', '"()"'])
      t.expectError(await search(t, q(s)), 400, 'validation_failed', 'q');
    t.expectError(await search(t, 'q=%FF%FE'), 400, 'validation_failed', 'q');
    t.expectError(await search(t, 'q=%E6%BC'), 400, 'validation_failed', 'q'); // truncated 漏
  }],

  ['engine syntax in q is text: never an error', async (t) => {
    for (const s of ['漏水 OR *', '"漏水"', '(漏水)', 'NEAR(漏水 异响)', '漏水 NOT 异响',
      'title:漏水', '^漏水', "漏水' & !异响 | 冰<->箱", 'a\\b:*', "x'); DROP TABLE search_docs; --",
      'SR-20261122-0001', 'ＫＴ３５ＧＷ', '漏水，异响。'])
      t.expectStatus(await search(t, q(s)), 200, `q=${s}`);
  }],

  ['limit 1..50, kind a list of names, cursor one this server gave: else 400', async (t) => {
    t.expectStatus(await search(t, `${q('漏水')}&limit=1`), 200);
    t.expectStatus(await search(t, `${q('漏水')}&limit=50`), 200);
    for (const l of ['0', '51', '-1', 'abc', '1.5', '200'])
      t.expectError(await search(t, `${q('漏水')}&limit=${l}`), 400, 'validation_failed', 'limit');
    t.expectStatus(await search(t, `${q('漏水')}&kind=request,article`), 200);
    for (const k of ['Request', 'a b', 'request,', ',', 'a,b,c,d,e,f,g,h,i', 'x'.repeat(33)])
      t.expectError(await search(t, `${q('漏水')}&kind=${encodeURIComponent(k)}`), 400, 'validation_failed', 'kind');
    t.expectError(await search(t, `${q('漏水')}&cursor=abc`), 400, 'validation_failed', 'cursor');
    t.expectError(await search(t, `${q('漏水')}&sort=rank`), 400, 'validation_failed', 'sort');
  }],

  ['search.read: every role but driver; customers too; no login 401', async (t) => {
    for (const u of ['admin', 'agent', 'asmanager', 'tech', 'qc', 'warehouse', 'finance', 'gm', 'customer'])
      t.expectStatus(await search(t, q('漏水'), u), 200, `as ${u}`);
    t.expectError(await search(t, q('漏水'), 'driver'), 403, 'forbidden');
    t.expectError(await t.req('GET', `/api/v1/search?${q('漏水')}`), 401, 'unauthenticated');
  }],

  ['the route is in the OpenAPI document', async (t) => {
    const r = t.expectStatus(await t.req('GET', '/api/v1/openapi.json'), 200);
    t.ok(r.json.paths['/api/v1/search'] && r.json.paths['/api/v1/search'].get,
      'GET /api/v1/search is missing from openapi.json');
  }],
];
