// Service requests (SPEC §4.1, §5.2): intake, first-contact ownership,
// dispatch then assign, the state machine with named missing conditions,
// the timeline and what customers see, attachments, the knowledge base.
const H = { 'Content-Type': 'application/json' };

// A technician of no department (the demo staff all have one).
async function homeless(t) {
  const r = await t.req('POST', '/api/v1/users', {
    token: await t.admin(),
    body: { username: t.uniq('nodept-'), password: 'pass-word-1', display_name: '无部门技术员', roles: ['technician'] },
  });
  t.expectStatus(r, 201, 'a user of no department');
  t.equal(r.json.department_id, null);
  return r.json.id;
}

async function ids(t) {
  const admin = await t.admin();
  const depts = await t.listAll('/api/v1/departments', admin);
  const users = await t.listAll('/api/v1/users', admin);
  const dept = (code) => depts.find((d) => d.code === code).id;
  const user = (name) => users.find((u) => u.username === name).id;
  return { dept, user };
}

async function newRequest(t, who = 'agent', body = {}) {
  const { token } = await t.login(who);
  const res = await t.req('POST', '/api/v1/requests', {
    token, body: { type: 'repair', customer_id: 2, title: '空调漏水', description: '室内机漏水,有异响', ...body },
  });
  t.expectStatus(res, 201, 'create a request');
  return res.json.request;
}

async function step(t, who, r, name, extra = {}) {
  const { token } = await t.login(who);
  return t.req('POST', `/api/v1/requests/${r.id}/transitions/${name}`, {
    token, body: { version: r.version, ...extra },
  });
}

