// Returns and exchanges (调退货, SPEC §4.3, seed 000 §4.2): the form and its
// lines, exchange-ratio control (exactly at the limit passes, one fen over
// is refused with the figures, the general manager's special approval), the
// time limit (the last day and the day after), every signature as a
// transition by role (403 for another role), each missing signature before
// the warehouse receipt, the driver and the transport order, QC's refusal
// and its explanation, used goods, the statistician, the clerk's slip due by
// 12:00 the next day (outbox, SLA clock), finance's watch and alerts,
// reports, customer isolation.
//
// Fixtures go through the master-data API: every test makes its own
// customer (contract 5 % / 90 days, purchases of 10,000.00 yuan), so the
// ratios of one test never move another's.

const DAY = 86400e3;
// A company-local (Asia/Shanghai, no DST) date n days before today.
const daysAgo = (n) => new Date(Date.now() + 8 * 3600e3 - n * DAY).toISOString().slice(0, 10);
const nextDayNoon = (iso) => {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return `${new Date(d.getTime() + DAY).toISOString().slice(0, 10)}T12:00:00+08:00`;
};

async function post(t, token, path, body, status = 201) {
  const res = await t.req('POST', path, { token, body });
  t.expectStatus(res, status, `POST ${path} ${JSON.stringify(body).slice(0, 200)}`);
  return res.json;
}

let modelId = 0;
let qcDept = 0;

/* A customer with a sales contract (5 % of purchases, 90 days from
 * delivery), purchases of 1,000,000 fen in the period, units delivered 90
 * and 91 days ago and a used one, and a portal user. */
async function customer(t, { purchases = 1000000, limitBp = 500, days = 90 } = {}) {
  const admin = await t.admin();
  const code = t.uniq('RT');
  if (!modelId)
    modelId = (await post(t, admin, '/api/v1/product-models', { model_no: t.uniq('RTM-'), name: '柜式空调' })).id;
  if (!qcDept) {
    const depts = await t.listAll('/api/v1/departments', admin);
    qcDept = depts.find((d) => d.code === 'QC').id;
  }
  const c = await post(t, admin, '/api/v1/customers', { code, name: `退货测试 ${code}`, phone: '021-5555' });
  await post(t, admin, '/api/v1/contracts', {
    contract_no: `HT-${code}`, customer_id: c.id, kind: 'sales', start_date: daysAgo(200),
    end_date: daysAgo(-100), exchange_ratio_limit_bp: limitBp, exchange_days_limit: days,
  });
  if (purchases > 0)
    await post(t, admin, '/api/v1/sales', { customer_id: c.id, sale_date: daysAgo(30), amount_fen: purchases });
  // outside the contract period: not part of the base
  await post(t, admin, '/api/v1/sales', { customer_id: c.id, sale_date: daysAgo(300), amount_fen: 99900000 });
  const unit = async (suffix, delivered, used = false) => (await post(t, admin, '/api/v1/units', {
    serial: `${code}-${suffix}`, model_id: modelId, customer_id: c.id, purchase_date: daysAgo(delivered),
    delivery_date: daysAgo(delivered), amount_fen: 100000, used,
  })).id;
  const units = { d90: await unit('D90', 90), d91: await unit('D91', 91), used: await unit('USED', 20, true), d10: await unit('D10', 10) };
  const u = await t.createUser({ roles: ['customer'], customer_id: c.id });
  const ptoken = (await t.login(u.username, u.password)).token;
  return { id: c.id, code, units, portal: { token: ptoken }, ptoken };
}

/* who: a demo username, or {token} of a user made by the test. */
async function tok(t, who) { return typeof who === 'object' ? who.token : (await t.login(who)).token; }

async function file(t, who, body, status = 201) {
  const token = await tok(t, who);
  const res = await t.req('POST', '/api/v1/returns', { token, body });
  t.expectStatus(res, status, 'file a return');
  return res.json;
}

const line = (unitId, price, extra = {}) => ({ unit_id: unitId, quantity: 1, unit_price_fen: price, ...extra });

async function step(t, who, r, name, extra = {}) {
  const token = await tok(t, who);
  return t.req('POST', `/api/v1/returns/${r.id}/transitions/${name}`, {
    token, body: { version: r.version, ...extra },
  });
}

/* Take a step that must pass; returns the form after it. */
async function ok(t, who, r, name, extra = {}) {
  const res = await step(t, who, r, name, extra);
  t.expectStatus(res, 200, `${who} ${name}`);
  return res.json.return;
}

async function exchangeApproved(t, c, price, unit = c.units.d90) {
  let r = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(unit, price)] })).return;
  r = await ok(t, 'agent', r, 'review_aftersales');
  r = await ok(t, 'finance', r, 'review_finance');
  return ok(t, 'sales', r, 'approve');
}

async function notificationsOf(t, who) {
  const res = await t.req('GET', '/api/v1/notifications?limit=200', { token: await tok(t, who) });
  t.expectStatus(res, 200);
  return res.json.items;
}

