// The work lists by deadline (issue 13 item 2): GET /api/v1/requests with
// sort=due (the running SLA clock due soonest first, overdue first, then the
// requests without one, newest first), paged by its own cursor; total=true;
// each row's assignee_name and due clock; the from/to and customer filters;
// the resolution clock where a policy has one.

// A customer of its own distance band, so that the policies made here apply
// to its requests only (a distance band outranks the demo's type-less
// policies; nothing else in the demo lies 7,000 km away).
async function world(t) {
  const admin = await t.admin();
  const km = 7000 + Math.floor(Math.random() * 900);
  const cust = await t.req('POST', '/api/v1/customers', {
    token: admin, body: { code: t.uniq('WL'), name: `工单时限客户 ${t.uniq('')}`, region_class: 'remote', distance_km: km },
  });
  t.expectStatus(cust, 201, 'a customer far away');
  const pol = async (body) => {
    const r = await t.req('POST', '/api/v1/sla/policies', {
      token: admin,
      body: { name: `工单时限测试 ${t.uniq('')}`, mode: 'calendar', warn_min: 30, distance_min_km: km, distance_max_km: km + 1, ...body },
    });
    t.expectStatus(r, 201, 'a policy');
    return r.json;
  };
  const policies = [
    await pol({ metric: 'arrival', request_type: 'repair', target_min: 600 }),
    await pol({ metric: 'arrival', request_type: 'installation', target_min: 300 }),
    await pol({ metric: 'arrival', request_type: 'maintenance', target_min: 900 }),
    await pol({ metric: 'answer', request_type: 'complaint', target_min: 120 }),
    // a resolution target for guidance visits, due before their arrival
    await pol({ metric: 'arrival', request_type: 'guidance', target_min: 480 }),
    await pol({ metric: 'resolution', request_type: 'guidance', target_min: 240 }),
  ];
  return { customer: cust.json, policies, admin };
}

async function create(t, who, customer, type, title) {
  const { token } = await t.login(who);
  const r = await t.req('POST', '/api/v1/requests', { token, body: { type, customer_id: customer.id, title } });
  t.expectStatus(r, 201, `create a ${type}`);
  return r.json.request;
}

async function step(t, who, r, name, extra = {}) {
  const { token } = await t.login(who);
  const res = await t.req('POST', `/api/v1/requests/${r.id}/transitions/${name}`, { token, body: { version: r.version, ...extra } });
  t.expectStatus(res, 200, name);
  return res.json.request;
}

async function ids(t) {
  const admin = await t.admin();
  const depts = await t.listAll('/api/v1/departments', admin);
  const users = await t.listAll('/api/v1/users', admin);
  return {
    dept: (code) => depts.find((d) => d.code === code).id,
    user: (name) => users.find((u) => u.username === name),
  };
}