export const tests = [
  ['create: number, owner = the taker, state new, timeline', async (t) => {
    const { user } = await ids(t);
    const r = await newRequest(t);
    t.match(r.number, /^SR-\d{8}-\d{4}$/);
    t.equal(r.state, 'new');
    t.equal(r.owner_id, user('agent'));
    t.equal(r.in_warranty, null, 'no unit: warranty unknown');
    const ev = await t.req('GET', `/api/v1/requests/${r.id}/events`, { token: (await t.login('agent')).token });
    t.equal(ev.json.items[0].kind, 'created');
    const audit = await t.req('GET', `/api/v1/audit?entity=request&entity_id=${r.id}`, { token: await t.admin() });
    t.equal(audit.json.items.length, 1);
    t.equal(audit.json.items[0].action, 'create');
  }],

  ['create: validation names the field; unknown customer refused', async (t) => {
    const { token } = await t.login('agent');
    t.expectError(await t.req('POST', '/api/v1/requests', { token, body: { type: 'repair', customer_id: 2 } }),
      400, 'validation_failed', 'title', 'required');
    t.expectError(await t.req('POST', '/api/v1/requests', { token, body: { type: 'teleport', customer_id: 2, title: 'x' } }),
      400, 'validation_failed', 'type', 'not_allowed');
    t.expectError(await t.req('POST', '/api/v1/requests', { token, body: { type: 'repair', title: 'x' } }),
      400, 'validation_failed', 'customer_id', 'required');
    t.expectError(await t.req('POST', '/api/v1/requests', { token, body: { type: 'repair', customer_id: 99999, title: 'x' } }),
      400, 'validation_failed', 'customer_id', 'not_found');
    t.expectError(await t.req('POST', '/api/v1/requests', { token, body: { type: 'repair', serial: 'NO-SUCH-SERIAL', title: 'x' } }),
      400, 'validation_failed', 'serial', 'not_found');
  }],

  ['the whole path: dispatch, assign, start, resolve, confirm, close', async (t) => {
    const { dept, user } = await ids(t);
    let r = await newRequest(t);
    let res = await step(t, 'asmanager', r, 'dispatch', { department_id: dept('BU1') });
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.state, 'dispatched');
    res = await step(t, 'asmanager', r, 'assign', { assignee_id: user('tech') });
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.assignee_id, user('tech'));
    res = await step(t, 'tech', r, 'start');
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.state, 'in_progress');
    res = await step(t, 'tech', r, 'wait', { reason: 'waiting_parts' });
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.state, 'waiting');
    res = await step(t, 'tech', r, 'resume');
    t.expectStatus(res, 200); r = res.json.request;
    res = await step(t, 'tech', r, 'resolve', { resolution: '更换排水管, 试机正常' });
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.state, 'resolved');
    // a repair cannot close before the customer confirms: the reason is named
    res = await step(t, 'agent', r, 'close');
    const e = t.expectError(res, 409, 'transition_not_allowed', 'transition');
    t.match(e.details.missing, /confirmation/);
    res = await step(t, 'agent', r, 'confirm', { note: '客户电话确认已修好' });
    t.expectStatus(res, 200); r = res.json.request;
    t.ok(r.customer_confirmed_at);
    res = await step(t, 'agent', r, 'close');
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.state, 'closed');
    t.ok(r.closed_at);
    // reopen, then it can be dispatched again
    res = await step(t, 'agent', r, 'reopen', { note: '又漏水了' });
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.state, 'reopened');
    t.equal(r.reopen_count, 1);
    t.equal(r.customer_confirmed_at, null);
  }],

  ['refused transitions name the missing condition', async (t) => {
    const { dept, user } = await ids(t);
    let r = await newRequest(t);
    // wrong state
    let e = t.expectError(await step(t, 'agent', r, 'close'), 409, 'transition_not_allowed', 'transition');
    t.equal(e.details.transition, 'close');
    t.equal(e.details.state, 'new');
    t.match(e.details.missing, /resolved/);
    // guard: assign before dispatch
    e = t.expectError(await step(t, 'asmanager', r, 'assign', { assignee_id: user('tech') }),
      409, 'transition_not_allowed');
    t.match(e.details.missing, /department/);
    // guard: a repair is not resolved from new (only a consultation is)
    e = t.expectError(await step(t, 'agent', r, 'resolve', { resolution: '已处理' }), 409, 'transition_not_allowed');
    t.equal(e.details.code, 'consultation_only');
    t.match(e.details.missing, /consultation/);
    // guard: resolve without a resolution
    const consult = await newRequest(t, 'agent', { type: 'consultation' });
    e = t.expectError(await step(t, 'agent', consult, 'resolve'), 409, 'transition_not_allowed');
    t.equal(e.details.code, 'resolution_needed');
    t.match(e.details.missing, /resolution/);
    // role: a technician may not dispatch
    e = t.expectError(await step(t, 'tech', r, 'dispatch', { department_id: dept('BU1') }), 403, 'forbidden');
    t.match(e.details.required_role, /aftersales_manager/);
    // input: dispatch needs a department
    t.expectError(await step(t, 'asmanager', r, 'dispatch'), 400, 'validation_failed', 'department_id', 'required');
    // a person of no department cannot take a dispatched request
    const res = await step(t, 'asmanager', r, 'dispatch', { department_id: dept('QC') });
    t.expectStatus(res, 200); r = res.json.request;
    t.expectError(await step(t, 'asmanager', r, 'assign', { assignee_id: await homeless(t) }),
      400, 'validation_failed', 'assignee_id', 'no_department');
    // unknown step
    t.expectError(await step(t, 'asmanager', r, 'teleport'), 400, 'validation_failed', 'transition', 'unknown');
    // nothing changed by the refusals: still version 2, dispatched
    const g = await t.req('GET', `/api/v1/requests/${r.id}`, { token: (await t.login('agent')).token });
    t.equal(g.json.request.version, 2);
    t.equal(g.json.request.state, 'dispatched');
  }],

  ['assign: anyone of any department, grouped with their open load; the dispatch moves with them', async (t) => {
    const { dept, user } = await ids(t);
    const nodept = await homeless(t);
    let r = await newRequest(t);
    let res = await step(t, 'asmanager', r, 'dispatch', { department_id: dept('QC') });
    t.expectStatus(res, 200); r = res.json.request;
    const { token } = await t.login('asmanager');
    const list = async () => t.expectStatus(await t.req('GET', `/api/v1/requests/${r.id}/assignees`, { token }), 200).json;
    let a = await list();
    t.equal(a.department_id, dept('QC'));
    const tech = a.items.find((u) => u.id === user('tech'));
    t.ok(tech, 'the technician of another department is offered');
    t.equal(tech.department_id, dept('BU1'));
    t.equal(tech.technician, true);
    t.equal(typeof tech.department_name, 'string');
    t.ok(!a.items.some((u) => u.id === nodept), 'no department: not offered');
    t.ok(!a.items.some((u) => u.username === 'customer'), 'customer users are not offered');
    // grouped: one department's people together
    const order = a.items.map((u) => u.department_id);
    t.equal(new Set(order).size, order.filter((d, i) => i === 0 || order[i - 1] !== d).length, 'grouped by department');
    const before = tech.open_requests;
    // assign across departments: the dispatch moves to the person's department
    res = await step(t, 'asmanager', r, 'assign', { assignee_id: user('tech') });
    t.expectStatus(res, 200); r = res.json.request;
    t.equal(r.state, 'assigned');
    t.equal(r.assignee_id, user('tech'));
    t.equal(r.department_id, dept('BU1'));
    const ev = await t.req('GET', `/api/v1/requests/${r.id}/events`, { token });
    const last = ev.json.items[ev.json.items.length - 1];
    t.equal(last.data.step, 'assign');
    t.equal(last.data.department_id, dept('BU1'));
    a = await list();
    t.equal(a.department_id, dept('BU1'));
    t.equal(a.items.find((u) => u.id === user('tech')).open_requests, before + 1, 'the load counts it');
    // resolved: no longer open
    res = await step(t, 'asmanager', r, 'resolve', { resolution: '已更换密封圈' });
    t.expectStatus(res, 200);
    a = await list();
    t.equal(a.items.find((u) => u.id === user('tech')).open_requests, before);
    // for those who dispatch: a technician or a customer user is refused
    t.expectError(await t.req('GET', `/api/v1/requests/${r.id}/assignees`, { token: (await t.login('tech')).token }), 403, 'forbidden');
    t.expectError(await t.req('GET', `/api/v1/requests/${r.id}/assignees`, { token: (await t.login('customer')).token }), 403, 'forbidden');
    t.expectStatus(await t.req('GET', '/api/v1/requests/999999/assignees', { token }), 404);
  }],

  ['the detail lists every transition, allowed or with its reason', async (t) => {
    const r = await newRequest(t);
    const g = await t.req('GET', `/api/v1/requests/${r.id}`, { token: (await t.login('tech')).token });
    t.expectStatus(g, 200);
    const tr = Object.fromEntries(g.json.transitions.map((x) => [x.name, x]));
    t.equal(tr.dispatch.allowed, false);
    t.match(tr.dispatch.reason, /role/);
    t.equal(tr.resolve.allowed, false);
    t.equal(tr.resolve.reason_code, 'consultation_only');
    t.equal(tr.close.allowed, false);
    // a consultation: resolve is refused only for the missing resolution
    const c = await newRequest(t, 'agent', { type: 'consultation' });
    const gc = t.expectStatus(await t.req('GET', `/api/v1/requests/${c.id}`, { token: (await t.login('tech')).token }), 200);
    const trc = Object.fromEntries(gc.json.transitions.map((x) => [x.name, x]));
    t.equal(trc.resolve.allowed, false);
    t.equal(trc.resolve.reason_code, 'resolution_needed');
    t.match(trc.resolve.reason, /resolution/);
  }],

  ['resolve: only a consultation from new; every other type by its assignee or a manager', async (t) => {
    const { dept, user } = await ids(t);
    const types = ['consultation', 'repair', 'complaint', 'return', 'installation', 'maintenance', 'guidance',
      'suggestion', 'appointment', 'feedback'];
    for (const type of types) {
      // from new, by a technician who has nothing to do with it
      const r = await newRequest(t, 'agent', { type });
      const res = await step(t, 'tech', r, 'resolve', { resolution: '电话答复, 已解决' });
      if (type === 'consultation') {
        t.expectStatus(res, 200, 'a consultation is resolved at once from new');
        t.equal(res.json.request.state, 'resolved');
      } else {
        const e = t.expectError(res, 409, 'transition_not_allowed', 'transition');
        t.equal(e.details.code, 'consultation_only', `${type} from new`);
        t.equal(e.details.state, 'new');
      }
    }
    // a repair, dispatched and assigned: another technician of the same
    // department may not resolve it, the assignee may
    const other = await t.createUser({ roles: ['technician'], department_id: dept('BU1') });
    const otherTok = (await t.login(other.username, other.password)).token;
    let r = await newRequest(t, 'agent', { type: 'repair' });
    r = t.expectStatus(await step(t, 'asmanager', r, 'dispatch', { department_id: dept('BU1') }), 200).json.request;
    // dispatched, nobody assigned: not even the technician who would get it
    let e = t.expectError(await step(t, 'tech', r, 'resolve', { resolution: '已修好' }), 409, 'transition_not_allowed');
    t.equal(e.details.code, 'assignee_or_manager');
    r = t.expectStatus(await step(t, 'asmanager', r, 'assign', { assignee_id: user('tech') }), 200).json.request;
    e = t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/transitions/resolve`,
      { token: otherTok, body: { version: r.version, resolution: '已修好' } }), 409, 'transition_not_allowed');
    t.equal(e.details.code, 'assignee_or_manager');
    const g = t.expectStatus(await t.req('GET', `/api/v1/requests/${r.id}`, { token: otherTok }), 200).json;
    t.equal(g.transitions.find((x) => x.name === 'resolve').reason_code, 'assignee_or_manager');
    r = t.expectStatus(await step(t, 'tech', r, 'resolve', { resolution: '更换排水泵' }), 200).json.request;
    t.equal(r.state, 'resolved');
    // the after-sales manager resolves a dispatched complaint nobody was assigned to
    let c = await newRequest(t, 'agent', { type: 'complaint' });
    c = t.expectStatus(await step(t, 'asmanager', c, 'dispatch', { department_id: dept('BU1') }), 200).json.request;
    t.expectError(await step(t, 'agent', c, 'resolve', { resolution: '已致歉' }), 409, 'transition_not_allowed');
    c = t.expectStatus(await step(t, 'asmanager', c, 'resolve', { resolution: '已致歉并补偿' }), 200).json.request;
    t.equal(c.state, 'resolved');
  }],

  ['mandatory texts are trimmed: white space alone is refused naming the field, one character is enough', async (t) => {
    const { token } = await t.login('agent');
    const blanks = ['   ', '\t\n ', '\u3000\u3000', ' \u00a0 '];
    for (const b of blanks)
      t.expectError(await t.req('POST', '/api/v1/requests', { token, body: { type: 'consultation', customer_id: 2, title: b } }),
        400, 'validation_failed', 'title', 'required');
    let res = await t.req('POST', '/api/v1/requests', { token, body: { type: 'consultation', customer_id: 2, title: '  a  ' } });
    t.expectStatus(res, 201, 'a one-character title');
    let r = res.json.request;
    t.equal(r.title, 'a', 'the title is stored trimmed');
    // an event body
    for (const b of blanks)
      t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/events`, { token, body: { kind: 'note', body: b } }),
        400, 'validation_failed', 'body', 'required');
    t.expectStatus(await t.req('POST', `/api/v1/requests/${r.id}/events`, { token, body: { kind: 'reply', body: 'a' } }), 201);
    // a resolution: blank is refused naming it (not taken as "no resolution")
    r = (await t.req('GET', `/api/v1/requests/${r.id}`, { token })).json.request;
    for (const b of blanks)
      t.expectError(await step(t, 'agent', r, 'resolve', { resolution: b }), 400, 'validation_failed', 'resolution', 'required');
    res = await step(t, 'agent', r, 'resolve', { resolution: ' a ' });
    t.expectStatus(res, 200, 'a one-character resolution');
    t.equal(res.json.request.resolution, 'a');
    // a cancel reason
    const c = await newRequest(t);
    for (const b of blanks)
      t.expectError(await step(t, 'asmanager', c, 'cancel', { reason: b }), 400, 'validation_failed', 'reason', 'required');
    t.expectStatus(await step(t, 'asmanager', c, 'cancel', { reason: 'a' }), 200, 'a one-character reason');
    // knowledge base: title and body
    const kbTok = (await t.login('tech')).token;
    t.expectError(await t.req('POST', '/api/v1/kb/articles', { token: kbTok, body: { kind: 'case', title: '   ', body: '正文' } }),
      400, 'validation_failed', 'title', 'required');
    t.expectError(await t.req('POST', '/api/v1/kb/articles', { token: kbTok, body: { kind: 'case', title: '标题', body: '\u3000 ' } }),
      400, 'validation_failed', 'body', 'required');
    const k = t.expectStatus(await t.req('POST', '/api/v1/kb/articles', { token: kbTok, body: { kind: 'case', title: 'a', body: 'b' } }), 201).json;
    t.expectError(await t.req('PUT', `/api/v1/kb/articles/${k.id}`, { token: kbTok, body: { kind: 'case', title: ' ', body: 'b', version: k.version } }),
      400, 'validation_failed', 'title', 'required');
  }],

  ['a customer naming another company\'s unit, serial or customer gets exactly the answer of one that does not exist', async (t) => {
    const admin = await t.admin();
    const cust = (await t.login('customer')).token;
    const model = (await t.req('GET', '/api/v1/product-models?limit=1', { token: admin })).json.items[0];
    const u = t.expectStatus(await t.req('POST', '/api/v1/units', { token: admin, body: {
      serial: t.uniq('OTHER-SN-'), model_id: model.id, customer_id: 2, purchase_date: '2026-01-05' } }), 201).json;
    const create = (body) => t.req('POST', '/api/v1/requests', { token: cust, body: { type: 'repair', title: '不制冷', ...body } });
    const same = (a, b, what) => {
      t.equal(a.status, b.status, `${what}: status`);
      t.deepEqual(a.json, b.json, `${what}: the answers differ`);
    };
    same(await create({ unit_id: u.id }), await create({ unit_id: 999999999 }), 'unit_id');
    same(await create({ serial: u.serial }), await create({ serial: 'NO-SUCH-SERIAL-1' }), 'serial');
    const a = await create({ customer_id: 2 });
    const b = await create({ customer_id: 999999999 });
    t.equal(a.status, b.status, 'customer_id: status');
    t.deepEqual(a.json.error.details, b.json.error.details, 'customer_id: details');
    t.equal(a.json.error.message.replace('2', 'N'), b.json.error.message.replace('999999999', 'N'), 'customer_id: message');
    t.expectError(a, 400, 'validation_failed', 'customer_id', 'not_found');
    // the customer's own unit (if any) and staff naming the unit are unaffected
    const staff = await t.req('POST', '/api/v1/requests', { token: (await t.login('agent')).token,
      body: { type: 'repair', title: '不制冷', unit_id: u.id } });
    t.expectStatus(staff, 201);
    t.equal(staff.json.request.customer_id, 2);
  }],

  ['attachment quotas (settings): files per request, bytes per request and per customer, exactly at the limit and one over', async (t) => {
    const admin = await t.admin();
    const { token } = await t.login('tech');
    const s0 = t.expectStatus(await t.req('GET', '/api/v1/attachments/settings', { token: admin }), 200).json;
    // the documented defaults (docs/operations.md), unless a test changed them
    t.deepEqual({ a: s0.max_per_document, b: s0.max_bytes_per_document, c: s0.max_bytes_per_customer },
      { a: 20, b: 50 * 1024 * 1024, c: 1024 * 1024 * 1024 }, 'the default quotas');
    const put = async (body, status = 200) => {
      const cur = (await t.req('GET', '/api/v1/attachments/settings', { token: admin })).json;
      const res = await t.req('PUT', '/api/v1/attachments/settings', { token: admin, body: { version: cur.version, ...body } });
      t.expectStatus(res, status, JSON.stringify(body));
      return res;
    };
    t.expectError(await put({ max_per_document: 0 }, 400), 400, 'validation_failed', 'max_per_document');
    t.expectError(await t.req('PUT', '/api/v1/attachments/settings', { token: admin, body: { version: s0.version + 99, max_per_document: 3 } }),
      409, 'conflict', 'version');
    t.expectError(await t.req('PUT', '/api/v1/attachments/settings', { token, body: { version: s0.version, max_per_document: 3 } }),
      403, 'forbidden');
    // a customer of its own, so that the per-customer sum is this test's
    const code = t.uniq('Q');
    const cu = t.expectStatus(await t.req('POST', '/api/v1/customers', { token: admin, body: { code, name: `配额测试 ${code}` } }), 201).json;
    const r1 = await newRequest(t, 'agent', { customer_id: cu.id });
    const r2 = await newRequest(t, 'agent', { customer_id: cu.id });
    const attach = (r, n) => t.req('POST', `/api/v1/requests/${r.id}/attachments?filename=q.txt`,
      { token, raw: Buffer.alloc(n, 0x61), headers: { 'Content-Type': 'text/plain' } });
    const count = async (r) => (await t.req('GET', `/api/v1/requests/${r.id}`, { token })).json.attachments.length;
    try {
      // files per request: 3 is within, the 4th is refused
      await put({ max_per_document: 3 });
      for (let i = 0; i < 3; i++) t.expectStatus(await attach(r1, 10), 201, `file ${i + 1} of 3`);
      let e = t.expectError(await attach(r1, 10), 422, 'unprocessable', 'body', 'quota');
      t.equal(e.details.limit, 'attachments.max_per_document');
      t.equal(e.details.max, 3);
      t.match(e.message, /attachments\.max_per_document/);
      t.equal(await count(r1), 3, 'the refused file was stored');
      // bytes per request: r2 holds exactly 1000, one byte more is refused
      await put({ max_per_document: 20, max_bytes_per_document: 1000 });
      t.expectStatus(await attach(r2, 600), 201);
      t.expectStatus(await attach(r2, 400), 201, 'exactly at the per-request quota');
      e = t.expectError(await attach(r2, 1), 413, 'payload_too_large', 'body', 'quota');
      t.equal(e.details.limit, 'attachments.max_bytes_per_document');
      t.deepEqual([e.details.max, e.details.used, e.details.adding], [1000, 1000, 1]);
      t.equal(await count(r2), 2);
      // bytes per customer: the customer holds 30 + 1000 = 1030 now
      await put({ max_bytes_per_document: 1024 * 1024, max_bytes_per_customer: 1100 });
      const r3 = await newRequest(t, 'agent', { customer_id: cu.id });
      t.expectStatus(await attach(r3, 70), 201, 'exactly at the per-customer quota');
      e = t.expectError(await attach(r3, 1), 413, 'payload_too_large', 'body', 'quota');
      t.equal(e.details.limit, 'attachments.max_bytes_per_customer');
      t.deepEqual([e.details.max, e.details.used], [1100, 1100]);
      // another customer is not held to this one's sum
      const code2 = t.uniq('Q');
      const cu2 = t.expectStatus(await t.req('POST', '/api/v1/customers', { token: admin, body: { code: code2, name: `配额测试 ${code2}` } }), 201).json;
      t.expectStatus(await attach(await newRequest(t, 'agent', { customer_id: cu2.id }), 1100), 201, 'another customer, at its own quota');
    } finally {
      await put({ max_per_document: s0.max_per_document, max_bytes_per_document: s0.max_bytes_per_document,
        max_bytes_per_customer: s0.max_bytes_per_customer });
    }
  }],

  ['a stale version gets 409 with the current request', async (t) => {
    const { dept } = await ids(t);
    const r = await newRequest(t);
    t.expectStatus(await step(t, 'asmanager', r, 'dispatch', { department_id: dept('BU1') }), 200);
    const e = t.expectError(await step(t, 'asmanager', r, 'dispatch', { department_id: dept('BU2') }),
      409, 'conflict', 'version');
    t.equal(e.details.current.version, 2);
    t.equal(e.details.current.department_id, dept('BU1'));
  }],

  ['first-contact ownership: only the owner or a manager hands over', async (t) => {
    const { user } = await ids(t);
    const r = await newRequest(t, 'agent');
    const tech = (await t.login('tech')).token;
    t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/handover`, {
      token: tech, body: { version: r.version, to_user_id: user('tech') } }), 403, 'forbidden');
    const res = await t.req('POST', `/api/v1/requests/${r.id}/handover`, {
      token: (await t.login('agent')).token, body: { version: r.version, to_user_id: user('asmanager'), note: '交接' } });
    t.expectStatus(res, 200);
    t.equal(res.json.request.owner_id, user('asmanager'));
    const ev = await t.req('GET', `/api/v1/requests/${r.id}/events`, { token: tech });
    t.ok(ev.json.items.some((e) => e.kind === 'handover' && e.data.to === user('asmanager')));
    t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/handover`, {
      token: (await t.login('asmanager')).token, body: { version: 2, to_user_id: user('customer') } }),
      400, 'validation_failed', 'to_user_id');
  }],

  ['customers: their own requests only; internal notes hidden', async (t) => {
    const cust = (await t.login('customer')).token;
    const other = await newRequest(t, 'agent', { customer_id: 2 });
    t.expectError(await t.req('GET', `/api/v1/requests/${other.id}`, { token: cust }), 404, 'not_found');
    t.expectError(await t.req('GET', `/api/v1/requests/${other.id}/events`, { token: cust }), 404, 'not_found');
    // a portal request: channel web, the customer's own company, owned by a manager
    const res = await t.req('POST', '/api/v1/requests', { token: cust, body: { type: 'repair', title: '门店展柜不制冷' } });
    t.expectStatus(res, 201);
    const mine = res.json.request;
    t.equal(mine.customer_id, 1);
    t.equal(mine.channel, 'web');
    const { user } = await ids(t);
    t.equal(mine.owner_id, user('asmanager'));
    // naming another company's customer_id is refused
    t.expectError(await t.req('POST', '/api/v1/requests', { token: cust, body: { type: 'repair', title: 'x', customer_id: 2 } }),
      400, 'validation_failed', 'customer_id');
    const agent = (await t.login('agent')).token;
    t.expectStatus(await t.req('POST', `/api/v1/requests/${mine.id}/events`, { token: agent, body: { kind: 'note', body: '内部: 客户信用一般' } }), 201);
    t.expectStatus(await t.req('POST', `/api/v1/requests/${mine.id}/events`, { token: agent, body: { kind: 'reply', body: '您好, 已安排技师' } }), 201);
    const ev = await t.req('GET', `/api/v1/requests/${mine.id}/events`, { token: cust });
    t.expectStatus(ev, 200);
    t.ok(ev.json.items.some((e) => e.body === '您好, 已安排技师'));
    t.ok(!ev.json.items.some((e) => e.body.startsWith('内部')), 'internal note leaked to the customer');
    t.expectError(await t.req('POST', `/api/v1/requests/${mine.id}/events`, { token: cust, body: { kind: 'note', body: 'x' } }),
      403, 'forbidden');
    // lists: only their own
    const list = await t.listAll('/api/v1/requests', cust);
    t.ok(list.length >= 1);
    t.ok(list.every((r) => r.customer_id === 1));
    // a customer cannot dispatch
    t.expectError(await step(t, 'customer', mine, 'dispatch', { department_id: 1 }), 403, 'forbidden');
  }],

  ['a driver has no access to requests', async (t) => {
    const drv = (await t.login('driver')).token;
    t.expectError(await t.req('GET', '/api/v1/requests', { token: drv }), 403, 'forbidden');
    t.expectError(await t.req('POST', '/api/v1/requests', { token: drv, body: { type: 'repair', customer_id: 1, title: 'x' } }), 403, 'forbidden');
  }],

  ['list filters, assignee=me and pagination', async (t) => {
    const { dept, user } = await ids(t);
    let r = await newRequest(t, 'agent', { type: 'installation', severity: 'moderate' });
    r = (await step(t, 'asmanager', r, 'dispatch', { department_id: dept('BU1') })).json.request;
    r = (await step(t, 'asmanager', r, 'assign', { assignee_id: user('tech') })).json.request;
    const tech = (await t.login('tech')).token;
    const mine = await t.listAll('/api/v1/requests?assignee_id=me&state=assigned', tech);
    t.ok(mine.some((x) => x.id === r.id));
    t.ok(mine.every((x) => x.assignee_id === user('tech') && x.state === 'assigned'));
    const inst = await t.listAll('/api/v1/requests?type=installation&severity=moderate', tech);
    t.ok(inst.every((x) => x.type === 'installation' && x.severity === 'moderate'));
    const all = await t.listAll('/api/v1/requests', tech, 2);
    t.equal(new Set(all.map((x) => x.id)).size, all.length, 'a request seen twice while paging');
    t.expectError(await t.req('GET', '/api/v1/requests?state=flying', { token: tech }), 400, 'validation_failed', 'state');
    t.expectError(await t.req('GET', '/api/v1/requests?from=yesterday', { token: tech }), 400, 'validation_failed', 'from');
    t.expectError(await t.req('GET', '/api/v1/requests?colour=red', { token: tech }), 400, 'validation_failed', 'colour');
  }],

  ['idempotent create: one request for one key', async (t) => {
    const { token } = await t.login('agent');
    const key = t.uniq('idem');
    const body = { type: 'consultation', customer_id: 3, title: '咨询保修政策' };
    const a = await t.req('POST', '/api/v1/requests', { token, body, headers: { 'Idempotency-Key': key } });
    const b = await t.req('POST', '/api/v1/requests', { token, body, headers: { 'Idempotency-Key': key } });
    t.expectStatus(a, 201); t.expectStatus(b, 201);
    t.equal(b.json.request.number, a.json.request.number);
    t.equal(b.headers['idempotent-replayed'], 'true');
  }],

  ['attachments: stored, downloaded byte for byte, limited, typed', async (t) => {
    const r = await newRequest(t);
    const { token } = await t.login('tech');
    const png = Buffer.alloc(5000, 7);
    png.write('\x89PNG', 0, 'latin1');
    let res = await t.req('POST', `/api/v1/requests/${r.id}/attachments?filename=${encodeURIComponent('现场照片.png')}`,
      { token, raw: png, headers: { 'Content-Type': 'image/png' } });
    t.expectStatus(res, 201);
    const got = await t.req('GET', `/api/v1/attachments/${res.json.id}`, { token });
    t.expectStatus(got, 200);
    t.equal(got.headers['content-type'], 'image/png');
    t.ok(Buffer.compare(got.buf, png) === 0, 'downloaded bytes differ');
    const g = await t.req('GET', `/api/v1/requests/${r.id}`, { token });
    t.equal(g.json.attachments.length, 1);
    t.equal(g.json.attachments[0].size, 5000);
    // exactly 10 MiB is accepted, one byte more is not
    const max = 10 * 1024 * 1024;
    res = await t.req('POST', `/api/v1/requests/${r.id}/attachments?filename=big.pdf`,
      { token, raw: Buffer.alloc(max, 1), headers: { 'Content-Type': 'application/pdf' } });
    t.expectStatus(res, 201, 'exactly 10 MiB');
    res = await t.req('POST', `/api/v1/requests/${r.id}/attachments?filename=big.pdf`,
      { token, raw: Buffer.alloc(max + 1, 1), headers: { 'Content-Type': 'application/pdf' } });
    t.expectError(res, 413, 'payload_too_large');
    t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/attachments?filename=x.exe`,
      { token, raw: Buffer.alloc(10, 1), headers: { 'Content-Type': 'application/x-msdownload' } }), 415, 'unsupported_media_type');
    t.expectError(await t.req('POST', `/api/v1/requests/${r.id}/attachments?filename=a/b.png`,
      { token, raw: Buffer.alloc(10, 1), headers: { 'Content-Type': 'image/png' } }), 400, 'validation_failed', 'filename');
    // the other customer's user cannot fetch it
    t.expectError(await t.req('GET', `/api/v1/attachments/${got.headers['content-length'] ? (await t.req('GET', `/api/v1/requests/${r.id}`, { token })).json.attachments[0].id : 0}`,
      { token: (await t.login('customer')).token }), 404, 'not_found');
  }],

  ['intake by customer code and phone; unknown gives 404', async (t) => {
    const { token } = await t.login('agent');
    await newRequest(t, 'agent', { customer_id: 3 });
    const res = await t.req('GET', '/api/v1/intake?customer=C0003', { token });
    t.expectStatus(res, 200);
    t.equal(res.json.customer.code, 'C0003');
    t.ok(res.json.open_requests.length >= 1);
    t.ok(res.json.open_requests.every((r) => r.customer_id === res.json.customer.id));
    t.expectError(await t.req('GET', '/api/v1/intake?serial=NOPE-1', { token }), 404, 'not_found');
    t.expectError(await t.req('GET', '/api/v1/intake', { token }), 400, 'validation_failed');
    t.expectError(await t.req('GET', '/api/v1/intake?customer=C0003', { token: (await t.login('customer')).token }), 404, 'not_found');
  }],

  ['intake by phone or name lists the customer\'s contacts (primary first) and sold units to pick', async (t) => {
    const admin = await t.admin();
    const code = t.uniq('IC');
    const phone = `021-${String(Date.now()).slice(-8)}`;
    const cust = t.expectStatus(await t.req('POST', '/api/v1/customers', { token: admin,
      body: { code, name: `接待客户 ${code}`, phone } }), 201).json;
    const base = `/api/v1/customers/${cust.id}/contacts`;
    const other = t.expectStatus(await t.req('POST', base, { token: admin, body: { name: '李工', phone: '13900000002' } }), 201).json;
    const prim = t.expectStatus(await t.req('POST', base, { token: admin, body: { name: '王经理', phone: '13900000001', is_primary: true } }), 201).json;
    const model = t.expectStatus(await t.req('POST', '/api/v1/product-models', { token: admin,
      body: { model_no: t.uniq('M'), name: '接待机型', warranty_months: 24 } }), 201).json;
    const mk = async (purchase) => t.expectStatus(await t.req('POST', '/api/v1/units', { token: admin,
      body: { serial: t.uniq('SN'), model_id: model.id, customer_id: cust.id, purchase_date: purchase } }), 201).json;
    const older = await mk('2020-01-15');
    const newer = await mk(new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10));
    const { token } = await t.login('agent');
    for (const q of [`phone=${encodeURIComponent(phone)}`, `customer=${encodeURIComponent(cust.name)}`, `customer=${code}`]) {
      const res = t.expectStatus(await t.req('GET', `/api/v1/intake?${q}`, { token }), 200, q);
      t.equal(res.json.customer.id, cust.id);
      t.equal(res.json.unit, null, 'no unit is chosen by a phone or a name');
      t.deepEqual(res.json.contacts.map((c) => [c.id, c.name, c.phone, c.is_primary]),
        [[prim.id, '王经理', '13900000001', true], [other.id, '李工', '13900000002', false]]);
      t.deepEqual(res.json.units.map((u) => u.id), [newer.id, older.id], 'the newest sale first, only this customer\'s');
      t.equal(res.json.units[1].serial, older.serial);
      t.equal(res.json.units[1].model_name, '接待机型');
      t.equal(res.json.units[1].purchase_date, '2020-01-15');
      t.equal(res.json.units[1].warranty_end, '2022-01-14');
    }
    // picking a unit: intake by its serial gives the verdict
    const res = t.expectStatus(await t.req('GET', `/api/v1/intake?serial=${newer.serial}`, { token }), 200);
    t.equal(res.json.unit.id, newer.id);
    t.equal(res.json.unit.warranty.in_warranty, true);
    t.equal(res.json.units.length, 2);
    // a customer user never sees another company's units or contacts
    t.expectError(await t.req('GET', `/api/v1/intake?phone=${encodeURIComponent(phone)}`,
      { token: (await t.login('customer')).token }), 404, 'not_found');
  }],

  ['knowledge base: write, suggest by model, category and words', async (t) => {
    const tech = (await t.login('tech')).token;
    let res = await t.req('POST', '/api/v1/kb/articles', { token: tech,
      body: { kind: 'fault_solution', title: '室内机漏水的处理', body: '检查排水管是否堵塞, 清理接水盘。', category: '漏水' } });
    t.expectStatus(res, 201);
    const art = res.json;
    await t.req('POST', '/api/v1/kb/articles', { token: tech,
      body: { kind: 'fault_solution', title: '压缩机异响', body: '检查减震垫。', category: '异响' } });
    res = await t.req('GET', `/api/v1/kb/suggest?text=${encodeURIComponent('客户说空调漏水')}`, { token: tech });
    t.expectStatus(res, 200);
    t.equal(res.json.items[0].id, art.id, 'the leak article should come first');
    res = await t.req('GET', `/api/v1/kb/suggest?category=${encodeURIComponent('异响')}`, { token: tech });
    t.equal(res.json.items[0].title, '压缩机异响');
    t.expectError(await t.req('POST', '/api/v1/kb/articles', { token: (await t.login('agent')).token,
      body: { kind: 'case', title: 'x', body: 'y' } }), 403, 'forbidden');
    res = await t.req('PUT', `/api/v1/kb/articles/${art.id}`, { token: tech,
      body: { version: 1, kind: 'fault_solution', title: '室内机漏水的处理(修订)', body: art.body } });
    t.expectStatus(res, 200);
    t.equal(res.json.version, 2);
    t.expectError(await t.req('PUT', `/api/v1/kb/articles/${art.id}`, { token: tech,
      body: { version: 1, kind: 'fault_solution', title: 'x', body: 'y' } }), 409, 'conflict');
  }],

  ['serial-first intake: the warranty on its last day and the day after, with its rule', async (t) => {
    const admin = await t.admin();
    const day = (d) => d.toISOString().slice(0, 10);
    const today = new Date(Date.now() + 8 * 3600 * 1000);           // Asia/Shanghai
    const yearAgo = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate()));
    const dayAfter = new Date(yearAgo.getTime() + 86400 * 1000);
    const model = t.expectStatus(await t.req('POST', '/api/v1/product-models', { token: admin,
      body: { model_no: t.uniq('M'), name: '测试机型', warranty_months: 12 } }), 201).json;
    const unit = async (purchase) => t.expectStatus(await t.req('POST', '/api/v1/units', { token: admin,
      body: { serial: t.uniq('SN'), model_id: model.id, customer_id: 4, purchase_date: purchase } }), 201).json;
    const last = await unit(day(dayAfter));   // purchase + 12 months - 1 day = today
    const over = await unit(day(yearAgo));    // ... = yesterday
    const { token } = await t.login('agent');
    let res = await t.req('GET', `/api/v1/intake?serial=${last.serial}`, { token });
    t.expectStatus(res, 200);
    t.equal(res.json.unit.warranty.in_warranty, true, 'the last day of the warranty is in warranty');
    t.match(res.json.unit.warranty.rule, /12 months/);
    t.equal(res.json.customer.id, 4);
    res = await t.req('GET', `/api/v1/intake?serial=${over.serial}`, { token });
    t.equal(res.json.unit.warranty.in_warranty, false, 'the day after is out of warranty');
    // a request from a serial takes the unit's customer and the verdict
    const a = t.expectStatus(await t.req('POST', '/api/v1/requests', { token,
      body: { type: 'repair', serial: last.serial, title: '不制冷' } }), 201).json.request;
    t.equal(a.customer_id, 4);
    t.equal(a.unit_id, last.id);
    t.equal(a.in_warranty, true);
    t.match(a.warranty_rule, /12 months/);
    const b = t.expectStatus(await t.req('POST', '/api/v1/requests', { token,
      body: { type: 'repair', serial: over.serial, title: '不制冷' } }), 201).json.request;
    t.equal(b.in_warranty, false);
    // the unit's open requests show at intake; the customer's history lists both
    res = await t.req('GET', `/api/v1/intake?serial=${last.serial}`, { token });
    t.ok(res.json.open_requests.some((r) => r.id === a.id));
    t.ok(!res.json.open_requests.some((r) => r.id === b.id), 'another unit\'s request at intake');
    const h = t.expectStatus(await t.req('GET', '/api/v1/customers/4/history', { token: admin }), 200).json;
    const numbers = h.requests.map((r) => r.number);
    t.ok(numbers.includes(a.number) && numbers.includes(b.number), 'history lacks the requests');
    t.ok(Array.isArray(h.returns));
  }],

  ['SLA: a repair starts its arrival clock with an explanation; a severe fault tells the general manager', async (t) => {
    const gm = (await t.login('gm')).token;
    const before = (await t.req('GET', '/api/v1/notifications', { token: gm })).json.unread_count;
    const r = await newRequest(t, 'agent', { customer_id: 1, severity: 'severe', title: '冷水机组停机' });
    const g = t.expectStatus(await t.req('GET', `/api/v1/requests/${r.id}?explain=true`, { token: (await t.login('agent')).token }), 200).json;
    t.equal(g.sla.length, 1);
    t.equal(g.sla[0].clock.metric, 'arrival');
    t.equal(g.sla[0].clock.target_min, 360, 'an urban customer: 6 working hours');
    t.match(g.sla[0].why, /urban/);
    // without explain: the clocks alone (the explanation is asked for)
    const plain = t.expectStatus(await t.req('GET', `/api/v1/requests/${r.id}`, { token: (await t.login('agent')).token }), 200).json;
    t.deepEqual(plain.sla.map((x) => Object.keys(x)), [['clock']]);
    t.equal(plain.sla[0].clock.id, g.sla[0].clock.id);
    t.equal(plain.sla[0].clock.due_at, g.sla[0].clock.due_at);
    t.expectError(await t.req('GET', `/api/v1/requests/${r.id}?explain=1`, { token: (await t.login('agent')).token }), 400, 'validation_failed', 'explain');
    const n = (await t.req('GET', '/api/v1/notifications', { token: gm })).json;
    t.equal(n.unread_count, before + 1);
    t.ok(n.items.some((x) => x.kind === 'severe_fault' && x.ref_id === r.id));
    // a complaint: answered within 48 h; the first reply stops the clock
    const c = await newRequest(t, 'agent', { type: 'complaint', customer_id: 3, title: '服务态度差' });
    let cl = (await t.req('GET', `/api/v1/requests/${c.id}`, { token: (await t.login('agent')).token })).json.sla[0].clock;
    t.equal(cl.metric, 'answer');
    t.equal(cl.state, 'running');
    t.expectStatus(await t.req('POST', `/api/v1/requests/${c.id}/events`, { token: (await t.login('agent')).token,
      body: { kind: 'reply', body: '您好，我们已核实情况，向您致歉。' } }), 201);
    cl = (await t.req('GET', `/api/v1/requests/${c.id}`, { token: (await t.login('agent')).token })).json.sla[0].clock;
    t.equal(cl.state, 'stopped');
    t.equal(cl.outcome, 'met');
  }],

  ['search: a recorded request is found by a 2-character word, its number and serial; customers find only theirs', async (t) => {
    const { token } = await t.login('agent');
    const word = '渗漏';                       // two characters, rare in the demo data
    const mine = await newRequest(t, 'agent', { customer_id: 1, title: `展柜底部${word}`, description: '冷凝水渗出到地面' });
    const other = await newRequest(t, 'agent', { customer_id: 2, title: `冷库门口${word}`, description: '门封条老化' });
    const q = (s, tok = token) => t.req('GET', `/api/v1/search?q=${encodeURIComponent(s)}&kind=request&limit=50`, { token: tok });
    let res = t.expectStatus(await q(word), 200);
    const found = res.json.items.map((h) => h.ref_id);
    t.ok(found.includes(mine.id) && found.includes(other.id), `${word} should find both requests`);
    res = t.expectStatus(await q('漏渗'), 200);
    t.ok(!res.json.items.some((h) => h.ref_id === mine.id), 'the reversed characters must not match');
    res = t.expectStatus(await q(mine.number), 200);
    t.equal(res.json.items[0].ref_id, mine.id, 'the document number finds its request first');
    // the customer's user: only its own company's request
    const cust = (await t.login('customer')).token;
    res = t.expectStatus(await q(word, cust), 200);
    const seen = res.json.items.map((h) => h.ref_id);
    t.ok(seen.includes(mine.id), 'the customer finds its own request');
    t.ok(!seen.includes(other.id), "another company's request leaked into a customer's search");
    // resolving indexes the resolution
    const { dept, user } = await ids(t);
    let r = (await step(t, 'asmanager', mine, 'dispatch', { department_id: dept('BU1') })).json.request;
    r = (await step(t, 'asmanager', r, 'assign', { assignee_id: user('tech') })).json.request;
    r = (await step(t, 'tech', r, 'start')).json.request;
    r = (await step(t, 'tech', r, 'resolve', { resolution: '更换蒸发器托盘' })).json.request;
    res = t.expectStatus(await q('托盘'), 200);
    t.ok(res.json.items.some((h) => h.ref_id === mine.id), 'the resolution is searchable');
  }],
];
