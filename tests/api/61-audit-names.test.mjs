// The audit list names its rows for people: the user's display name and the
// document (request or return) each row belongs to, from the list query
// itself (GET /api/v1/audit).

const daysAgo = (n) => new Date(Date.now() - n * 86400000 + 8 * 3600000).toISOString().slice(0, 10);

async function post(t, token, path, body, status = 201) {
  const res = await t.req('POST', path, { token, body });
  t.expectStatus(res, status, `POST ${path}`);
  return res.json;
}

async function audit(t, query) {
  return t.expectStatus(await t.req('GET', `/api/v1/audit?${query}`, { token: await t.admin() }), 200).json.items;
}

async function displayName(t, token) {
  return t.expectStatus(await t.req('GET', '/api/v1/session', { token }), 200).json.user.display_name;
}

export const tests = [
  ['audit rows of a request and its note carry the request number and the user\'s display name', async (t) => {
    const { token } = await t.login('agent');
    const name = await displayName(t, token);
    t.ok(name && name !== 'agent', 'the demo agent has a display name');
    const r = (await post(t, token, '/api/v1/requests', { type: 'repair', customer_id: 2, title: '审计 显示 测试' })).request;
    t.match(r.number, /^SR-/);
    const ev = await post(t, token, `/api/v1/requests/${r.id}/events`, { kind: 'note', body: '审计备注' });
    const rows = await audit(t, `entity=request&entity_id=${r.id}`);
    t.ok(rows.length >= 1);
    for (const a of rows) {
      t.equal(a.doc_number, r.number);
      t.equal(a.doc_kind, 'request');
      t.equal(a.doc_id, r.id);
      t.equal(a.username, 'agent');
      t.equal(a.display_name, name);
    }
    const evId = ev.id || (ev.event && ev.event.id);
    t.ok(evId, 'the note has an id');
    const er = await audit(t, `entity=request_event&entity_id=${evId}`);
    t.equal(er.length, 1);
    t.deepEqual([er[0].doc_kind, er[0].doc_id, er[0].doc_number], ['request', r.id, r.number]);
  }],

  ['audit rows of a return and its signature carry the return number; rows of master data have none', async (t) => {
    const admin = await t.admin();
    const code = t.uniq('AU');
    const c = await post(t, admin, '/api/v1/customers', { code, name: `审计客户 ${code}` });
    const model = await post(t, admin, '/api/v1/product-models', { model_no: t.uniq('AUM-'), name: '审计机型' });
    const unit = await post(t, admin, '/api/v1/units', {
      serial: `${code}-1`, model_id: model.id, customer_id: c.id, purchase_date: daysAgo(10),
      delivery_date: daysAgo(10), amount_fen: 100000,
    });
    const agent = (await t.login('asmanager')).token; // the head reviews a quality return
    let r = (await post(t, agent, '/api/v1/returns', {
      kind: 'refund', reason: 'quality', customer_id: c.id,
      lines: [{ unit_id: unit.id, quantity: 1, unit_price_fen: 100000 }],
    })).return;
    t.match(r.number, /^RT-/);
    r = (await post(t, agent, `/api/v1/returns/${r.id}/transitions/review_aftersales`, { version: r.version }, 200)).return;
    const rows = await audit(t, `entity=return&entity_id=${r.id}`);
    t.deepEqual(rows.map((a) => a.action), ['transition:review_aftersales', 'create']);
    t.ok(rows.every((a) => a.doc_number === r.number && a.doc_kind === 'return' && a.doc_id === r.id));
    const sig = (await audit(t, 'entity=return_signature&action=sign&limit=1'))[0];
    t.deepEqual([sig.doc_kind, sig.doc_id, sig.doc_number], ['return', r.id, r.number]);
    t.equal(sig.display_name, await displayName(t, agent));
    const cr = (await audit(t, `entity=customer&entity_id=${c.id}`))[0];
    t.deepEqual([cr.doc_kind, cr.doc_id, cr.doc_number], [null, null, null]);
    t.equal(cr.display_name, await displayName(t, admin));
  }],

  ['audit rows without a user (a failed login) have no display name', async (t) => {
    t.expectStatus(await t.req('POST', '/api/v1/session', { body: { username: t.uniq('nobody'), password: 'wrong-pass' } }), 401);
    const row = (await audit(t, 'action=login_failed&limit=1'))[0];
    t.equal(row.user_id, null);
    t.equal(row.display_name, null);
    t.equal(row.doc_number, null);
  }],

  ['a page of audit rows with names is still paged by its cursor', async (t) => {
    const first = t.expectStatus(await t.req('GET', '/api/v1/audit?limit=3', { token: await t.admin() }), 200).json;
    t.equal(first.items.length, 3);
    t.ok(first.next_cursor);
    const next = t.expectStatus(await t.req('GET', `/api/v1/audit?limit=3&cursor=${encodeURIComponent(first.next_cursor)}`, { token: await t.admin() }), 200).json;
    t.ok(next.items.length > 0);
    t.ok(next.items[0].id < first.items[2].id, 'the next page starts after the first');
    for (const a of [...first.items, ...next.items]) t.ok('display_name' in a && 'doc_number' in a);
  }],
];
