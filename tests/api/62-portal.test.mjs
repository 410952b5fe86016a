// What each role may see of a customer's money and the customer's portal
// (issue 13 item 9): a customer's history carries contracts and purchase
// totals only for holders of contract.read and sales.read; a return form's
// limits carry the purchase figures only for holders of sales.read; and
// GET /api/v1/sla/arrivals gives readers of requests (the customer too) the
// expected arrival of a request, nothing internal, their own company only.

const DAY = 86400e3;
const daysAgo = (n) => new Date(Date.now() + 8 * 3600e3 - n * DAY).toISOString().slice(0, 10);

async function post(t, token, path, body, status = 201) {
  const res = await t.req('POST', path, { token, body });
  t.expectStatus(res, status, `POST ${path}`);
  return res.json;
}

/* A customer with a contract, purchases in its period and a delivered unit. */
async function customerWithSales(t) {
  const admin = await t.admin();
  const code = t.uniq('PT');
  const c = await post(t, admin, '/api/v1/customers', { code, name: `门户测试 ${code}`, phone: '021-6666' });
  await post(t, admin, '/api/v1/contracts', {
    contract_no: `HT-${code}`, customer_id: c.id, kind: 'sales', start_date: daysAgo(200),
    end_date: daysAgo(-100), exchange_ratio_limit_bp: 500, exchange_days_limit: 90,
  });
  await post(t, admin, '/api/v1/sales', { customer_id: c.id, sale_date: daysAgo(30), amount_fen: 87654300 });
  const models = (await t.req('GET', '/api/v1/product-models?limit=1', { token: admin })).json.items;
  const unit = await post(t, admin, '/api/v1/units', {
    serial: `${code}-1`, model_id: models[0].id, customer_id: c.id, purchase_date: daysAgo(20),
    delivery_date: daysAgo(20), amount_fen: 100000,
  });
  return { id: c.id, code, unit };
}

const FIGURES = ['purchases_fen', 'exchanged_fen', 'this_fen', 'ratio', 'ratio_ppm', 'limit_bp',
  'contract_id', 'contract_no', 'source', 'period_from', 'period_to', 'over', 'warn_share_bp'];

