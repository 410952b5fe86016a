// The business calendar, the due-time preview, SLA policies and my
// notifications.  Every change made here is undone, so later files see the
// seeded calendar (Mon-Fri 08:30-12:00, 13:30-17:30; China's 2026 holidays).

const WEEK = {
  mon: ['08:30-12:00', '13:30-17:30'], tue: ['08:30-12:00', '13:30-17:30'],
  wed: ['08:30-12:00', '13:30-17:30'], thu: ['08:30-12:00', '13:30-17:30'],
  fri: ['08:30-12:00', '13:30-17:30'], sat: [], sun: [],
};

async function calendar(t, who = 'agent') {
  return t.expectStatus(await t.req('GET', '/api/v1/calendar', { token: (await t.login(who)).token }), 200).json;
}

async function preview(t, start, minutes, mode = 'working', who = 'agent') {
  const q = `start=${encodeURIComponent(start)}&minutes=${minutes}&mode=${mode}`;
  return t.expectStatus(await t.req('GET', `/api/v1/sla/preview?${q}`, { token: (await t.login(who)).token }), 200).json;
}

async function putWeek(t, version, week, who = 'asmanager') {
  return t.req('PUT', '/api/v1/calendar/hours', { token: (await t.login(who)).token, body: { version, ...week } });
}

