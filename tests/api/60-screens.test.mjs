// What the screens need beyond the documents themselves: saved views of a
// list, the dashboard's due-soon and overdue SLA lists, a request list over
// several states, and refusals as machine codes the UI translates.

async function newRequest(t, who = 'agent', body = {}) {
  const { token } = await t.login(who);
  const res = await t.req('POST', '/api/v1/requests', {
    token, body: { type: 'repair', customer_id: 2, title: '屏幕测试 漏水', ...body },
  });
  t.expectStatus(res, 201, 'create a request');
  return res.json.request;
}

export const tests = [
  ['saved views: save, replace by name, list mine, delete; another user sees none of them', async (t) => {
    const me = await t.login('agent');
    const other = await t.login('tech');
    const name = `我的待办 ${t.uniq('v')}`;
    const save = (token, body) => t.req('POST', '/api/v1/views', { token, body });
    const a = t.expectStatus(await save(me.token, { page: 'requests', name, query: 'state=new,dispatched&type=repair' }), 200).json;
    t.equal(a.page, 'requests');
    t.equal(a.query, 'state=new,dispatched&type=repair');
    const b = t.expectStatus(await save(me.token, { page: 'requests', name, query: 'open=true' }), 200).json;
    t.equal(b.id, a.id, 'the same page and name replaces the view');
    t.equal(b.query, 'open=true');
    const mine = t.expectStatus(await t.req('GET', '/api/v1/views?page=requests', { token: me.token }), 200).json.items;
    t.deepEqual(mine.filter((v) => v.name === name).map((v) => [v.id, v.query]), [[a.id, 'open=true']]);
    const theirs = t.expectStatus(await t.req('GET', '/api/v1/views', { token: other.token }), 200).json.items;
    t.ok(!theirs.some((v) => v.id === a.id), 'not in another user\'s list');
    t.expectError(await t.req('DELETE', `/api/v1/views/${a.id}`, { token: other.token }), 404, 'not_found');
    t.expectStatus(await t.req('DELETE', `/api/v1/views/${a.id}`, { token: me.token }), 204);
    t.expectError(await t.req('DELETE', `/api/v1/views/${a.id}`, { token: me.token }), 404, 'not_found');
    const audit = t.expectStatus(await t.req('GET', `/api/v1/audit?entity=saved_view&entity_id=${a.id}`, { token: await t.admin() }), 200).json;
    t.deepEqual(audit.items.map((i) => i.action), ['delete', 'save', 'save']);
  }],

  ['saved views: every field validated at its limit', async (t) => {
    const { token } = await t.login('agent');
    const save = (body) => t.req('POST', '/api/v1/views', { token, body });
    const ok = { page: 'requests', name: t.uniq('n'), query: '' };
    t.expectStatus(await save({ ...ok, query: 'q='.padEnd(2000, 'x') }), 200, 'a query of exactly 2000 bytes');
    t.expectError(await save({ ...ok, query: 'q='.padEnd(2001, 'x') }), 400, 'validation_failed', 'query');
    t.expectStatus(await save({ ...ok, name: '视'.repeat(60) }), 200, 'a name of exactly 60 characters');
    t.expectError(await save({ ...ok, name: '视'.repeat(61) }), 400, 'validation_failed', 'name');
    t.expectError(await save({ ...ok, name: '' }), 400, 'validation_failed', 'name');
    t.expectError(await save({ ...ok, page: 'Requests' }), 400, 'validation_failed', 'page');
    t.expectError(await save({ ...ok, page: 'a'.repeat(41) }), 400, 'validation_failed', 'page');
    t.expectError(await save({ name: 'x', query: '' }), 400, 'validation_failed', 'page', 'required');
    t.expectError(await t.req('GET', '/api/v1/views?pag=requests', { token }), 400, 'validation_failed', 'pag');
  }],

  ['request list: several states at once, open=true, and bad states refused', async (t) => {
    const { token } = await t.login('asmanager');
    const r = await newRequest(t);
    const two = t.expectStatus(await t.req('GET', '/api/v1/requests?state=new,closed&limit=200', { token }), 200).json.items;
    t.ok(two.length > 0);
    t.ok(two.every((x) => x.state === 'new' || x.state === 'closed'), 'only new or closed');
    t.ok(two.some((x) => x.id === r.id), 'the new request is listed');
    const open = t.expectStatus(await t.req('GET', '/api/v1/requests?open=true&limit=200', { token }), 200).json.items;
    t.ok(open.length > 0);
    t.ok(open.every((x) => x.state !== 'closed' && x.state !== 'cancelled'), 'open: nothing ended');
    t.ok(open.some((x) => x.id === r.id), 'open: the new request is listed');
    const openNew = t.expectStatus(await t.req('GET', '/api/v1/requests?open=true&state=new,closed&limit=200', { token }), 200).json.items;
    t.ok(openNew.some((x) => x.id === r.id), 'open=true&state=new,closed: the new request is listed');
    t.ok(openNew.every((x) => x.state === 'new'), 'open=true drops the ended states asked for');
    t.expectError(await t.req('GET', '/api/v1/requests?open=true&state=closed,cancelled', { token }), 400, 'validation_failed', 'state');
    t.expectError(await t.req('GET', '/api/v1/requests?state=new,teleported', { token }), 400, 'validation_failed', 'state', 'not_allowed');
    t.expectError(await t.req('GET', '/api/v1/requests?state=new,new', { token }), 400, 'validation_failed', 'state');
    t.expectError(await t.req('GET', '/api/v1/requests?state=new,', { token }), 400, 'validation_failed', 'state');
    t.expectError(await t.req('GET', '/api/v1/requests?open=yes', { token }), 400, 'validation_failed', 'open');
  }],

  ['SLA due lists: overdue and due soon across documents, soonest first, paged, with the total', async (t) => {
    const { token } = await t.login('asmanager');
    // a clock warned at once and due in 10 minutes: a policy of its own for
    // one request, switched off again once the clock runs
    const metricKey = { request_type: 'repair', severity: 'severe' };
    const pol = t.expectStatus(await t.req('POST', '/api/v1/sla/policies', { token, body: {
      name: `屏幕测试 即将到期 ${t.uniq('p')}`, metric: 'arrival', ...metricKey,
      mode: 'calendar', target_min: 10, warn_min: 20 } }), 201).json;
    let soonReq;
    try {
      soonReq = await newRequest(t, 'asmanager', { severity: 'severe' });
    } finally {
      t.expectStatus(await t.req('PATCH', `/api/v1/sla/policies/${pol.id}`, { token, body: { version: pol.version, active: false } }), 200);
    }
    const soonClock = t.expectStatus(await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${soonReq.id}`, { token }), 200).json.items;
    t.equal(soonClock.length, 1, 'the request has its arrival clock');
    t.equal(soonClock[0].policy_id, pol.id, 'the clock follows the policy made for it');
    const now = Date.now();
    const over = t.expectStatus(await t.req('GET', '/api/v1/sla/clocks?due=overdue&limit=5', { token }), 200).json;
    t.ok(typeof over.total === 'number' && over.total >= over.items.length);
    t.ok(over.items.length > 0, 'the demo history has overdue clocks: the checks below see some');
    for (const c of over.items) {
      t.equal(c.state, 'running');
      t.ok(Date.parse(c.due_at) <= now + 5000, `overdue: ${c.due_at}`);
    }
    const all = [];
    let cursor = null;
    let pages = 0;
    do {
      const page = t.expectStatus(await t.req('GET', `/api/v1/sla/clocks?due=overdue&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token }), 200).json;
      all.push(...page.items);
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 4);
    t.ok(all.length > 1, 'more than one overdue clock to order');
    for (let i = 1; i < all.length; i++)
      t.ok(all[i - 1].due_at < all[i].due_at || (all[i - 1].due_at === all[i].due_at && all[i - 1].id < all[i].id),
        'soonest due first, no repeats across pages');
    if (over.total > 7) t.ok(all.length > 7, 'the cursor leads to the next page');

    const soon = t.expectStatus(await t.req('GET', '/api/v1/sla/clocks?due=soon&limit=200', { token }), 200).json;
    t.ok(soon.items.some((c) => c.id === soonClock[0].id), 'the clock warned at once and not yet due is listed as soon');
    for (const c of soon.items) {
      t.ok(Date.parse(c.due_at) > now - 5000, 'soon: not yet due');
      t.ok(Date.parse(c.warn_at) <= now + 5000, 'soon: warned');
    }

    // a new repair's arrival clock is found by due_before and owner_id=me
    const r = await newRequest(t, 'asmanager');
    const mine = t.expectStatus(await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${r.id}`, { token }), 200).json.items;
    t.equal(mine.length, 1);
    const due = mine[0].due_at;
    const before = new Date(Date.parse(due) + 1000).toISOString();
    const hit = t.expectStatus(await t.req('GET', `/api/v1/sla/clocks?owner_id=me&due_before=${encodeURIComponent(before)}&limit=200`, { token }), 200).json;
    t.ok(hit.items.some((c) => c.id === mine[0].id), 'due before its due time + 1 s: listed');
    t.ok(hit.items.every((c) => Date.parse(c.due_at) < Date.parse(before)));
    const miss = t.expectStatus(await t.req('GET', `/api/v1/sla/clocks?owner_id=me&due_before=${encodeURIComponent(due)}&limit=200`, { token }), 200).json;
    t.ok(!miss.items.some((c) => c.id === mine[0].id), 'due before exactly its due time: not listed');

    t.expectError(await t.req('GET', '/api/v1/sla/clocks?due=later', { token }), 400, 'validation_failed', 'due', 'not_allowed');
    t.expectError(await t.req('GET', '/api/v1/sla/clocks?cursor=id.5', { token }), 400, 'validation_failed', 'cursor');
    t.expectError(await t.req('GET', '/api/v1/sla/clocks?due_before=tomorrow', { token }), 400, 'validation_failed', 'due_before');
    t.expectError(await t.req('GET', '/api/v1/sla/clocks?doc_id=5', { token }), 400, 'validation_failed', 'doc_kind');
    t.expectError(await t.req('GET', '/api/v1/sla/clocks?limit=201', { token }), 400, 'validation_failed', 'limit');
    t.expectStatus(await t.req('GET', '/api/v1/sla/clocks?due=overdue', { token: (await t.login('customer')).token }), 403);
  }],

  ['refusals carry a machine code and arguments, in the transitions list and in the error', async (t) => {
    const r = await newRequest(t);
    const { token } = await t.login('asmanager');
    const d = t.expectStatus(await t.req('GET', `/api/v1/requests/${r.id}`, { token }), 200).json;
    const tr = Object.fromEntries(d.transitions.map((x) => [x.name, x]));
    t.equal(tr.assign.allowed, false);
    t.equal(tr.assign.reason_code, 'dispatch_first');
    t.deepEqual(tr.assign.reason_args, []);
    t.equal(tr.close.reason_code, 'state');
    t.ok(tr.close.reason_args.includes('resolved'));
    t.ok(tr.dispatch.allowed);
    t.equal(tr.dispatch.reason_code, null);
    const e = t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/transitions/assign`, { token, body: { version: r.version, assignee_id: 1 } }), 409, 'transition_not_allowed');
    t.equal(e.details.code, 'dispatch_first');
    t.deepEqual(e.details.args, []);
    // a technician may work on requests but not dispatch them
    const tech = await t.login('tech');
    const e2 = t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/transitions/dispatch`, { token: tech.token, body: { version: r.version, department_id: 1 } }), 403, 'forbidden');
    t.equal(e2.details.code, 'role');
    t.ok(e2.details.args.includes('aftersales_manager'));
  }],
];