export const tests = [
  ['customer history: contracts only with contract.read, purchase totals only with sales.read', async (t) => {
    const c = await customerWithSales(t);
    const portal = await t.createUser({ roles: ['customer'], customer_id: c.id });
    const ptoken = (await t.login(portal.username, portal.password)).token;
    const perms = async (token) => new Set(t.expectStatus(await t.req('GET', '/api/v1/session', { token }), 200).json.permissions);
    for (const who of ['admin', 'finance', 'agent', 'tech', { token: ptoken, name: 'the portal user' }]) {
      const token = typeof who === 'string' ? (await t.login(who)).token : who.token;
      const name = typeof who === 'string' ? who : who.name;
      const p = await perms(token);
      const h = t.expectStatus(await t.req('GET', `/api/v1/customers/${c.id}/history`, { token }), 200, `${name}: history`).json;
      t.equal('sales' in h, p.has('sales.read'), `${name}: sales totals ${p.has('sales.read') ? 'missing' : 'sent without sales.read'}`);
      t.equal('contracts' in h, p.has('contract.read'), `${name}: contracts ${p.has('contract.read') ? 'missing' : 'sent without contract.read'}`);
      if (p.has('sales.read')) t.equal(h.sales.amount_fen, 87654300, `${name}: the purchase total`);
      else t.ok(!JSON.stringify(h).includes('87654300'), `${name}: the purchase total appears elsewhere in the answer`);
      t.ok(Array.isArray(h.units) && h.units.some((u) => u.id === c.unit.id), `${name}: the units are still there`);
    }
    // the test proves something: some readers hold sales.read, some do not
    t.ok((await perms((await t.login('finance')).token)).has('sales.read'), 'finance holds sales.read');
    t.ok(!(await perms((await t.login('agent')).token)).has('sales.read'), 'the agent does not hold sales.read');
  }],

  ['return form: the limits carry purchase figures only for sales.read; others get the verdicts; the customer none', async (t) => {
    const c = await customerWithSales(t);
    const agent = (await t.login('agent')).token;
    const r = (await post(t, agent, '/api/v1/returns', {
      kind: 'exchange', reason: 'unsalable', customer_id: c.id,
      lines: [{ unit_id: c.unit.id, quantity: 1, unit_price_fen: 100000 }],
    })).return;
    const get = async (token) => t.req('GET', `/api/v1/returns/${r.id}`, { token });
    // finance: every figure
    const fin = t.expectStatus(await get((await t.login('finance')).token), 200).json;
    t.equal(fin.limits.figures, true);
    t.equal(fin.limits.purchases_fen, 87654300, 'finance sees the purchases of the period');
    t.equal(fin.limits.contract_no, `HT-${c.code}`);
    // the agent who filed it (no sales.read): verdicts and days, no money
    for (const [name, res] of [['agent', await get(agent)], ['driver', await get((await t.login('driver')).token)]]) {
      if (name === 'driver' && res.status === 404) continue;   // not yet on a transport order: not its form
      const j = t.expectStatus(res, 200, name).json;
      t.ok(j.limits, `${name}: the limits' verdicts are there`);
      t.equal(j.limits.figures, false, name);
      t.equal(j.limits.ratio_ok, fin.limits.ratio_ok, `${name}: ratio verdict`);
      t.equal(j.limits.days_ok, fin.limits.days_ok, `${name}: days verdict`);
      t.equal(j.limits.max_days, fin.limits.max_days, `${name}: days`);
      const leaked = FIGURES.filter((k) => k in j.limits);
      t.deepEqual(leaked, [], `${name}: figures without sales.read`);
      t.ok(!res.text.includes('87654300') && !res.text.includes('876543.00'), `${name}: the purchases appear in the answer`);
    }
    // the customer's own portal user: no limits at all (as before)
    const portal = await t.createUser({ roles: ['customer'], customer_id: c.id });
    const ptoken = (await t.login(portal.username, portal.password)).token;
    const pj = t.expectStatus(await get(ptoken), 200).json;
    t.ok(!('limits' in pj), 'the customer gets no limits');
  }],

  ['a refused limit check: details.figures with the money only for a signer with sales.read, the verdicts for others', async (t) => {
    const admin = await t.admin();
    const c = await customerWithSales(t);
    // a form over the 90-day limit: delivered 200 days ago
    const models = (await t.req('GET', '/api/v1/product-models?limit=1', { token: admin })).json.items;
    const agent = (await t.login('agent')).token;
    const r = (await post(t, agent, '/api/v1/returns', {
      kind: 'exchange', reason: 'unsalable', customer_id: c.id,
      lines: [{ model_id: models[0].id, quantity: 1, unit_price_fen: 1000, delivery_date: daysAgo(200) }],
    })).return;
    t.equal((await t.req('GET', `/api/v1/returns/${r.id}`, { token: admin })).json.limits.days_ok, false, 'the form is over the time limit');
    // two after-sales managers: one as seeded, one whose role set lacks sales.read
    const roles = (await t.req('GET', '/api/v1/roles', { token: admin })).json;
    const orig = roles.matrix.aftersales_manager;
    t.ok(orig.includes('sales.read'), 'the after-sales manager holds sales.read');
    const asm = (await t.login('asmanager')).token;
    const step = async (token) => t.req('POST', `/api/v1/returns/${r.id}/transitions/review_aftersales`, { token, body: { version: r.version } });
    const full = await step(asm);
    t.equal(full.status, 409, `a refused limit check: ${full.text.slice(0, 200)}`);
    t.ok(full.json.error.details.figures && full.json.error.details.figures.purchases_fen === 87654300, 'with sales.read: the figures');
    const put = (perms) => t.req('PUT', '/api/v1/roles/aftersales_manager/permissions', { token: admin, body: { permissions: perms } });
    t.expectStatus(await put(orig.filter((p) => p !== 'sales.read')), 200);
    try {
      const brief = await step(asm);
      t.equal(brief.status, 409, brief.text.slice(0, 200));
      const f = brief.json.error.details.figures;
      t.ok(f && f.figures === false && f.days_ok === false, `without sales.read: the verdicts: ${brief.text.slice(0, 300)}`);
      t.deepEqual(FIGURES.filter((k) => k in f), [], 'without sales.read: no money figures');
      const j = t.expectStatus(await t.req('GET', `/api/v1/returns/${r.id}`, { token: asm }), 200).json;
      t.equal(j.limits.figures, false, 'and the form without figures');
    } finally {
      t.expectStatus(await put(orig), 200, 'restore the role');
    }
  }],

  ['GET /api/v1/sla/arrivals: the expected arrival of a request, nothing internal, the customer\'s own company only', async (t) => {
    const admin = await t.admin();
    const agent = (await t.login('agent')).token;
    const cust = await t.login('customer');
    const cid = cust.user.customer_id;
    const mine = (await post(t, cust.token, '/api/v1/requests', { type: 'repair', title: '门户到达时间测试' })).request;
    const other = (await post(t, agent, '/api/v1/requests', { type: 'repair', customer_id: cid === 2 ? 3 : 2, title: '别家的报修' })).request;
    const consult = (await post(t, cust.token, '/api/v1/requests', { type: 'consultation', title: '咨询无到场' })).request;
    const clocks = (await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${mine.id}`, { token: admin })).json.items;
    const arrival = clocks.find((k) => k.metric === 'arrival');
    t.ok(arrival, 'the repair has an arrival clock: the check would prove nothing');
    const ask = (token, ids) => t.req('GET', `/api/v1/sla/arrivals?ids=${ids}`, { token });
    const a = t.expectStatus(await ask(cust.token, `${mine.id},${other.id},${consult.id},999999999,${mine.id}`), 200).json;
    t.deepEqual(a.items.map((x) => x.request_id), [mine.id], 'only its own request with an arrival clock, once');
    t.deepEqual(Object.keys(a.items[0]).sort(), ['arrived_at', 'due_at', 'outcome', 'request_id', 'state']);
    t.equal(a.items[0].due_at, arrival.due_at);
    t.equal(a.items[0].state, 'running');
    t.equal(a.items[0].arrived_at, null);
    // staff: every company's
    const s = t.expectStatus(await ask(agent, `${mine.id},${other.id}`), 200).json;
    t.deepEqual(s.items.map((x) => x.request_id).sort((x, y) => x - y), [mine.id, other.id].sort((x, y) => x - y));
    // arrival: the clock stops; the answer says when
    const asm = (await t.login('asmanager')).token;
    let r = (await post(t, asm, `/api/v1/requests/${mine.id}/transitions/dispatch`, { version: mine.version, department_id: 1 }, 200)).request;
    const tech = await t.login('tech');
    r = (await post(t, asm, `/api/v1/requests/${mine.id}/transitions/assign`, { version: r.version, assignee_id: tech.user.id }, 200)).request;
    await post(t, tech.token, `/api/v1/requests/${mine.id}/transitions/start`, { version: r.version }, 200);
    const b = t.expectStatus(await ask(cust.token, String(mine.id)), 200).json.items[0];
    t.equal(b.state, 'stopped');
    t.ok(typeof b.arrived_at === 'string' && b.arrived_at.length > 0, `arrived_at: ${b.arrived_at}`);
    t.equal(b.outcome, 'met');
    // input: named refusals
    t.expectError(await t.req('GET', '/api/v1/sla/arrivals', { token: cust.token }), 400, 'validation_failed', 'ids');
    t.expectError(await ask(cust.token, '1,x'), 400, 'validation_failed', 'ids');
    t.expectError(await ask(cust.token, '0'), 400, 'validation_failed', 'ids');
    t.expectError(await ask(cust.token, '1,,2'), 400, 'validation_failed', 'ids');
    t.expectError(await ask(cust.token, Array.from({ length: 101 }, (_, i) => i + 1).join(',')), 400, 'validation_failed', 'ids');
    t.expectStatus(await ask(cust.token, Array.from({ length: 100 }, (_, i) => i + 1).join(',')), 200);
    t.expectError(await t.req('GET', `/api/v1/sla/arrivals?ids=1&x=1`, { token: cust.token }), 400, 'validation_failed', 'x');
    // request.read needed (the driver has none)
    t.expectError(await ask((await t.login('driver')).token, String(mine.id)), 403, 'forbidden');
  }],
  ['the portal\'s message box: a staff reply and a resolved request notify the company\'s portal users, not a note, not another company', async (t) => {
    const agent = (await t.login('agent')).token;
    const cust = await t.login('customer');
    const c = await customerWithSales(t);
    const otherPortal = await t.createUser({ roles: ['customer'], customer_id: c.id });
    const otherTok = (await t.login(otherPortal.username, otherPortal.password)).token;
    const inbox = async (token) => t.expectStatus(await t.req('GET', '/api/v1/notifications?limit=200', { token }), 200).json.items;
    const r = (await post(t, cust.token, '/api/v1/requests', { type: 'consultation', title: '门户消息测试' })).request;
    await post(t, agent, `/api/v1/requests/${r.id}/events`, { kind: 'note', body: '内部备注不通知客户' });
    t.ok(!(await inbox(cust.token)).some((n) => n.ref_id === r.id), 'an internal note notified the customer');
    await post(t, agent, `/api/v1/requests/${r.id}/events`, { kind: 'reply', body: '您好，已收到。' });
    let mine = (await inbox(cust.token)).filter((n) => n.ref_kind === 'request' && n.ref_id === r.id);
    t.equal(mine.length, 1, 'one message for the reply');
    t.equal(mine[0].code || mine[0].kind, 'customer_reply');
    t.equal(mine[0].args.number, r.number);
    t.equal(mine[0].args.title, r.title);
    t.ok(!mine[0].read, 'unread');
    // the customer's own reply does not notify itself
    await post(t, cust.token, `/api/v1/requests/${r.id}/events`, { kind: 'reply', body: '谢谢' });
    t.equal((await inbox(cust.token)).filter((n) => n.ref_id === r.id && n.ref_kind === 'request').length, 1);
    // resolved: the customer is asked to confirm
    const asm = (await t.login('asmanager')).token;
    let cur = (await t.req('GET', `/api/v1/requests/${r.id}`, { token: asm })).json.request;
    cur = (await post(t, asm, `/api/v1/requests/${r.id}/transitions/dispatch`, { version: cur.version, department_id: 1 }, 200)).request;
    const tech = await t.login('tech');
    cur = (await post(t, asm, `/api/v1/requests/${r.id}/transitions/assign`, { version: cur.version, assignee_id: tech.user.id }, 200)).request;
    cur = (await post(t, tech.token, `/api/v1/requests/${r.id}/transitions/start`, { version: cur.version }, 200)).request;
    await post(t, tech.token, `/api/v1/requests/${r.id}/transitions/resolve`, { version: cur.version, resolution: '已电话解答' }, 200);
    mine = (await inbox(cust.token)).filter((n) => n.ref_kind === 'request' && n.ref_id === r.id);
    t.deepEqual(mine.map((n) => n.code || n.kind).sort(), ['customer_reply', 'customer_resolved']);
    // another company's portal user: nothing about it
    t.ok(!(await inbox(otherTok)).some((n) => n.ref_kind === 'request' && n.ref_id === r.id), 'another company was notified');
  }],
];