export const tests = [
  ['create: RT number, lines and totals, the limits it will be reviewed against', async (t) => {
    const c = await customer(t);
    const res = await t.req('POST', '/api/v1/returns', {
      token: await tok(t, 'agent'),
      body: {
        kind: 'exchange', reason: 'unsalable', customer_id: c.id, description: '滞销, 申请调换',
        lines: [line(c.units.d10, 30000, { quantity: 2, amount_fen: 60000 }), { model_id: modelId, quantity: 3, unit_price_fen: 1000, delivery_date: daysAgo(5) }],
      },
    });
    t.expectStatus(res, 201);
    t.match(res.headers.location, /^\/api\/v1\/returns\/\d+$/);
    const { return: r, lines, signatures, transitions } = res.json;
    // the agent (no sales.read) gets the verdicts; the figures need sales.read
    t.deepEqual(Object.keys(res.json.limits).filter((k) => /_fen$|ratio$|^over$|^source$/.test(k)), []);
    const { limits } = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'finance') })).json;
    t.match(r.number, /^RT-\d{8}-\d{4}$/);
    t.equal(r.state, 'submitted');
    t.equal(r.channel, 'staff');
    t.equal(r.total_quantity, 5);
    t.equal(r.total_amount_fen, 63000);
    t.equal(lines.length, 2);
    t.equal(lines[0].serial, `${c.code}-D10`);
    t.equal(lines[0].delivery_date, daysAgo(10));
    t.equal(lines[1].amount_fen, 3000);
    t.equal(limits.source, 'contract');
    t.equal(limits.limit_bp, 500);
    t.equal(limits.purchases_fen, 1000000);
    t.equal(limits.exchanged_fen, 0);
    t.equal(limits.this_fen, 63000);
    t.equal(limits.ratio, '6.3000%');
    t.equal(limits.ratio_ok, false);
    t.match(limits.over, /6\.3000% > limit 5\.00%/);
    t.deepEqual(signatures, []);
    t.ok(transitions.find((x) => x.name === 'review_aftersales'));
    const audit = await t.req('GET', `/api/v1/audit?entity=return&entity_id=${r.id}`, { token: await t.admin() });
    t.equal(audit.json.items[0].action, 'create');
  }],

  ['create: bad input names the field (lines[i].x), nothing written', async (t) => {
    const c = await customer(t);
    const agent = await tok(t, 'agent');
    const base = { kind: 'exchange', reason: 'unsalable', customer_id: c.id };
    const bad = async (body, field, reason) => t.expectError(
      await t.req('POST', '/api/v1/returns', { token: agent, body }), 400, 'validation_failed', field, reason);
    await bad({ ...base }, 'lines', 'required');
    await bad({ ...base, lines: [] }, 'lines', 'required');
    await bad({ ...base, lines: 'x' }, 'lines', 'wrong_type');
    await bad({ ...base, lines: [5] }, 'lines[0]', 'wrong_type');
    await bad({ ...base, lines: [line(c.units.d10, 100), line(c.units.d10, 100, { quantity: 0 })] }, 'lines[1].quantity', 'out_of_range');
    await bad({ ...base, lines: [line(c.units.d10, 100, { amount_fen: 99 })] }, 'lines[0].amount_fen', 'mismatch');
    await bad({ ...base, lines: [line(c.units.d10, 100, { colour: 'red' })] }, 'lines[0].colour', 'unknown');
    await bad({ ...base, lines: [line(c.units.d10, 100, { reason: 'quality' })] }, 'lines[0].reason', 'mismatch');
    await bad({ ...base, lines: [{ quantity: 1, unit_price_fen: 1 }] }, 'lines[0].model_id', 'required');
    await bad({ ...base, lines: [{ model_id: modelId, quantity: 1, unit_price_fen: 1 }] }, 'lines[0].delivery_date', 'required');
    await bad({ ...base, lines: [line(c.units.d10, 100, { delivery_date: '2026-02-30' })] }, 'lines[0].delivery_date', 'invalid');
    await bad({ ...base, lines: [{ serial: 'NO-SUCH', quantity: 1, unit_price_fen: 1 }] }, 'lines[0].serial', 'not_found');
    await bad({ ...base, kind: 'refund', lines: [line(c.units.d10, 100)] }, 'kind', 'not_allowed');
    await bad({ ...base, reason: 'bored', lines: [line(c.units.d10, 100)] }, 'reason', 'not_allowed');
    await bad({ kind: 'exchange', reason: 'unsalable', lines: [line(c.units.d10, 100)] }, 'customer_id', 'required');
    await bad({ ...base, channel: 'portal', lines: [line(c.units.d10, 100)] }, 'channel', 'not_allowed');
    const list = await t.req('GET', `/api/v1/returns?customer_id=${c.id}`, { token: agent });
    t.equal(list.json.items.length, 0, 'a refused form writes nothing');
  }],

  ['ratio: exactly 5.00 % passes; one fen over is refused showing the figures', async (t) => {
    const c = await customer(t);
    await exchangeApproved(t, c, 45000);                 // already exchanged
    let r = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d90, 5000)] })).return;
    r = await ok(t, 'agent', r, 'review_aftersales');    // 50,000 / 1,000,000 = 5.00 %
    r = await ok(t, 'finance', r, 'review_finance');
    r = await ok(t, 'sales', r, 'approve');
    t.equal(r.state, 'approved');
    const got = await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'finance') });
    t.equal(got.json.limits.exchanged_fen, 45000);
    t.equal(got.json.limits.ratio, '5.0000%');
    // one more fen: 50,001 / 1,000,000
    let over = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d90, 1)] })).return;
    for (const [who, name] of [['agent', 'review_aftersales'], ['finance', 'review_finance']]) {
      const e = t.expectError(await step(t, who, over, name), 409, 'transition_not_allowed', 'transition');
      t.match(e.details.missing, /\(already exchanged 500\.00 \+ this form 0\.01\) \/ purchases 10000\.00 yuan = 5\.0001% > limit 5\.00%/);
      t.match(e.details.missing, /special approval/);
      const f = e.details.figures;
      if (who === 'agent') {   // no sales.read: the verdicts, no money
        t.deepEqual([f.figures, f.ratio_ok, 'purchases_fen' in f], [false, false, false]);
        continue;
      }
      t.equal(f.exchanged_fen, 50000);
      t.equal(f.this_fen, 1);
      t.equal(f.purchases_fen, 1000000);
      t.equal(f.limit_bp, 500);
      t.equal(f.ratio_ppm, 50001);
      t.equal(f.ratio_ok, false);
      t.equal(f.contract_no, `HT-${c.code}`);
    }
    // the customer sees its form but not finance's figures
    const mine = await t.req('GET', `/api/v1/returns/${over.id}`, { token: c.ptoken });
    t.expectStatus(mine, 200);
    t.equal(mine.json.limits, undefined);
    over = (await t.req('GET', `/api/v1/returns/${over.id}`, { token: await tok(t, 'agent') })).json.return;
    t.equal(over.version, 1, 'refused reviews changed nothing');
  }],

  ['ratio: the general manager\'s special approval lets it continue, recorded; finance is alerted', async (t) => {
    const c = await customer(t);
    await exchangeApproved(t, c, 50000);
    let r = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d90, 1)] })).return;
    // finance hears of a request over the limit at once
    let notes = await notificationsOf(t, 'finance');
    const over = notes.find((n) => n.kind === 'rma_ratio_request_over' && n.ref_id === r.id);
    t.ok(over, 'finance was not told of the request over the limit');
    t.equal(over.code, 'rma_ratio_request_over');
    t.equal(over.args.number, r.number);
    t.equal(over.args.limit, '5.00%');
    t.equal(over.args.customer, r.customer_name);
    // not the head, not finance: only the general manager, and with a note
    t.expectError(await step(t, 'asmanager', r, 'special_approval', { note: 'x' }), 403, 'forbidden');
    t.expectError(await step(t, 'finance', r, 'special_approval', { note: 'x' }), 403, 'forbidden');
    t.expectError(await step(t, 'gm', r, 'special_approval'), 400, 'validation_failed', 'note', 'required');
    r = await ok(t, 'gm', r, 'special_approval', { note: '重点客户, 特批调换' });
    t.equal(r.signed.special_approval, true);
    t.ok(r.special_approved_by > 0);
    t.equal(r.special_note, '重点客户, 特批调换');
    t.expectError(await step(t, 'gm', r, 'special_approval', { note: 'again' }), 409, 'transition_not_allowed');
    r = await ok(t, 'agent', r, 'review_aftersales');
    r = await ok(t, 'finance', r, 'review_finance');
    r = await ok(t, 'sales', r, 'approve');
    notes = await notificationsOf(t, 'finance');
    const exceeded = notes.find((n) => n.kind === 'rma_ratio_exceeded' && n.ref_id === r.id);
    t.ok(exceeded, 'finance was not alerted that the customer exceeds its limit');
    t.match(exceeded.title, /5\.0001%/);
    // the special approval is a signature, in the audit log
    const sigs = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'agent') })).json.signatures;
    const sp = sigs.find((s) => s.step === 'special_approval');
    t.equal(sp.role, 'general_manager');
    t.equal(sp.username, 'gm');
    const audit = await t.req('GET', `/api/v1/audit?entity=return&entity_id=${r.id}`, { token: await t.admin() });
    t.ok(audit.json.items.find((a) => a.action === 'transition:special_approval'));
    // a within-limit form needs no special approval
    const fine = await customer(t);
    const w = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: fine.id, lines: [line(fine.units.d90, 100)] })).return;
    const e = t.expectError(await step(t, 'gm', w, 'special_approval', { note: 'x' }), 409, 'transition_not_allowed');
    t.match(e.details.missing, /within them/);
  }],

  ['time limit: delivered 90 days ago passes (last day), 91 days is refused with the days', async (t) => {
    const c = await customer(t);
    let r = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d90, 100)] })).return;
    r = await ok(t, 'agent', r, 'review_aftersales');
    t.equal(r.signed.aftersales, true);
    const late = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d91, 100)] })).return;
    const e = t.expectError(await step(t, 'agent', late, 'review_aftersales'), 409, 'transition_not_allowed');
    t.match(e.details.missing, new RegExp(`line 1 delivered ${daysAgo(91)} is 91 days before the form of ${daysAgo(0)} > 90 days`));
    t.equal(e.details.figures.max_days, 91);
    t.equal(e.details.figures.days_ok, false);
    t.equal(e.details.figures.ratio_ok, true);
    // a delivery date written on the line counts over the unit's
    const lined = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d91, 100, { delivery_date: daysAgo(90) })] })).return;
    await ok(t, 'agent', lined, 'review_aftersales');
    // the general manager may let a late one through too
    const sp = await ok(t, 'gm', late, 'special_approval', { note: '物流延误' });
    await ok(t, 'agent', sp, 'review_aftersales');
  }],

  ['fax form: registered by the office, signed for by after-sales (a transition)', async (t) => {
    const c = await customer(t);
    let r = (await file(t, 'clerk', { kind: 'refund', reason: 'quality', channel: 'fax', customer_id: c.id, lines: [line(c.units.d10, 20000)] })).return;
    t.equal(r.state, 'registered');
    t.equal(r.channel, 'fax');
    t.expectError(await step(t, 'asmanager', r, 'review_aftersales'), 409, 'transition_not_allowed');
    t.expectError(await step(t, 'warehouse', r, 'sign_for'), 403, 'forbidden');
    r = await ok(t, 'agent', r, 'sign_for', { note: '已签收传真' });
    t.equal(r.state, 'submitted');
    const sigs = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'agent') })).json.signatures;
    t.equal(sigs.length, 1);
    t.equal(sigs[0].step, 'sign_for');
    t.equal(sigs[0].role, 'agent');
    t.equal(sigs[0].note, '已签收传真');
    t.match(sigs[0].signed_at, /\+08:00$/);
  }],

  ['warehouse receipt: refused until after-sales, the sales manager and QC have all signed, each named', async (t) => {
    const c = await customer(t);
    let r = (await file(t, 'agent', { kind: 'refund', reason: 'quality', customer_id: c.id, lines: [line(c.units.d10, 20000)] })).return;
    const missing = async () => t.expectError(await step(t, 'warehouse', r, 'receive'), 409, 'transition_not_allowed', 'transition').details.missing;
    let m = await missing();
    t.match(m, /after-sales review/); t.match(m, /sales manager approval/); t.match(m, /QC inspection/);
    // a quality return is reviewed by the head: an agent may not
    t.expectError(await step(t, 'agent', r, 'review_aftersales'), 403, 'forbidden');
    r = await ok(t, 'asmanager', r, 'review_aftersales');
    m = await missing();
    t.assert.doesNotMatch(m, /after-sales review/); t.match(m, /sales manager approval/); t.match(m, /QC inspection/);
    r = await ok(t, 'sales', r, 'approve');
    m = await missing();
    t.assert.doesNotMatch(m, /sales manager approval/); t.match(m, /QC inspection/);
    r = await ok(t, 'qc', r, 'qc_defect', { explanation: '压缩机异响, 属生产装配问题', responsible_department_id: qcDept, responsible_person: '装配线 张班长' });
    r = await ok(t, 'warehouse', r, 'receive');
    t.equal(r.state, 'received');
  }],

  ['driver: a pickup only against a transport order issued by the after-sales head', async (t) => {
    const c = await customer(t);
    let r = (await file(t, 'agent', { kind: 'refund', reason: 'transit_damage', customer_id: c.id, lines: [line(c.units.d10, 20000)] })).return;
    r = await ok(t, 'asmanager', r, 'review_aftersales');
    r = await ok(t, 'sales', r, 'approve');
    const e = t.expectError(await step(t, 'driver', r, 'pickup'), 409, 'transition_not_allowed');
    t.match(e.details.missing, /transport order/);
    t.expectError(await step(t, 'agent', r, 'issue_transport'), 403, 'forbidden');
    t.expectError(await step(t, 'driver', r, 'issue_transport'), 403, 'forbidden');
    r = await ok(t, 'asmanager', r, 'issue_transport', { station: '上海西货运站', note: '3 件' });
    t.match(r.transport_order, /^TO-\d{8}-\d{4}$/);
    t.expectError(await step(t, 'asmanager', r, 'issue_transport'), 409, 'transition_not_allowed');
    t.expectError(await step(t, 'warehouse', r, 'pickup'), 403, 'forbidden');
    r = await ok(t, 'driver', r, 'pickup');
    t.equal(r.state, 'picked_up');
    const full = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'driver') })).json;
    t.equal(full.transport_orders.length, 1);
    t.equal(full.transport_orders[0].station, '上海西货运站');
    t.ok(full.transport_orders[0].picked_up_at);
  }],

  ['QC: refusal needs a written explanation; the customer sees it; the return ends', async (t) => {
    const c = await customer(t);
    let r = (await file(t, c.portal, { kind: 'refund', reason: 'quality', lines: [line(c.units.d10, 20000)] })).return;
    r = await ok(t, 'asmanager', r, 'review_aftersales');
    r = await ok(t, 'sales', r, 'approve');
    t.expectError(await step(t, 'qc', r, 'qc_refuse'), 400, 'validation_failed', 'explanation', 'required');
    t.expectError(await step(t, 'qc', r, 'qc_refuse', { explanation: '' }), 400, 'validation_failed', 'explanation', 'required');
    t.expectError(await step(t, 'warehouse', r, 'qc_refuse', { explanation: 'x' }), 403, 'forbidden');
    // qc_intact is for unsalable goods
    t.expectError(await step(t, 'qc', r, 'qc_intact'), 409, 'transition_not_allowed');
    r = await ok(t, 'qc', r, 'qc_refuse', { explanation: '外壳有明显撞击痕迹, 属客户使用不当造成的损坏' });
    t.equal(r.state, 'refused');
    t.equal(r.qc_verdict, 'customer_damage');
    t.ok(r.closed_at);
    t.expectError(await step(t, 'warehouse', r, 'receive'), 409, 'transition_not_allowed');
    const ev = await t.req('GET', `/api/v1/returns/${r.id}/events`, { token: c.ptoken });
    t.ok(ev.json.items.find((e) => e.body.includes('撞击痕迹')), 'the customer does not see the explanation');
  }],

  ['mandatory texts are trimmed: white space alone is refused naming the field, one character is enough', async (t) => {
    const c = await customer(t);
    const blanks = ['   ', '\t \n', '\u3000', ' \u00a0\u2003 '];
    const refused = async (who, r, name, extra, field) => {
      for (const b of blanks)
        t.expectError(await step(t, who, r, name, { ...extra, [field]: b }), 400, 'validation_failed', field, 'required');
    };
    // QC's customer-damage refusal: the written explanation
    let r = (await file(t, c.portal, { kind: 'refund', reason: 'quality', lines: [line(c.units.d10, 20000)] })).return;
    r = await ok(t, 'asmanager', r, 'review_aftersales');
    r = await ok(t, 'sales', r, 'approve');
    await refused('qc', r, 'qc_refuse', {}, 'explanation');
    // QC's company defect: explanation and responsible person
    await refused('qc', r, 'qc_defect', { responsible_department_id: qcDept, responsible_person: '王工' }, 'explanation');
    await refused('qc', r, 'qc_defect', { responsible_department_id: qcDept, explanation: '压缩机缺陷' }, 'responsible_person');
    const back = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await t.admin() })).json.return;
    t.equal(back.version, r.version, 'a refused step changed the form');
    r = await ok(t, 'qc', r, 'qc_refuse', { explanation: ' a ' });
    t.equal(r.state, 'refused');
    t.equal(r.qc_explanation, 'a', 'the explanation is stored trimmed');
    // reject and cancel: the reason shown to the customer
    let r2 = (await file(t, 'agent', { kind: 'refund', reason: 'quality', customer_id: c.id, lines: [line(c.units.d10, 100)] })).return;
    await refused('asmanager', r2, 'reject', {}, 'reason');
    await refused('agent', r2, 'cancel', {}, 'reason');
    r2 = await ok(t, 'asmanager', r2, 'reject', { reason: 'a' });
    t.equal(r2.close_reason, 'a');
    // the general manager's special approval: the note saying why
    const over = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id,
      lines: [line(c.units.d91, 100)] })).return;
    await refused('gm', over, 'special_approval', {}, 'note');
    t.expectStatus(await step(t, 'gm', over, 'special_approval', { note: 'a' }), 200, 'a one-character note');
    // a timeline note or reply
    for (const b of blanks)
      t.expectError(await t.req('POST', `/api/v1/returns/${over.id}/events`, { token: await t.admin(), body: { kind: 'note', body: b } }),
        400, 'validation_failed', 'body', 'required');
    t.expectStatus(await t.req('POST', `/api/v1/returns/${over.id}/events`, { token: c.ptoken, body: { kind: 'reply', body: 'a' } }), 201);
  }],

  ['a customer citing another company\'s unit, serial, request or customer gets exactly the answer of a missing one', async (t) => {
    const mine = await customer(t);
    const other = await customer(t);
    const req = t.expectStatus(await t.req('POST', '/api/v1/requests', { token: (await t.login('agent')).token,
      body: { type: 'return', customer_id: other.id, title: '退货' } }), 201).json.request;
    const units = (await t.req('GET', `/api/v1/units?customer_id=${other.id}&limit=1`, { token: await t.admin() })).json.items;
    const filed = (body) => t.req('POST', '/api/v1/returns', { token: mine.ptoken,
      body: { kind: 'refund', reason: 'quality', lines: [line(mine.units.d10, 100)], ...body } });
    const same = async (foreign, missing, a, b, what) => {
      const x = await filed(foreign);
      const y = await filed(missing);
      t.ok(x.status >= 400, `${what}: another company's accepted: ${x.status}`);
      t.equal(x.status, y.status, `${what}: status`);
      t.equal(JSON.stringify(x.json).replaceAll(String(a), 'N'), JSON.stringify(y.json).replaceAll(String(b), 'N'), `${what}: the answers differ`);
    };
    await same({ lines: [line(units[0].id, 100)] }, { lines: [line(999999999, 100)] }, units[0].id, 999999999, 'lines[0].unit_id');
    await same({ lines: [{ serial: units[0].serial, quantity: 1, unit_price_fen: 100 }] },
      { lines: [{ serial: 'NO-SUCH-SN-9', quantity: 1, unit_price_fen: 100 }] }, units[0].serial, 'NO-SUCH-SN-9', 'lines[0].serial');
    await same({ request_id: req.id }, { request_id: 999999999 }, req.id, 999999999, 'request_id');
    await same({ customer_id: other.id }, { customer_id: 999999999 }, other.id, 999999999, 'customer_id');
  }],

  ['another role trying to sign gets 403 naming the role', async (t) => {
    const c = await customer(t);
    const r = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d10, 100)] })).return;
    for (const [who, name, role] of [['warehouse', 'review_aftersales', /agent/], ['agent', 'review_finance', /finance/],
      ['asmanager', 'approve', /sales_manager/], ['finance', 'approve', /sales_manager/], ['clerk', 'receive', /warehouse/],
      ['stats', 'send_slip', /clerk/], ['driver', 'qc_intact', /qc_inspector/]]) {
      const e = t.expectError(await step(t, who, r, name), 403, 'forbidden');
      t.match(e.details.required_role, role, `${who} ${name}`);
    }
    // a customer cannot sign either; a technician has no return.work at all
    t.expectError(await step(t, c.portal, r, 'approve'), 403, 'forbidden');
    t.expectError(await step(t, 'tech', r, 'review_aftersales'), 403, 'forbidden');
    const after = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'agent') })).json;
    t.equal(after.signatures.length, 0);
    t.equal(after.return.version, 1);
  }],

  ['customers: their own forms only (others 404), filed through the portal', async (t) => {
    const a = await customer(t);
    const b = await customer(t);
    const mine = (await file(t, a.portal, { kind: 'refund', reason: 'not_as_described', lines: [line(a.units.d10, 5000)] })).return;
    t.equal(mine.channel, 'portal');
    t.equal(mine.customer_id, a.id);
    const theirs = (await file(t, 'agent', { kind: 'refund', reason: 'quality', customer_id: b.id, lines: [line(b.units.d10, 5000)] })).return;
    t.expectError(await t.req('GET', `/api/v1/returns/${theirs.id}`, { token: a.ptoken }), 404, 'not_found');
    t.expectError(await t.req('GET', `/api/v1/returns/${theirs.id}/events`, { token: a.ptoken }), 404, 'not_found');
    t.expectError(await step(t, a.portal, theirs, 'cancel', { reason: 'x' }), 404, 'not_found');
    t.expectError(await t.req('POST', `/api/v1/returns/${theirs.id}/events`, { token: a.ptoken, body: { kind: 'reply', body: 'x' } }), 404, 'not_found');
    const list = await t.req('GET', '/api/v1/returns?limit=200', { token: a.ptoken });
    t.ok(list.json.items.length >= 1);
    t.ok(list.json.items.every((x) => x.customer_id === a.id));
    const filtered = await t.req('GET', `/api/v1/returns?customer_id=${b.id}`, { token: a.ptoken });
    t.equal(filtered.json.items.filter((x) => x.customer_id === b.id).length, 0);
    // filing for another company: 404; another company's unit: not found
    t.expectError(await t.req('POST', '/api/v1/returns', { token: a.ptoken, body: { kind: 'refund', reason: 'quality', customer_id: b.id, lines: [line(a.units.d10, 1)] } }), 404, 'not_found');
    t.expectError(await t.req('POST', '/api/v1/returns', { token: a.ptoken, body: { kind: 'refund', reason: 'quality', lines: [line(b.units.d10, 1)] } }), 400, 'validation_failed', 'lines[0].unit_id', 'not_found');
    // the customer may cancel its own form, with a reason
    t.expectError(await step(t, a.portal, mine, 'cancel'), 400, 'validation_failed', 'reason', 'required');
    const cancelled = await ok(t, a.portal, mine, 'cancel', { reason: '已与经销商协商解决' });
    t.equal(cancelled.state, 'cancelled');
    t.equal(cancelled.close_reason, '已与经销商协商解决');
    // customers cannot read finance's pages
    t.expectError(await t.req('GET', '/api/v1/returns/ratios', { token: a.ptoken }), 403, 'forbidden');
  }],

  ['the whole quality path: receipt, statistician, the clerk\'s slip due 12:00 next day, outbox, SLA clock, timeline, audit', async (t) => {
    const c = await customer(t);
    let r = (await file(t, c.portal, { kind: 'exchange', reason: 'quality', lines: [line(c.units.d10, 30000, { quantity: 2 })] })).return;
    r = await ok(t, 'asmanager', r, 'review_aftersales');
    r = await ok(t, 'sales', r, 'approve');
    r = await ok(t, 'asmanager', r, 'issue_transport');
    r = await ok(t, 'driver', r, 'pickup');
    r = await ok(t, 'qc', r, 'qc_defect', { explanation: '控制板批次缺陷', responsible_department_id: qcDept, responsible_person: '电装车间 李工' });
    t.expectError(await step(t, 'stats', r, 'record'), 409, 'transition_not_allowed');
    // the customer chose a refund at the warehouse
    r = await ok(t, 'warehouse', r, 'receive', { resolution: 'refund' });
    t.equal(r.resolution, 'refund');
    t.equal(r.refund_fen, 60000);
    t.equal(r.slip_due_at, nextDayNoon(r.received_at));
    const e = t.expectError(await step(t, 'clerk', r, 'send_slip'), 409, 'transition_not_allowed');
    t.match(e.details.missing, /recorded/);
    r = await ok(t, 'stats', r, 'record');
    t.equal(r.recorded_quantity, 2);
    t.equal(r.recorded_amount_fen, 60000);
    r = await ok(t, 'clerk', r, 'send_slip', { note: '已审核' });
    t.equal(r.state, 'closed');
    t.equal(r.slip_breached, false);
    t.ok(r.slip_sent_at && r.slip_outbox_id);
    const full = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'agent') })).json;
    t.deepEqual(full.signatures.map((s) => s.step), ['review_aftersales', 'approve', 'issue_transport', 'pickup', 'qc_defect', 'receive', 'record', 'send_slip']);
    t.deepEqual(full.signatures.map((s) => s.username), ['asmanager', 'sales', 'asmanager', 'driver', 'qc', 'warehouse', 'stats', 'clerk']);
    t.equal(full.corrective_actions.length, 1);
    t.equal(full.corrective_actions[0].state, 'open');
    t.equal(full.corrective_actions[0].department_id, qcDept);
    t.equal(full.corrective_actions[0].person, '电装车间 李工');
    // the SLA engine tracked the slip
    const clocks = await t.req('GET', `/api/v1/sla/clocks?doc_kind=return&doc_id=${r.id}`, { token: await tok(t, 'asmanager') });
    t.expectStatus(clocks, 200);
    t.equal(clocks.json.items.length, 1);
    t.equal(clocks.json.items[0].metric, 'return_slip');
    t.equal(clocks.json.items[0].state, 'stopped');
    // the timeline: creation and every step; the customer sees its part
    const staff = (await t.req('GET', `/api/v1/returns/${r.id}/events`, { token: await tok(t, 'agent') })).json.items;
    t.equal(staff.length, 9);
    t.equal(staff[0].kind, 'created');
    t.equal(staff[8].data.step, 'send_slip');
    t.equal(staff[8].data.role, 'clerk');
    const cust = (await t.req('GET', `/api/v1/returns/${r.id}/events`, { token: c.ptoken })).json.items;
    t.ok(cust.every((x) => x.visibility === 'customer'));
    t.ok(!cust.find((x) => x.data && x.data.step === 'record'));
    // every signature is in the audit log
    const audit = await t.req('GET', '/api/v1/audit?entity=return_signature&limit=200', { token: await t.admin() });
    const ids = new Set(full.signatures.map((s) => s.id));
    t.equal(audit.json.items.filter((a) => ids.has(a.entity_id) && a.action === 'sign').length, 8);
    // signatures have no route to change them
    const sid = full.signatures[0].id;
    for (const m of ['PUT', 'PATCH', 'DELETE'])
      t.ok([404, 405].includes((await t.req(m, `/api/v1/returns/${r.id}/signatures/${sid}`, { token: await t.admin() })).status));
  }],

  ['unsalable goods are exchanged for the same variety; used goods: refund = price - depreciation, exchange for equal or higher value', async (t) => {
    const c = await customer(t);
    let u = await exchangeApproved(t, c, 1000, c.units.d10);
    u = await ok(t, 'qc', u, 'qc_intact');
    t.equal(u.qc_verdict, 'intact');
    t.expectError(await step(t, 'warehouse', u, 'receive', { resolution: 'refund' }), 400, 'validation_failed', 'resolution', 'not_allowed');
    u = await ok(t, 'warehouse', u, 'receive');
    t.equal(u.resolution, 'exchange');
    t.equal(u.refund_fen, 0);
    // used goods
    let r = (await file(t, 'asmanager', { kind: 'refund', reason: 'quality', customer_id: c.id, lines: [line(c.units.used, 100000)] })).return;
    t.equal(r.has_used_goods, true);
    r = await ok(t, 'asmanager', r, 'review_aftersales');
    r = await ok(t, 'sales', r, 'approve');
    r = await ok(t, 'qc', r, 'qc_defect', { explanation: '电机老化', responsible_department_id: qcDept, responsible_person: '采购部 赵工', depreciation_fen: 30000 });
    t.equal(r.depreciation_fen, 30000);
    t.expectError(await step(t, 'warehouse', r, 'receive', { resolution: 'exchange' }), 400, 'validation_failed', 'exchange_value_fen', 'required');
    t.expectError(await step(t, 'warehouse', r, 'receive', { resolution: 'exchange', exchange_value_fen: 99999 }), 400, 'validation_failed', 'exchange_value_fen', 'out_of_range');
    t.expectError(await step(t, 'warehouse', r, 'receive', { resolution: 'refund', exchange_value_fen: 200000 }), 400, 'validation_failed', 'exchange_value_fen', 'not_allowed');
    const ex = await step(t, 'warehouse', r, 'receive', { resolution: 'refund', depreciation_fen: 120000 });
    t.expectStatus(ex, 200);
    t.equal(ex.json.return.refund_fen, 0, 'a refund is never negative');
    // and a used exchange at equal value passes
    let r2 = (await file(t, 'asmanager', { kind: 'exchange', reason: 'quality', customer_id: c.id, lines: [line(c.units.used, 100000)] })).return;
    r2 = await ok(t, 'asmanager', r2, 'review_aftersales');
    r2 = await ok(t, 'sales', r2, 'approve');
    r2 = await ok(t, 'qc', r2, 'qc_defect', { explanation: '电机老化', responsible_department_id: qcDept, responsible_person: '采购部 赵工' });
    r2 = await ok(t, 'warehouse', r2, 'receive', { exchange_value_fen: 100000 });
    t.equal(r2.resolution, 'exchange');
    t.equal(r2.exchange_value_fen, 100000);
    // depreciation is for used goods only
    const plain = (await file(t, 'asmanager', { kind: 'refund', reason: 'quality', customer_id: c.id, lines: [line(c.units.d10, 100)] })).return;
    let p = await ok(t, 'asmanager', plain, 'review_aftersales');
    p = await ok(t, 'sales', p, 'approve');
    t.expectError(await step(t, 'qc', p, 'qc_defect', { explanation: 'x', responsible_department_id: qcDept, responsible_person: 'y', depreciation_fen: 1 }), 400, 'validation_failed', 'depreciation_fen', 'not_allowed');
  }],

  ['finance: every customer\'s ratio against its limit, warned at the share set in settings', async (t) => {
    const finance = await tok(t, 'finance');
    const s0 = t.expectStatus(await t.req('GET', '/api/v1/returns/settings', { token: finance }), 200).json;
    t.equal(s0.warn_share_bp, 8000);
    const c = await customer(t);
    // 40,000 / 1,000,000 = 4.00 % = 80 % of 5 %: a warning at filing
    const r = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d90, 40000)] })).return;
    let notes = await notificationsOf(t, 'finance');
    t.ok(notes.find((n) => n.kind === 'rma_ratio_warning' && n.ref_id === r.id), 'no warning at 80 %');
    let page = await t.req('GET', `/api/v1/returns/ratios?cursor=id.${c.id - 1}&limit=1`, { token: finance });
    t.expectStatus(page, 200);
    t.equal(page.json.items[0].customer_id, c.id);
    t.equal(page.json.items[0].status, 'ok', 'a filed form does not count until approved');
    await ok(t, 'sales', await ok(t, 'finance', await ok(t, 'agent', r, 'review_aftersales'), 'review_finance'), 'approve');
    page = await t.req('GET', `/api/v1/returns/ratios?cursor=id.${c.id - 1}&limit=1`, { token: finance });
    const item = page.json.items[0];
    t.equal(item.status, 'warning');
    t.equal(item.limits.exchanged_fen, 40000);
    t.equal(item.limits.ratio, '4.0000%');
    t.equal(item.limits.limit_bp, 500);
    // raise the share to 90 %: 4 % is fine then; the version guards the change
    t.expectError(await t.req('PUT', '/api/v1/returns/settings', { token: finance, body: { warn_share_bp: 9000, version: s0.version + 7 } }), 409, 'conflict');
    t.expectError(await t.req('PUT', '/api/v1/returns/settings', { token: finance, body: { warn_share_bp: 0, version: s0.version } }), 400, 'validation_failed', 'warn_share_bp');
    t.expectError(await t.req('PUT', '/api/v1/returns/settings', { token: await tok(t, 'agent'), body: { warn_share_bp: 9000, version: s0.version } }), 403, 'forbidden');
    const s1 = t.expectStatus(await t.req('PUT', '/api/v1/returns/settings', { token: finance, body: { warn_share_bp: 9000, version: s0.version } }), 200).json;
    t.equal(s1.warn_share_bp, 9000);
    t.equal(s1.default_ratio_limit_bp, 500);
    try {
      page = await t.req('GET', `/api/v1/returns/ratios?cursor=id.${c.id - 1}&limit=1`, { token: finance });
      t.equal(page.json.items[0].status, 'ok');
      t.equal(page.json.items[0].limits.warn_share_bp, 9000);
      const audit = await t.req('GET', '/api/v1/audit?entity=settings&limit=1', { token: await t.admin() });
      t.equal(audit.json.items[0].action, 'update');
    } finally {
      t.expectStatus(await t.req('PUT', '/api/v1/returns/settings', { token: finance, body: { warn_share_bp: 8000, version: s1.version } }), 200);
    }
    // without a contract the company's rule applies (calendar year)
    const admin = await t.admin();
    const code = t.uniq('RN');
    const bare = await post(t, admin, '/api/v1/customers', { code, name: `无合同 ${code}` });
    page = await t.req('GET', `/api/v1/returns/ratios?cursor=id.${bare.id - 1}&limit=1`, { token: finance });
    t.equal(page.json.items[0].limits.source, 'company');
    t.equal(page.json.items[0].limits.limit_bp, 500);
    t.equal(page.json.items[0].limits.period_from, `${daysAgo(0).slice(0, 4)}-01-01`);
    t.expectError(await t.req('GET', '/api/v1/returns/ratios?day=2026-13-01', { token: finance }), 400, 'validation_failed', 'day');
  }],

  ['reports: returns per customer and period with ratio vs limit; open returns by step with age', async (t) => {
    const c = await customer(t);
    await exchangeApproved(t, c, 20000);
    await file(t, 'agent', { kind: 'refund', reason: 'quality', customer_id: c.id, lines: [line(c.units.d10, 7000, { quantity: 3 })] });
    const stats = await tok(t, 'stats');
    const rep = await t.req('GET', `/api/v1/returns/reports/customers?from=${daysAgo(10)}&to=${daysAgo(0)}&customer_id=${c.id}`, { token: stats });
    t.expectStatus(rep, 200);
    t.equal(rep.json.items.length, 1);
    const row = rep.json.items[0];
    t.equal(row.forms, 2);
    t.equal(row.quantity, 4);
    t.equal(row.amount_fen, 41000);
    t.equal(row.exchanged_fen, 20000);
    t.equal(row.exchanged_quantity, 1);
    t.equal(row.open, 2);
    t.equal(row.limit_bp, 500);
    t.equal(row.contract_no, `HT-${c.code}`);
    // purchases in this period only (the 30-day-old sale is outside it)
    t.equal(row.purchases_fen, 0);
    t.equal(row.within_limit, false);
    const wide = (await t.req('GET', `/api/v1/returns/reports/customers?from=${daysAgo(60)}&to=${daysAgo(0)}&customer_id=${c.id}`, { token: stats })).json.items[0];
    t.equal(wide.purchases_fen, 1000000);
    t.equal(wide.ratio, '2.0000%');
    t.equal(wide.within_limit, true);
    t.expectError(await t.req('GET', `/api/v1/returns/reports/customers?from=${daysAgo(0)}&to=${daysAgo(5)}`, { token: stats }), 400, 'validation_failed', 'to');
    t.expectError(await t.req('GET', '/api/v1/returns/reports/customers?colour=red', { token: stats }), 400, 'validation_failed', 'colour');
    const open = await t.req('GET', '/api/v1/returns/reports/open', { token: stats });
    t.expectStatus(open, 200);
    const states = open.json.by_step.map((s) => s.state);
    t.deepEqual(states, ['registered', 'submitted', 'approved', 'picked_up', 'inspected', 'received', 'recorded']);
    t.ok(open.json.by_step.find((s) => s.state === 'approved').count >= 1);
    const mine = open.json.items.filter((i) => i.customer_id === c.id);
    t.equal(mine.length, 2);
    t.ok(mine.every((i) => i.age_in_step_s >= 0 && i.age_s >= i.age_in_step_s));
    t.expectError(await t.req('GET', '/api/v1/returns/reports/open', { token: await tok(t, 'driver') }), 403, 'forbidden');
  }],

  ['linked service request; notes and replies; stale version; idempotent create', async (t) => {
    const c = await customer(t);
    const agent = await tok(t, 'agent');
    const sr = await post(t, agent, '/api/v1/requests', { type: 'return', customer_id: c.id, title: '客户要求退货' });
    const r = (await file(t, 'agent', { kind: 'refund', reason: 'quality', customer_id: c.id, request_id: sr.request.id, lines: [line(c.units.d10, 100)] })).return;
    t.equal(r.request_id, sr.request.id);
    const got = await t.req('GET', `/api/v1/requests/${sr.request.id}`, { token: agent });
    t.ok(got.json.links.find((l) => l.kind === 'return' && l.id === r.id && l.number === r.number));
    const other = await customer(t);
    t.expectError(await t.req('POST', '/api/v1/returns', { token: agent, body: { kind: 'refund', reason: 'quality', customer_id: other.id, request_id: sr.request.id, lines: [line(other.units.d10, 1)] } }), 400, 'validation_failed', 'request_id', 'mismatch');
    // notes are internal, replies reach the customer
    t.expectStatus(await t.req('POST', `/api/v1/returns/${r.id}/events`, { token: agent, body: { kind: 'note', body: '内部: 先核对库存' } }), 201);
    t.expectStatus(await t.req('POST', `/api/v1/returns/${r.id}/events`, { token: agent, body: { kind: 'reply', body: '已收到您的申请' } }), 201);
    t.expectError(await t.req('POST', `/api/v1/returns/${r.id}/events`, { token: c.ptoken, body: { kind: 'note', body: 'x' } }), 403, 'forbidden');
    const seen = (await t.req('GET', `/api/v1/returns/${r.id}/events`, { token: c.ptoken })).json.items.map((e) => e.body);
    t.ok(seen.includes('已收到您的申请'));
    t.ok(!seen.includes('内部: 先核对库存'));
    // a stale version is refused with the current form
    const e = t.expectError(await step(t, 'asmanager', { ...r, version: r.version + 5 }, 'review_aftersales'), 409, 'conflict');
    t.equal(e.details.current.id, r.id);
    t.expectError(await t.req('POST', `/api/v1/returns/${r.id}/transitions/review_aftersales`, { token: agent, body: {} }), 400, 'validation_failed', 'version', 'required');
    t.expectError(await step(t, 'asmanager', r, 'teleport'), 400, 'validation_failed', 'transition', 'unknown');
    t.expectError(await t.req('GET', '/api/v1/returns/99999999', { token: agent }), 404, 'not_found');
    // Idempotency-Key: one form
    const body = { kind: 'refund', reason: 'quality', customer_id: c.id, lines: [line(c.units.d10, 100)] };
    const key = t.uniq('idem-rt-');
    const one = await t.req('POST', '/api/v1/returns', { token: agent, body, headers: { 'Idempotency-Key': key } });
    const two = await t.req('POST', '/api/v1/returns', { token: agent, body, headers: { 'Idempotency-Key': key } });
    t.expectStatus(one, 201);
    t.expectStatus(two, 201);
    t.equal(two.headers['idempotent-replayed'], 'true');
    t.equal(one.json.return.id, two.json.return.id);
  }],

  ['the list carries each form\'s signature count and signed steps (computed in the list query)', async (t) => {
    const c = await customer(t);
    let r = (await file(t, c.portal, { kind: 'refund', reason: 'quality', lines: [line(c.units.d10, 30000)] })).return;
    r = await ok(t, 'asmanager', r, 'review_aftersales');
    r = await ok(t, 'sales', r, 'approve');
    r = await ok(t, 'asmanager', r, 'issue_transport');
    r = await ok(t, 'driver', r, 'pickup');
    r = await ok(t, 'qc', r, 'qc_defect', { explanation: '批次缺陷', responsible_department_id: qcDept, responsible_person: '李工' });
    r = await ok(t, 'warehouse', r, 'receive', { resolution: 'refund' });
    r = await ok(t, 'stats', r, 'record');
    r = await ok(t, 'clerk', r, 'send_slip');
    const other = (await file(t, c.portal, { kind: 'refund', reason: 'quality', lines: [line(c.units.d10, 100)] })).return;
    const full = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: await tok(t, 'agent') })).json;
    t.equal(full.return.signature_count, full.signatures.length);
    t.equal(full.signatures.length, 8);
    for (const who of ['agent', c.portal]) {
      const items = (await t.req('GET', `/api/v1/returns?customer_id=${c.id}`, { token: await tok(t, who) })).json.items;
      const row = items.find((x) => x.id === r.id);
      t.equal(row.signature_count, 8);
      t.deepEqual(row.signed, { aftersales: true, finance: false, special_approval: false, sales_manager: true, qc: true, warehouse: true, statistician: true, clerk: true });
      const fresh = items.find((x) => x.id === other.id);
      t.equal(fresh.signature_count, 0);
      t.equal(fresh.signed.aftersales, false);
    }
  }],

  ['signers\' queues: each role\'s steps with counts, oldest first, paged; a customer sees nothing', async (t) => {
    const c = await customer(t);
    const q = async (who, query = '') => {
      const res = await t.req('GET', `/api/v1/returns/queue${query}`, { token: await tok(t, who) });
      t.expectStatus(res, 200, `queue of ${typeof who === 'string' ? who : 'a user'}`);
      return res.json;
    };
    const count = (body, step) => (body.steps.find((s) => s.step === step) || { count: -1 }).count;
    const before = {
      as: count(await q('asmanager'), 'review_aftersales'),
      fin: count(await q('finance'), 'review_finance'),
      sales: count(await q('sales'), 'approve'),
    };
    // the roles' steps, in the order of the workflow
    t.deepEqual((await q('asmanager')).steps.map((s) => s.step), ['sign_for', 'review_aftersales', 'issue_transport']);
    t.deepEqual((await q('finance')).steps.map((s) => s.step), ['review_finance']);
    t.deepEqual((await q('gm')).steps.map((s) => s.step), ['special_approval']);
    t.deepEqual((await q('qc')).steps.map((s) => s.step), ['inspect']);
    t.deepEqual((await q('clerk')).steps.map((s) => s.step), ['send_slip']);
    // three unsalable exchanges within the limits and one quality return
    const a = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d10, 1000)] })).return;
    const b = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d10, 1000)] })).return;
    const d = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d10, 1000)] })).return;
    const qual = (await file(t, 'agent', { kind: 'refund', reason: 'quality', customer_id: c.id, lines: [line(c.units.d10, 1000)] })).return;
    let as = await q('asmanager', '?step=review_aftersales&limit=200');
    t.equal(as.step, 'review_aftersales');
    t.equal(count(as, 'review_aftersales'), before.as + 4);
    const mine = as.items.filter((x) => x.customer_id === c.id);
    t.deepEqual(mine.map((x) => x.id), [a.id, b.id, d.id, qual.id], 'oldest first');
    t.ok(mine.every((x) => x.waiting_step === 'review_aftersales' && x.signature_count === 0));
    // oldest first over the whole step, by the time each form entered it
    const since = as.items.map((x) => Date.parse(x.state_since));
    t.deepEqual([...since].sort((x, y) => x - y), since);
    // the agent reviews unsalable forms only: the quality return is the head's
    const ag = await q('agent', '?step=review_aftersales&limit=200');
    t.ok(ag.items.find((x) => x.id === a.id));
    t.ok(!ag.items.find((x) => x.id === qual.id));
    t.equal(count(await q('finance'), 'review_finance'), before.fin + 3);
    // a signed review leaves the signer's queue and moves on to the next one
    await ok(t, 'asmanager', a, 'review_aftersales');
    let a2 = await ok(t, 'finance', (await t.req('GET', `/api/v1/returns/${a.id}`, { token: await tok(t, 'agent') })).json.return, 'review_finance');
    as = await q('asmanager', '?step=review_aftersales&limit=200');
    t.equal(count(as, 'review_aftersales'), before.as + 3);
    t.ok(!as.items.find((x) => x.id === a.id));
    t.equal(count(await q('finance'), 'review_finance'), before.fin + 2);
    const sales = await q('sales', '?limit=200');
    t.equal(sales.step, 'approve');
    t.equal(count(sales, 'approve'), before.sales + 1);
    t.ok(sales.items.find((x) => x.id === a.id && x.signed.aftersales && x.signed.finance));
    // paging: one form a page, in the same order, the cursor continues
    const seen = [];
    let cursor = '';
    for (let i = 0; i < 50; i++) {
      const page = await q('asmanager', `?step=review_aftersales&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((x) => x.id));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    t.deepEqual(seen, as.items.map((x) => x.id));
    // after approval: the head issues the transport order, the driver picks up, QC inspects
    a2 = await ok(t, 'sales', a2, 'approve');
    t.ok((await q('asmanager', '?step=issue_transport&limit=200')).items.find((x) => x.id === a.id));
    t.ok(!(await q('driver', '?step=pickup&limit=200')).items.find((x) => x.id === a.id));
    a2 = await ok(t, 'asmanager', a2, 'issue_transport');
    t.ok(!(await q('asmanager', '?step=issue_transport&limit=200')).items.find((x) => x.id === a.id));
    t.ok((await q('driver', '?limit=200')).items.find((x) => x.id === a.id));
    t.ok((await q('qc', '?limit=200')).items.find((x) => x.id === a.id && x.waiting_step === 'inspect'));
    // the general manager waits only for forms over a limit
    const gm0 = count(await q('gm'), 'special_approval');
    const over = (await file(t, 'agent', { kind: 'exchange', reason: 'unsalable', customer_id: c.id, lines: [line(c.units.d90, 60000)] })).return;
    const gm = await q('gm', '?limit=200');
    t.equal(count(gm, 'special_approval'), gm0 + 1);
    t.ok(gm.items.find((x) => x.id === over.id));
    t.ok(!gm.items.find((x) => x.id === b.id));
    // a customer: no steps and nothing of anyone's
    const cust = await q(c.portal);
    t.deepEqual(cust.steps, []);
    t.deepEqual(cust.items, []);
    t.expectError(await t.req('GET', '/api/v1/returns/queue?step=approve', { token: c.ptoken }), 400, 'validation_failed', 'step');
    // a step the caller does not sign names the field
    t.expectError(await t.req('GET', '/api/v1/returns/queue?step=approve', { token: await tok(t, 'finance') }), 400, 'validation_failed', 'step');
    t.expectError(await t.req('GET', '/api/v1/returns/queue?colour=red', { token: await tok(t, 'finance') }), 400, 'validation_failed', 'colour');
  }],

  ['line price: the customer\'s own purchase of the goods (the sold unit, else its last sale of the model by the day), none said plainly, customers only their own', async (t) => {
    const admin = await t.admin();
    const c = await customer(t);
    const c2 = await customer(t);
    const agent = await tok(t, 'agent');
    const price = async (query, token = agent, status = 200) => {
      const res = await t.req('GET', `/api/v1/returns/line-price?${query}`, { token });
      t.expectStatus(res, status, `line-price ?${query}`);
      return res.json;
    };
    const serialOf = async (id) => t.expectStatus(await t.req('GET', `/api/v1/units/${id}`, { token: admin }), 200).json.serial;
    // the sold unit: its amount / quantity, with the unit for the form
    const d90 = await serialOf(c.units.d90);
    let p = await price(`customer_id=${c.id}&serial=${encodeURIComponent(d90)}`);
    t.equal(p.found, true);
    t.equal(p.source, 'unit');
    t.equal(p.unit_price_fen, 100000);
    t.equal(p.model_id, modelId);
    t.equal(p.unit.id, c.units.d90);
    t.equal(p.unit.delivery_date, daysAgo(90));
    t.equal(p.sale, null);
    t.equal((await price(`customer_id=${c.id}&unit_id=${c.units.d10}`)).unit.serial, await serialOf(c.units.d10));
    // the model: the customer's last sale of it on or before the day, amount / quantity rounded to the fen
    const m2 = (await post(t, admin, '/api/v1/product-models', { model_no: t.uniq('RTP-'), name: '挂式空调' })).id;
    const s60 = await post(t, admin, '/api/v1/sales', { customer_id: c.id, model_id: m2, sale_date: daysAgo(60), quantity: 4, amount_fen: 100002, reference: t.uniq('ERP-') });
    const s10 = await post(t, admin, '/api/v1/sales', { customer_id: c.id, model_id: m2, sale_date: daysAgo(10), quantity: 3, amount_fen: 100000, reference: t.uniq('ERP-') });
    // another customer's sale and a sale of no quantity are not this customer's price
    await post(t, admin, '/api/v1/sales', { customer_id: c2.id, model_id: m2, sale_date: daysAgo(1), quantity: 1, amount_fen: 777 });
    await post(t, admin, '/api/v1/sales', { customer_id: c.id, model_id: m2, sale_date: daysAgo(2), quantity: 0, amount_fen: 555 });
    p = await price(`customer_id=${c.id}&model_id=${m2}`);
    t.equal(p.source, 'sales');
    t.equal(p.unit_price_fen, 33333);
    t.equal(p.sale.id, s10.id);
    t.equal(p.sale.reference, s10.reference);
    t.equal(p.sale.sale_date, daysAgo(10));
    t.equal(p.unit, null);
    p = await price(`customer_id=${c.id}&model_id=${m2}&date=${daysAgo(20)}`);
    t.equal(p.unit_price_fen, 25001);
    t.equal(p.sale.id, s60.id);
    t.equal(p.date, daysAgo(20));
    // none: found false, no price
    p = await price(`customer_id=${c.id}&model_id=${m2}&date=${daysAgo(61)}`);
    t.equal(p.found, false);
    t.equal(p.source, null);
    t.equal(p.unit_price_fen, null);
    t.equal((await price(`customer_id=${c2.id}&model_id=${modelId}`)).found, false);
    // a unit sold without an amount: the last sale of its model
    const free = (await post(t, admin, '/api/v1/units', { serial: t.uniq('FREE-'), model_id: m2, customer_id: c.id, purchase_date: daysAgo(5), amount_fen: 0 })).id;
    p = await price(`customer_id=${c.id}&unit_id=${free}`);
    t.equal(p.source, 'sales');
    t.equal(p.unit_price_fen, 33333);
    t.equal(p.unit.id, free);
    t.equal(p.model_id, m2);
    // another customer's unit is not found, and shows nothing of it
    p = await price(`customer_id=${c.id}&unit_id=${c2.units.d90}`);
    t.equal(p.found, false);
    t.equal(p.unit, null);
    t.equal(p.model_id, null);
    // the portal: its own company without naming it; another company is not found
    p = await price(`serial=${encodeURIComponent(d90)}`, c.ptoken);
    t.equal(p.unit_price_fen, 100000);
    t.equal(p.customer_id, c.id);
    t.equal((await price(`unit_id=${c2.units.d90}`, c.ptoken)).unit, null);
    t.expectError(await t.req('GET', `/api/v1/returns/line-price?customer_id=${c2.id}&model_id=${m2}`, { token: c.ptoken }), 404, 'not_found', 'customer_id');
    // errors name the field
    const bad = async (query, status, code, field) => t.expectError(await t.req('GET', `/api/v1/returns/line-price?${query}`, { token: agent }), status, code, field);
    await bad(`model_id=${m2}`, 400, 'validation_failed', 'customer_id');
    await bad(`customer_id=${c.id}`, 400, 'validation_failed', 'model_id');
    await bad(`customer_id=${c.id}&serial=`, 400, 'validation_failed', 'model_id');
    await bad(`customer_id=${c.id}&model_id=${m2}&date=2026-13-01`, 400, 'validation_failed', 'date');
    await bad(`customer_id=${c.id}&unit_id=${c.units.d90}&model_id=${m2}`, 400, 'validation_failed', 'model_id');
    await bad(`customer_id=${c.id}&model_id=999999999`, 404, 'not_found', 'model_id');
    await bad(`customer_id=999999999&model_id=${m2}`, 404, 'not_found', 'customer_id');
    await bad(`customer_id=${c.id}&model_id=${m2}&colour=red`, 400, 'validation_failed', 'colour');
    await bad(`customer_id=${c.id}&serial=${'x'.repeat(65)}`, 400, 'validation_failed', 'serial');
    // a role that files no returns is refused
    t.expectStatus(await t.req('GET', `/api/v1/returns/line-price?customer_id=${c.id}&model_id=${m2}`, { token: await tok(t, 'driver') }), 403);
  }],
];