// every page of a query, checking each next_cursor
async function pages(t, query, token) {
  const items = [];
  let cursor = null;
  let n = 0;
  for (;;) {
    const res = await t.req('GET', `/api/v1/requests?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    t.expectStatus(res, 200, `page ${n}`);
    items.push(...res.json.items);
    n++;
    cursor = res.json.next_cursor;
    if (cursor === null) return { items, pages: n };
    t.equal(typeof cursor, 'string');
    t.ok(n < 1000, 'paging ends');
  }
}

// the order sort=due promises: running clocks by (due_at, id), then the rest newest first
function dueOrderOk(t, items) {
  let seenNoClock = false;
  for (let i = 0; i < items.length; i++) {
    const r = items[i];
    const running = r.due_state === 'running';
    if (!running) seenNoClock = true;
    t.ok(!(running && seenNoClock), `row ${i} (${r.number}): a running clock after a row without one`);
    if (i === 0) continue;
    const p = items[i - 1];
    if (running && p.due_state === 'running') {
      const a = Date.parse(p.due_at), b = Date.parse(r.due_at);
      t.ok(a < b || (a === b && p.id < r.id), `row ${i}: ${p.due_at}/${p.id} before ${r.due_at}/${r.id}`);
    } else if (!running && p.due_state !== 'running') {
      t.ok(p.id > r.id, `row ${i}: newest first without a clock (${p.id} > ${r.id})`);
    }
  }
}

export const tests = [
  ['sort=due: every row once across pages, soonest due first, ties by id, the rest newest first; total', async (t) => {
    const { customer, admin } = await world(t);
    const { dept, user } = await ids(t);
    const made = [];
    const types = ['repair', 'installation', 'maintenance', 'complaint', 'guidance', 'consultation'];
    for (let i = 0; i < 14; i++)
      made.push(await create(t, 'agent', customer, types[i % types.length], `时限排序 ${i}`));
    // a guidance visit waiting (arrival stopped, its resolution clock
    // paused), a repair resolved (its clocks stopped)
    let w = made[10];
    w = await step(t, 'asmanager', w, 'dispatch', { department_id: dept('BU1') });
    w = await step(t, 'asmanager', w, 'assign', { assignee_id: user('tech').id });
    w = await step(t, 'tech', w, 'start');
    w = await step(t, 'tech', w, 'wait', { reason: 'waiting_parts' });
    let z = made[6];
    z = await step(t, 'asmanager', z, 'dispatch', { department_id: dept('BU1') });
    z = await step(t, 'asmanager', z, 'assign', { assignee_id: user('tech').id });
    z = await step(t, 'tech', z, 'start');
    z = await step(t, 'tech', z, 'resolve', { resolution: '已修好' });

    const q = `customer_id=${customer.id}&sort=due`;
    const first = await t.req('GET', `/api/v1/requests?${q}&limit=4&total=true`, { token: admin });
    t.expectStatus(first, 200);
    t.equal(first.json.total, 14, 'total counts the whole filtered list');
    t.equal(first.json.items.length, 4);
    t.match(first.json.next_cursor, /^due\.\d+\.\d+$/, 'a cursor in the clocks part');
    for (const limit of [1, 3, 4, 5, 13, 14, 200]) {
      const all = await pages(t, `${q}&limit=${limit}`, admin);
      t.equal(all.items.length, 14, `limit ${limit}: every row`);
      t.equal(new Set(all.items.map((r) => r.id)).size, 14, `limit ${limit}: none twice`);
      t.equal(all.pages, Math.max(1, Math.ceil(14 / limit)), `limit ${limit}: pages`);
      dueOrderOk(t, all.items);
    }
    const all = (await pages(t, `${q}&limit=5`, admin)).items;
    const byId = new Map(all.map((r) => [r.id, r]));
    // 12 running clocks first (14 less the waiting and the resolved; the consultations have none)
    const running = all.filter((r) => r.due_state === 'running');
    t.equal(running.length, 14 - 2 - 2, 'requests with a running clock');
    t.deepEqual(all.slice(0, running.length).map((r) => r.id), running.map((r) => r.id), 'running clocks first');
    // the clock shown is the one due soonest: a guidance visit shows its resolution clock (240 < 480 min)
    const g = byId.get(made[4].id);
    t.equal(g.due_metric, 'resolution');
    t.equal(g.due_state, 'running');
    t.equal(g.due_breached, false);
    t.equal(g.due_overdue_min, 0);
    t.ok(g.due_remaining_min > 230 && g.due_remaining_min <= 240, `remaining ${g.due_remaining_min}`);
    t.ok(Date.parse(g.due_at) - Date.parse(g.created_at) === 240 * 60000, 'due 240 minutes after intake');
    t.ok(Date.parse(g.due_warn_at) === Date.parse(g.due_at) - 30 * 60000, 'warned 30 minutes before');
    t.equal(byId.get(made[3].id).due_metric, 'answer');
    t.equal(byId.get(made[1].id).due_metric, 'arrival');
    // the waiting one shows its paused clock with what is left; the resolved and consultations none
    const wr = byId.get(w.id);
    t.equal(wr.due_state, 'paused');
    t.equal(wr.due_at, null);
    t.equal(wr.due_breached, false);
    t.equal(wr.due_metric, 'resolution');
    t.ok(wr.due_remaining_min > 230 && wr.due_remaining_min <= 240, `left when paused: ${wr.due_remaining_min}`);
    t.equal(wr.due_overdue_min, null);
    t.equal(wr.assignee_name, user('tech').display_name, 'the assignee by name');
    t.equal(wr.assignee_id, user('tech').id);
    for (const r of [byId.get(z.id), byId.get(made[5].id), byId.get(made[11].id)]) {
      t.equal(r.due_state, null, `${r.number}: no clock`);
      t.equal(r.due_at, null);
      t.equal(r.due_metric, null);
      t.equal(r.due_breached, false);
    }
    t.equal(byId.get(made[1].id).assignee_name, null, 'no assignee: null');
    // the newest-first order gives the same rows, the same total, and the fields too
    const newest = await pages(t, `customer_id=${customer.id}&limit=4`, admin);
    t.deepEqual(newest.items.map((r) => r.id), [...made].reverse().map((r) => r.id));
    t.equal(newest.items.find((r) => r.id === made[4].id).due_metric, 'resolution');
    const tot = await t.req('GET', `/api/v1/requests?customer_id=${customer.id}&sort=newest&total=true&limit=1`, { token: admin });
    t.equal(tot.json.total, 14);
    t.match(tot.json.next_cursor, /^id\.\d+$/);
    // without total=true the answer is as before: no total
    const plain = await t.req('GET', `/api/v1/requests?customer_id=${customer.id}&limit=1`, { token: admin });
    t.equal('total' in plain.json, false);
    // filters with sort=due: a state, a type, total follows
    const res = await t.req('GET', `/api/v1/requests?${q}&state=resolved&total=true&limit=200`, { token: admin });
    t.equal(res.json.total, 1);
    t.deepEqual(res.json.items.map((r) => r.id), [z.id]);
    const rep = await t.req('GET', `/api/v1/requests?${q}&type=repair&total=true&limit=200`, { token: admin });
    t.equal(rep.json.total, 3);
    t.deepEqual(rep.json.items.map((r) => r.type), ['repair', 'repair', 'repair']);
    t.equal(rep.json.items[2].id, z.id, 'the resolved repair after the running ones');
    // only states that have no running clock: newest first, paged by id
    const ended = await pages(t, `${q}&state=resolved,waiting&limit=1`, admin);
    t.deepEqual(ended.items.map((r) => r.id), [w.id, z.id]);
    t.equal(ended.pages, 2);
    t.deepEqual(rep.json.items.slice(0, 2).map((r) => r.id).sort((x, y) => x - y), [made[0].id, made[12].id]);
  }],

  ['sort=due: overdue clocks come first, with the minutes overdue (the demo data is past due)', async (t) => {
    const admin = await t.admin();
    const res = await t.req('GET', '/api/v1/requests?sort=due&open=true&limit=200&total=true', { token: admin });
    t.expectStatus(res, 200);
    const items = res.json.items;
    t.ok(items.length > 0);
    dueOrderOk(t, items);
    const k = items.findIndex((r) => !r.due_breached);
    t.ok(k > 0, 'the demo has overdue requests, and they come first');
    t.ok(items.slice(k).every((r) => !r.due_breached), 'no overdue one after one that is not');
    for (const r of items.slice(0, k)) {
      t.equal(r.due_state, 'running');
      t.ok(r.due_overdue_min > 0, `${r.number}: minutes overdue`);
      t.equal(r.due_remaining_min, 0);
      t.ok(Date.parse(r.due_at) < Date.now());
    }
    // every company's list, paged: every row once, in order, as many as the total
    const all = await pages(t, 'sort=due&open=true&limit=7', admin);
    t.equal(all.items.length, res.json.total > 200 ? all.items.length : res.json.total);
    t.equal(new Set(all.items.map((r) => r.id)).size, all.items.length, 'none twice');
    const tot = (await t.req('GET', '/api/v1/requests?sort=due&open=true&limit=1&total=true', { token: admin })).json.total;
    t.equal(all.items.length, tot, 'none lost');
    dueOrderOk(t, all.items);
  }],

  ['from/to: created_at >= from and < to, at the second; the customer filter', async (t) => {
    const { customer, admin } = await world(t);
    const a = await create(t, 'agent', customer, 'repair', '日期边界 a');
    const b = await create(t, 'agent', customer, 'consultation', '日期边界 b');
    const at = Date.parse(a.created_at);
    const iso = (ms) => {
      const d = new Date(ms + 8 * 3600000);
      return `${d.toISOString().slice(0, 19)}+08:00`;
    };
    const list = async (extra) => {
      const r = await t.req('GET', `/api/v1/requests?customer_id=${customer.id}&total=true&limit=200&${extra}`, { token: admin });
      t.expectStatus(r, 200, extra);
      return r.json;
    };
    const has = (j, r) => j.items.some((x) => x.id === r.id);
    const enc = encodeURIComponent;
    let j = await list(`from=${enc(iso(at))}`);
    t.ok(has(j, a), 'from = created_at: included');
    j = await list(`to=${enc(iso(at))}`);
    t.ok(!has(j, a), 'to = created_at: excluded');
    t.equal(j.total, j.items.length);
    j = await list(`to=${enc(iso(at + 1000))}`);
    t.ok(has(j, a), 'to one second later: included');
    j = await list(`from=${enc(iso(at + 1000))}&to=${enc(iso(at + 1000))}`);
    t.equal(j.total, 0, 'an empty range');
    // a date is local midnight: from today, to tomorrow has both; to today has neither
    const day = a.created_at.slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00+08:00`) + 86400000 + 8 * 3600000).toISOString().slice(0, 10);
    j = await list(`from=${day}&to=${next}&sort=due`);
    t.equal(j.total, 2);
    t.deepEqual(j.items.map((r) => r.id), [a.id, b.id], 'the clock first, then the one without');
    j = await list(`to=${day}`);
    t.equal(j.total, 0);
    t.expectError(await t.req('GET', '/api/v1/requests?from=yesterday', { token: admin }), 400, 'validation_failed', 'from', 'invalid');
    t.expectError(await t.req('GET', '/api/v1/requests?to=2026-13-01', { token: admin }), 400, 'validation_failed', 'to', 'invalid');
    // another customer's requests are not in this customer's list
    const other = await list('');
    t.ok(other.items.every((r) => r.customer_id === customer.id));
    t.equal(other.total, 2);
  }],

  ['bad sort, cursor and total values are refused naming the field', async (t) => {
    const admin = await t.admin();
    t.expectError(await t.req('GET', '/api/v1/requests?sort=deadline', { token: admin }), 400, 'validation_failed', 'sort', 'not_allowed');
    t.expectError(await t.req('GET', '/api/v1/requests?sort=DUE', { token: admin }), 400, 'validation_failed', 'sort', 'not_allowed');
    t.expectError(await t.req('GET', '/api/v1/requests?total=yes', { token: admin }), 400, 'validation_failed', 'total', 'not_allowed');
    for (const c of ['due.1.2', 'due.x.2', 'due.1', 'id.0', 'id.-3', 'due..5', 'due.1.2.3'])
      t.expectError(await t.req('GET', `/api/v1/requests?cursor=${c}${c === 'due.1.2' ? '' : '&sort=due'}`, { token: admin }),
        400, 'validation_failed', 'cursor', 'invalid');
    // a due cursor is taken by sort=due only; an id cursor by both
    t.expectStatus(await t.req('GET', '/api/v1/requests?sort=due&cursor=due.1.2', { token: admin }), 200);
    t.expectStatus(await t.req('GET', '/api/v1/requests?sort=due&cursor=id.5', { token: admin }), 200);
    t.expectStatus(await t.req('GET', '/api/v1/requests?sort=newest&cursor=id.5', { token: admin }), 200);
  }],

  ['a customer user sees only its own company, whatever customer_id it asks for, in either order', async (t) => {
    const { customer } = await world(t);
    await create(t, 'agent', customer, 'repair', '别家的工单');
    const cu = await t.login('customer');
    const own = cu.user.customer_id;
    t.ok(own > 0, 'the demo customer user is bound to a company');
    for (const q of ['sort=due', 'sort=newest', `sort=due&customer_id=${customer.id}`, `customer_id=${customer.id}`]) {
      const all = await pages(t, `${q}&limit=7`, cu.token);
      const tot = await t.req('GET', `/api/v1/requests?${q}&total=true&limit=1`, { token: cu.token });
      t.expectStatus(tot, 200);
      t.ok(all.items.every((r) => r.customer_id === own), `${q}: only its own`);
      t.equal(tot.json.total, all.items.length, `${q}: total counts its own only`);
      t.equal(new Set(all.items.map((r) => r.id)).size, all.items.length);
    }
  }],

  ['the resolution clock runs on after arrival; the arrival clock stops with its time', async (t) => {
    const { customer, admin } = await world(t);
    const { dept, user } = await ids(t);
    let r = await create(t, 'agent', customer, 'guidance', '到场后解决时限');
    const clocks = async () => (await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${r.id}`, { token: admin })).json.items;
    let c = await clocks();
    t.deepEqual(c.map((x) => [x.metric, x.state]).sort(), [['arrival', 'running'], ['resolution', 'running']]);
    r = await step(t, 'asmanager', r, 'dispatch', { department_id: dept('BU1') });
    r = await step(t, 'asmanager', r, 'assign', { assignee_id: user('tech').id });
    r = await step(t, 'tech', r, 'start');
    c = await clocks();
    const arr = c.find((x) => x.metric === 'arrival');
    t.equal(arr.state, 'stopped');
    t.equal(arr.outcome, 'met');
    t.ok(arr.stopped_at, 'the arrival time');
    t.equal(c.find((x) => x.metric === 'resolution').state, 'running');
    const row = (await t.req('GET', `/api/v1/requests?customer_id=${customer.id}&sort=due`, { token: admin })).json.items[0];
    t.equal(row.id, r.id);
    t.equal(row.due_metric, 'resolution', 'the list shows the clock still running');
    r = await step(t, 'tech', r, 'resolve', { resolution: '已指导完成' });
    c = await clocks();
    t.ok(c.every((x) => x.state === 'stopped'), 'resolving stops the resolution clock');
    // no resolution policy: no resolution clock (a repair of this customer)
    const rep = await create(t, 'agent', customer, 'repair', '无解决时限');
    const rc = (await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${rep.id}`, { token: admin })).json.items;
    t.deepEqual(rc.map((x) => x.metric), ['arrival']);
  }],
];