export const tests = [
  ['GET /api/v1/calendar: the seeded week in Asia/Shanghai', async (t) => {
    const c = await calendar(t);
    t.equal(c.timezone, 'Asia/Shanghai');
    t.equal(typeof c.version, 'number');
    t.deepEqual(c.week, WEEK);
  }],

  ['the calendar and SLA need staff roles; editing needs calendar.manage / sla.manage', async (t) => {
    const customer = (await t.login('customer')).token;
    const agent = (await t.login('agent')).token;
    t.expectError(await t.req('GET', '/api/v1/calendar', { token: customer }), 403, 'forbidden');
    t.expectError(await t.req('GET', '/api/v1/sla/policies', { token: customer }), 403, 'forbidden');
    t.expectError(await t.req('GET', '/api/v1/sla/preview?start=2026-06-01T09:00&minutes=60', { token: customer }), 403, 'forbidden');
    const v = (await calendar(t)).version;
    t.expectError(await t.req('PUT', '/api/v1/calendar/hours', { token: agent, body: { version: v, ...WEEK } }), 403, 'forbidden');
    t.expectError(await t.req('POST', '/api/v1/calendar/days', { token: agent, body: { date: '2027-03-01', kind: 'holiday' } }), 403, 'forbidden');
    t.expectError(await t.req('DELETE', '/api/v1/calendar/days/2026-10-01', { token: agent }), 403, 'forbidden');
    t.expectError(await t.req('POST', '/api/v1/sla/policies', { token: agent, body: { name: 'x', metric: 'arrival', mode: 'working', target_min: 60 } }), 403, 'forbidden');
    t.expectError(await t.req('PATCH', '/api/v1/sla/policies/1', { token: agent, body: { version: 1, warn_min: 5 } }), 403, 'forbidden');
    // the driver reads the calendar; no one needs to log in twice
    t.expectStatus(await t.req('GET', '/api/v1/calendar', { token: (await t.login('driver')).token }), 200);
    t.expectStatus(await t.req('GET', '/api/v1/sla/policies', { token: agent }), 200);
    // every role has its notifications, the customer too
    t.expectStatus(await t.req('GET', '/api/v1/notifications', { token: customer }), 200);
    t.expectError(await t.req('GET', '/api/v1/calendar'), 401, 'unauthenticated');
  }],

  ['preview: 6 working hours from 17:29 land the next working day at 15:59', async (t) => {
    const p = await preview(t, '2026-06-01T17:29', 360);
    t.equal(p.due_at, '2026-06-02T15:59:00+08:00');
    t.equal(p.counted_min, 360);
    t.deepEqual(p.days.map((d) => [d.date, d.minutes]), [['2026-06-01', 1], ['2026-06-02', 359]]);
    // boundaries: lunch, the end of the day, exactly 17:30
    t.equal((await preview(t, '2026-06-01T12:05', 30)).due_at, '2026-06-01T14:00:00+08:00');
    t.equal((await preview(t, '2026-06-01T11:30', 30)).due_at, '2026-06-01T12:00:00+08:00');
    t.equal((await preview(t, '2026-06-01T17:30', 60)).due_at, '2026-06-02T09:30:00+08:00');
    // across a weekend
    t.equal((await preview(t, '2026-06-05T16:00', 180)).due_at, '2026-06-08T10:00:00+08:00');
    // calendar time counts nights and weekends
    t.equal((await preview(t, '2026-06-05T16:00', 1440, 'calendar')).due_at, '2026-06-06T16:00:00+08:00');
  }],

  ['preview across the National Day holidays and into a make-up Saturday', async (t) => {
    const p = await preview(t, '2026-09-30T16:00', 360);
    t.equal(p.due_at, '2026-10-08T14:30:00+08:00');
    t.equal(p.days.length, 9);
    const hol = p.days.filter((d) => d.kind === 'holiday');
    t.equal(hol.length, 7);
    t.ok(hol.every((d) => d.name === '国庆节' && d.minutes === 0));
    t.equal(p.days[8].date, '2026-10-08');
    t.equal(p.days[8].minutes, 270);
    // Friday 17:00 + 60 min: 30 on Friday, then the make-up Saturday 10/10
    const m = await preview(t, '2026-10-09T17:00', 60);
    t.equal(m.due_at, '2026-10-10T09:00:00+08:00');
    t.equal(m.days[1].kind, 'special_workday');
    t.equal(m.days[1].name, '国庆节调休上班');
    // the return slip: by 12:00 on the next calendar day, holiday or not
    t.equal((await preview(t, '2026-09-30T10:00', 720, 'next_day')).due_at, '2026-10-01T12:00:00+08:00');
  }],

  ['preview refuses bad input naming the parameter', async (t) => {
    const tok = (await t.login('agent')).token;
    const bad = async (q, field) => t.expectError(await t.req('GET', `/api/v1/sla/preview?${q}`, { token: tok }), 400, 'validation_failed', field);
    await bad('minutes=60', 'start');
    await bad('start=2026-13-01T09:00&minutes=60', 'start');
    await bad('start=2026-06-01T09:00', 'minutes');
    await bad('start=2026-06-01T09:00&minutes=0', 'minutes');
    await bad('start=2026-06-01T09:00&minutes=abc', 'minutes');
    await bad('start=2026-06-01T09:00&minutes=60&mode=fast', 'mode');
    await bad('start=2026-06-01T09:00&minutes=1440&mode=next_day', 'minutes');
    await bad('start=2026-06-01T09:00&minutes=60&foo=1', 'foo');
  }],

  ['PUT /api/v1/calendar/hours: versioned, validated, audited, and it moves due times', async (t) => {
    const before = await calendar(t);
    const v = before.version;
    // stale version: 409 with the current calendar
    const stale = await putWeek(t, v + 5, WEEK);
    const e = t.expectError(stale, 409, 'conflict');
    t.equal(e.details.current.version, v);
    // validation names the day
    t.expectError(await putWeek(t, v, { ...WEEK, mon: ['08:30-25:00'] }), 400, 'validation_failed', 'mon');
    t.expectError(await putWeek(t, v, { ...WEEK, tue: ['08:30-12:00', '11:00-13:00'] }), 400, 'validation_failed', 'tue');
    t.expectError(await putWeek(t, v, { ...WEEK, sat: ['12:00-08:00'] }), 400, 'validation_failed', 'sat');
    const noSun = { ...WEEK };
    delete noSun.sun;
    t.expectError(await putWeek(t, v, noSun), 400, 'validation_failed', 'sun');
    t.expectError(await putWeek(t, v, { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }), 400, 'validation_failed', 'week');
    t.expectError(await putWeek(t, v, { ...WEEK, holiday: [] }), 400, 'validation_failed', 'holiday');
    t.expectError(await putWeek(t, undefined, WEEK), 400, 'validation_failed', 'version');
    t.equal((await calendar(t)).version, v, 'a refused PUT changed the calendar');
    const top = await t.auditTop();
    try {
      // Saturday mornings are worked now (the intervals may come unsorted)
      const r = t.expectStatus(await putWeek(t, v, { ...WEEK, sat: ['09:00-12:00'], mon: ['13:30-17:30', '08:30-12:00'] }), 200);
      t.equal(r.json.version, v + 1);
      t.deepEqual(r.json.week.sat, ['09:00-12:00']);
      t.deepEqual(r.json.week.mon, WEEK.mon);
      t.equal((await preview(t, '2026-06-05T17:00', 60)).due_at, '2026-06-06T09:30:00+08:00');
      const a = t.expectStatus(await t.req('GET', '/api/v1/audit?entity=calendar&limit=5', { token: await t.admin() }), 200).json;
      t.ok(a.items.some((i) => i.id > top && i.action === 'update' && i.after.version === v + 1), 'no audit row');
      // If-Match works as well as a body version
      const im = await t.req('PUT', '/api/v1/calendar/hours', {
        token: (await t.login('admin')).token, body: WEEK, headers: { 'If-Match': `"${v + 1}"` },
      });
      t.expectStatus(im, 200);
      t.equal(im.json.version, v + 2);
    } finally {
      const now = await calendar(t);
      if (JSON.stringify(now.week) !== JSON.stringify(WEEK))
        t.expectStatus(await putWeek(t, now.version, WEEK, 'admin'), 200, 'restore the week');
    }
    t.deepEqual((await calendar(t)).week, WEEK);
    t.equal((await preview(t, '2026-06-05T17:00', 60)).due_at, '2026-06-08T09:00:00+08:00');
  }],

  ['special days: list the seeded 2026 days, add, refuse a duplicate, delete', async (t) => {
    const tok = (await t.login('agent')).token;
    const oct = t.expectStatus(await t.req('GET', '/api/v1/calendar/days?from=2026-09-01&to=2026-10-31', { token: tok }), 200).json;
    t.deepEqual(oct.items.map((d) => `${d.date} ${d.kind}`), [
      '2026-09-20 workday', '2026-09-25 holiday', '2026-09-26 holiday', '2026-09-27 holiday',
      '2026-10-01 holiday', '2026-10-02 holiday', '2026-10-03 holiday', '2026-10-04 holiday',
      '2026-10-05 holiday', '2026-10-06 holiday', '2026-10-07 holiday', '2026-10-10 workday']);
    t.equal(oct.items[0].as_weekday, 1);
    t.deepEqual(oct.items[0].effective_hours, WEEK.mon);
    // pages: the cursor continues by date
    const all = await t.listAll('/api/v1/calendar/days?from=2026-01-01&to=2026-12-31', tok, 10);
    t.equal(all.length, 39);
    t.deepEqual(all.map((d) => d.date), [...all.map((d) => d.date)].sort());
    t.expectError(await t.req('GET', '/api/v1/calendar/days?from=2026-02-30', { token: tok }), 400, 'validation_failed', 'from');

    const mgr = (await t.login('asmanager')).token;
    const date = '2027-03-02';			// a Tuesday
    try {
      const r = await t.req('POST', '/api/v1/calendar/days', { token: mgr, body: { date, kind: 'holiday', name: '测试假日' } });
      t.expectStatus(r, 201);
      t.equal(r.json.date, date);
      t.equal(r.json.weekday, 2);
      t.equal(r.headers.location, `/api/v1/calendar/days/${date}`);
      t.expectError(await t.req('POST', '/api/v1/calendar/days', { token: mgr, body: { date, kind: 'workday' } }), 409, 'conflict', 'date');
      // Monday 17:00 + 60 min skips the holiday Tuesday
      t.equal((await preview(t, '2027-03-01T17:00', 60)).due_at, '2027-03-03T09:00:00+08:00');
      // a make-up Saturday with its own hours
      const sat = await t.req('POST', '/api/v1/calendar/days', { token: mgr, body: { date: '2027-03-06', kind: 'workday', name: '调休', hours: ['09:00-11:00'] } });
      t.expectStatus(sat, 201);
      t.deepEqual(sat.json.hours, ['09:00-11:00']);
      t.equal((await preview(t, '2027-03-05T17:00', 60)).due_at, '2027-03-06T09:30:00+08:00');
      t.expectStatus(await t.req('DELETE', '/api/v1/calendar/days/2027-03-06', { token: mgr }), 204);
    } finally {
      await t.req('DELETE', `/api/v1/calendar/days/${date}`, { token: mgr });
    }
    t.expectError(await t.req('DELETE', `/api/v1/calendar/days/${date}`, { token: mgr }), 404, 'not_found');
    t.equal((await preview(t, '2027-03-01T17:00', 60)).due_at, '2027-03-02T09:00:00+08:00');
  }],

  ['special days: validation names the field', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    const bad = async (body, field, status = 400, code = 'validation_failed') =>
      t.expectError(await t.req('POST', '/api/v1/calendar/days', { token: mgr, body }), status, code, field);
    await bad({ kind: 'holiday' }, 'date');
    await bad({ date: '2027-02-30', kind: 'holiday' }, 'date');
    await bad({ date: '20270301xx', kind: 'holiday' }, 'date');
    await bad({ date: '2027-03-01' }, 'kind');
    await bad({ date: '2027-03-01', kind: 'vacation' }, 'kind');
    await bad({ date: '2027-03-01', kind: 'holiday', hours: ['08:30-12:00'] }, 'hours');
    await bad({ date: '2027-03-01', kind: 'workday', hours: ['8-12'] }, 'hours');
    await bad({ date: '2027-03-01', kind: 'workday', hours: [] }, 'hours');
    await bad({ date: '2027-03-01', kind: 'workday', as_weekday: 8 }, 'as_weekday');
    await bad({ date: '2027-03-07', kind: 'workday', as_weekday: 7 }, 'as_weekday');
    await bad({ date: '2027-03-01', kind: 'holiday', colour: 'red' }, 'colour');
    await bad({ date: '2026-10-01', kind: 'holiday' }, 'date', 409, 'conflict');
    t.expectError(await t.req('DELETE', '/api/v1/calendar/days/not-a-date', { token: mgr }), 404, 'not_found');
  }],

  ['policy selection: urban 6 h, suburban 7 h, 999 km 24 h, 1000 km 48 h, complaints 48 h', async (t) => {
    const tok = (await t.login('agent')).token;
    const sel = async (q) => t.expectStatus(await t.req('GET', `/api/v1/sla/select?${q}`, { token: tok }), 200).json;
    let p = await sel('metric=arrival&request_type=repair&region_class=urban&distance_km=30');
    t.deepEqual([p.mode, p.target_min], ['working', 360]);
    t.match(p.why, /region_class 'urban' = 'urban'/);
    p = await sel('metric=arrival&region_class=suburban&distance_km=80');
    t.deepEqual([p.mode, p.target_min], ['working', 420]);
    t.equal(p.specificity, 3);
    p = await sel('metric=arrival&region_class=urban&distance_km=1200');
    t.deepEqual([p.mode, p.target_min], ['calendar', 2880]);
    p = await sel('metric=arrival&region_class=remote&distance_km=999');
    t.deepEqual([p.mode, p.target_min], ['calendar', 1440]);
    p = await sel('metric=arrival&region_class=remote&distance_km=1000');
    t.deepEqual([p.mode, p.target_min], ['calendar', 2880]);
    t.match(p.why, /distance 1000 km in \[1000, no limit\)/);
    p = await sel('metric=answer&request_type=complaint');
    t.deepEqual([p.mode, p.target_min], ['calendar', 2880]);
    p = await sel('metric=return_slip');
    t.deepEqual([p.mode, p.target_min], ['next_day', 720]);
    t.expectError(await t.req('GET', '/api/v1/sla/select?metric=arrival', { token: tok }), 404, 'not_found', 'metric');
    t.expectError(await t.req('GET', '/api/v1/sla/select?region_class=urban', { token: tok }), 400, 'validation_failed', 'metric');
    t.expectError(await t.req('GET', '/api/v1/sla/select?metric=arrival&distance_km=-5', { token: tok }), 400, 'validation_failed', 'distance_km');
  }],

  ['policies: create, read, update with version, 409 on a stale version, validation', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    const metric = `t_${t.uniq('m')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 32);
    const body = { name: '测试 到场 4 工作小时', metric, request_type: 'repair', severity: 'severe', region_class: 'urban', mode: 'working', target_min: 240, warn_min: 30 };
    const c = await t.req('POST', '/api/v1/sla/policies', { token: mgr, body });
    t.expectStatus(c, 201);
    const p = c.json;
    t.equal(p.version, 1);
    t.equal(p.active, true);
    t.equal(p.distance_min_km, 0);
    t.equal(p.distance_max_km, null);
    t.equal(c.headers.location, `/api/v1/sla/policies/${p.id}`);
    t.deepEqual(t.expectStatus(await t.req('GET', `/api/v1/sla/policies/${p.id}`, { token: (await t.login('agent')).token }), 200).json, p);
    const list = await t.listAll(`/api/v1/sla/policies?metric=${metric}`, mgr);
    t.deepEqual(list.map((x) => x.id), [p.id]);
    t.ok((await t.listAll('/api/v1/sla/policies?metric=arrival&active=true', mgr)).length >= 4);

    // the more specific policy wins for a severe urban repair
    const sel = await t.req('GET', `/api/v1/sla/select?metric=${metric}&request_type=repair&severity=severe&region_class=urban`, { token: mgr });
    t.equal(t.expectStatus(sel, 200).json.id, p.id);
    t.equal(sel.json.specificity, 14);

    const u = await t.req('PATCH', `/api/v1/sla/policies/${p.id}`, { token: mgr, body: { version: 1, target_min: 180, severity: null } });
    t.expectStatus(u, 200);
    t.equal(u.json.version, 2);
    t.equal(u.json.target_min, 180);
    t.equal(u.json.severity, null);
    t.equal(u.json.name, body.name);
    const stale = await t.req('PATCH', `/api/v1/sla/policies/${p.id}`, { token: mgr, body: { version: 1, target_min: 999 } });
    const e = t.expectError(stale, 409, 'conflict');
    t.equal(e.details.current.version, 2);
    t.equal(e.details.current.target_min, 180);
    t.expectError(await t.req('PATCH', `/api/v1/sla/policies/${p.id}`, { token: mgr, body: { target_min: 5 } }), 400, 'validation_failed', 'version');
    const off = await t.req('PATCH', `/api/v1/sla/policies/${p.id}`, { token: mgr, body: { active: false }, headers: { 'If-Match': '"2"' } });
    t.expectStatus(off, 200);
    t.equal(off.json.active, false);
    t.expectError(await t.req('GET', `/api/v1/sla/select?metric=${metric}&request_type=repair&region_class=urban`, { token: mgr }), 404, 'not_found');
    const audit = t.expectStatus(await t.req('GET', `/api/v1/audit?entity=sla_policy&entity_id=${p.id}`, { token: await t.admin() }), 200).json;
    t.deepEqual(audit.items.map((i) => i.action), ['update', 'update', 'create']);
    t.expectError(await t.req('GET', '/api/v1/sla/policies/99999999', { token: mgr }), 404, 'not_found');
  }],

  ['policies: validation names the field', async (t) => {
    const mgr = (await t.login('asmanager')).token;
    const ok = { name: 'x', metric: 'arrival', mode: 'calendar', target_min: 60 };
    const bad = async (body, field) => t.expectError(await t.req('POST', '/api/v1/sla/policies', { token: mgr, body }), 400, 'validation_failed', field);
    await bad({ ...ok, name: undefined }, 'name');
    await bad({ ...ok, name: '' }, 'name');
    await bad({ ...ok, metric: 'Arrival Time' }, 'metric');
    await bad({ ...ok, mode: 'hours' }, 'mode');
    await bad({ ...ok, target_min: 0 }, 'target_min');
    await bad({ ...ok, target_min: 'six' }, 'target_min');
    await bad({ ...ok, mode: 'next_day', target_min: 1440 }, 'target_min');
    await bad({ ...ok, severity: 'critical' }, 'severity');
    await bad({ ...ok, region_class: 'Downtown!' }, 'region_class');
    await bad({ ...ok, distance_min_km: 500, distance_max_km: 500 }, 'distance_max_km');
    await bad({ ...ok, distance_max_km: 0 }, 'distance_max_km');
    await bad({ ...ok, distance_min_km: -1 }, 'distance_min_km');
    await bad({ ...ok, warn_min: -1 }, 'warn_min');
    await bad({ ...ok, priority: 1 }, 'priority');
  }],

  ['clocks: a document without clocks lists none; an unknown clock is 404', async (t) => {
    const tok = (await t.login('agent')).token;
    const r = t.expectStatus(await t.req('GET', '/api/v1/sla/clocks?doc_kind=service_request&doc_id=999999999', { token: tok }), 200);
    t.deepEqual(r.json.items, []);
    t.expectError(await t.req('GET', '/api/v1/sla/clocks?doc_id=1', { token: tok }), 400, 'validation_failed', 'doc_kind');
    t.expectError(await t.req('GET', '/api/v1/sla/clocks/999999999', { token: tok }), 404, 'not_found');
  }],

  ['notifications: mine only, paginated, unread count; another user\'s is 404', async (t) => {
    const me = (await t.login('tech')).token;
    const r = t.expectStatus(await t.req('GET', '/api/v1/notifications?limit=5', { token: me }), 200).json;
    t.ok(Array.isArray(r.items));
    t.equal(typeof r.unread_count, 'number');
    t.ok(r.next_cursor === null || typeof r.next_cursor === 'string');
    t.expectStatus(await t.req('GET', '/api/v1/notifications?unread=true', { token: me }), 200);
    t.expectError(await t.req('GET', '/api/v1/notifications?unread=maybe', { token: me }), 400, 'validation_failed', 'unread');
    t.expectError(await t.req('POST', '/api/v1/notifications/999999999/read', { token: me }), 404, 'not_found');
    t.expectError(await t.req('POST', '/api/v1/notifications/abc/read', { token: me }), 404, 'not_found');
  }],

  ['notifications: each carries its code and args; "mark all read" marks only the caller\'s own', async (t) => {
    // two managers of the same role get the same message: a severe fault tells every general manager
    const admin = await t.admin();
    const gm2 = await t.createUser({ roles: ['general_manager'] });
    const gm2tok = (await t.login(gm2.username, gm2.password)).token;
    const gm = (await t.login('gm')).token;
    const agent = (await t.login('agent')).token;
    const r = t.expectStatus(await t.req('POST', '/api/v1/requests', { token: agent, body: { type: 'repair', customer_id: 1, severity: 'severe', title: '主机停机', description: '整条产线停工' } }), 201).json.request;
    const mine = t.expectStatus(await t.req('GET', '/api/v1/notifications?limit=200', { token: gm }), 200).json;
    const n = mine.items.find((x) => x.ref_kind === 'request' && x.ref_id === r.id);
    t.ok(n, 'the general manager was told');
    t.equal(n.code, 'severe_fault');
    t.equal(n.args.number, r.number);
    t.equal(n.args.title, '主机停机');
    t.equal(typeof n.args.customer, 'string');
    t.ok(n.args.customer.length > 0);
    t.ok(typeof n.title === 'string' && n.title.length > 0, 'the old text stays');
    t.ok(mine.items.every((x) => x.code === x.kind && x.args && typeof x.args === 'object'));
    // mark all read: mine only
    const other = t.expectStatus(await t.req('GET', '/api/v1/notifications?unread=true', { token: gm2tok }), 200).json.unread_count;
    t.ok(other >= 1, 'the other general manager has an unread message');
    const res = t.expectStatus(await t.req('POST', '/api/v1/notifications/read-all', { token: gm }), 200).json;
    t.equal(res.marked, mine.unread_count);
    t.equal(res.unread_count, 0);
    const after = t.expectStatus(await t.req('GET', '/api/v1/notifications?limit=200', { token: gm }), 200).json;
    t.equal(after.unread_count, 0);
    t.ok(after.items.every((x) => x.read && x.read_at));
    t.equal((await t.req('GET', '/api/v1/notifications', { token: gm2tok })).json.unread_count, other, 'another user\'s stay unread');
    // again: nothing left to mark
    t.equal(t.expectStatus(await t.req('POST', '/api/v1/notifications/read-all', { token: gm }), 200).json.marked, 0);
    const audit = (await t.req('GET', '/api/v1/audit?entity=notification', { token: admin })).json.items;
    t.ok(audit.some((a) => a.action === 'read_all'), 'audited');
  }],

  ['clocks of a customer user, whatever the matrix grants: its own company\'s only; another\'s answers as a missing one', async (t) => {
    const admin = await t.admin();
    const agent = (await t.login('agent')).token;
    const cust = (await t.login('customer')).token;   // bound to customer 1
    const repair = async (customer_id) => {
      const r = await t.req('POST', '/api/v1/requests', { token: agent, body: { type: 'repair', customer_id, title: '不制冷' } });
      t.expectStatus(r, 201);
      const c = (await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${r.json.request.id}`, { token: admin })).json.items;
      t.ok(c.length > 0, `customer ${customer_id}'s repair has no clock: the check would prove nothing`);
      return { req: r.json.request, clock: c[0] };
    };
    const mine = await repair(1);
    const theirs = await repair(2);
    const roles = (await t.req('GET', '/api/v1/roles', { token: admin })).json;
    const orig = roles.matrix.customer;
    const setPerms = (perms) => t.req('PUT', '/api/v1/roles/customer/permissions', { token: admin, body: { permissions: perms } });
    t.expectStatus(await setPerms([...orig, 'sla.read']), 200);
    try {
      // by id
      t.expectStatus(await t.req('GET', `/api/v1/sla/clocks/${mine.clock.id}`, { token: cust }), 200);
      const a = await t.req('GET', `/api/v1/sla/clocks/${theirs.clock.id}`, { token: cust });
      const b = await t.req('GET', '/api/v1/sla/clocks/999999999', { token: cust });
      t.expectError(a, 404, 'not_found', 'id');
      t.equal(a.json.error.message.replace(String(theirs.clock.id), 'N'), b.json.error.message.replace('999999999', 'N'));
      // by document
      const own = t.expectStatus(await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${mine.req.id}`, { token: cust }), 200).json;
      t.deepEqual(own.items.map((x) => x.id), [mine.clock.id]);
      const c = await t.req('GET', `/api/v1/sla/clocks?doc_kind=request&doc_id=${theirs.req.id}`, { token: cust });
      const d = await t.req('GET', '/api/v1/sla/clocks?doc_kind=request&doc_id=999999999', { token: cust });
      t.expectError(c, 404, 'not_found', 'doc_id');
      t.equal(c.json.error.message.replace(String(theirs.req.id), 'N'), d.json.error.message.replace('999999999', 'N'));
      // the due list: staff see both, the customer only its own
      const all = await t.listAll('/api/v1/sla/clocks?doc_kind=request', admin);
      t.ok(all.some((x) => x.id === theirs.clock.id) && all.some((x) => x.id === mine.clock.id), 'staff do not see both clocks');
      const list = await t.listAll('/api/v1/sla/clocks?doc_kind=request', cust);
      t.ok(list.some((x) => x.id === mine.clock.id), 'the customer does not see its own clock');
      t.ok(!list.some((x) => x.id === theirs.clock.id), 'the customer sees another company\'s clock');
      t.ok(list.length < all.length, 'the customer sees as many clocks as staff');
      const total = (await t.req('GET', '/api/v1/sla/clocks?doc_kind=request&limit=1', { token: cust })).json.total;
      t.equal(total, list.length, 'the total counts other companies\' clocks');
    } finally {
      t.expectStatus(await setPerms(orig), 200, 'restore the customer role');
    }
  }],

  ['the OpenAPI document lists the calendar and SLA routes', async (t) => {
    const doc = t.expectStatus(await t.req('GET', '/api/v1/openapi.json'), 200).json;
    for (const p of ['/api/v1/calendar', '/api/v1/calendar/hours', '/api/v1/calendar/days',
      '/api/v1/calendar/days/{date}', '/api/v1/sla/preview', '/api/v1/sla/policies',
      '/api/v1/sla/policies/{id}', '/api/v1/notifications', '/api/v1/notifications/{id}/read',
      '/api/v1/notifications/read-all'])
      t.ok(doc.paths[p], `no ${p}`);
  }],
];
