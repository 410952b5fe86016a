// Printed documents (SPEC §4.15, §4.17): each form's PDF read back by real
// readers (poppler-utils: pdfinfo, pdftotext, pdftoppm, pdfimages; a missing
// tool fails): the title, the document number, the customer's Chinese
// name, the totals in yuan, the signatures; a long description over two
// pages with 第 1 页 共 2 页; 409 for a document that does not exist yet;
// the templates (company, footer, logo) an admin edits appear in the next
// PDF; a customer user prints its own documents and gets 404 for another
// company's.  Page 1 of each form is rendered into tests/out/ (the
// screenshot folder).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const OUT = new URL('../out/', import.meta.url).pathname;
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersales-print-'));
const DAY = 86400e3;
const daysAgo = (n) => new Date(Date.now() + 8 * 3600e3 - n * DAY).toISOString().slice(0, 10);

function run(t, cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000 });
  t.ok(!r.error, `${cmd}: ${r.error && r.error.message} (install poppler-utils)`);
  t.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/* GET a print route: a PDF, its pages and its text (page line included). */
async function pdf(t, token, url, name) {
  const res = await t.req('GET', url, { token });
  t.expectStatus(res, 200, `GET ${url}`);
  t.equal(res.headers['content-type'], 'application/pdf');
  t.match(res.headers['content-disposition'], /^inline; filename="[A-Z]{2}-[0-9A-Z-]+\.pdf"$/);
  t.equal(res.buf.subarray(0, 5).toString('latin1'), '%PDF-');
  t.equal(Number(res.headers['content-length']), res.buf.length);
  const file = path.join(TMP, `${name}.pdf`);
  fs.writeFileSync(file, res.buf);
  const pages = Number(/Pages:\s+(\d+)/.exec(run(t, 'pdfinfo', [file]))[1]);
  t.ok(pages >= 1, `${name}: ${pages} pages`);
  const text = run(t, 'pdftotext', [file, '-']);
  t.ok(text.includes(`第 1 页 共 ${pages} 页`), `${name}: the page line of page 1 of ${pages}`);
  fs.mkdirSync(OUT, { recursive: true });
  run(t, 'pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', '-singlefile', file, path.join(OUT, `print-${name}`)]);
  t.ok(fs.statSync(path.join(OUT, `print-${name}.png`)).size > 1000, `${name}: page 1 rendered`);
  return { file, pages, text, disposition: res.headers['content-disposition'] };
}

async function post(t, token, url, body, status = 201) {
  const res = await t.req('POST', url, { token, body });
  t.expectStatus(res, status, `POST ${url}`);
  return res.json;
}

/* A customer with a contract, purchases, two delivered units and a portal user. */
async function customer(t, name) {
  const admin = await t.admin();
  const code = t.uniq('PR');
  const model = await post(t, admin, '/api/v1/product-models', { model_no: t.uniq('PRM-'), name: '柜式空调' });
  const c = await post(t, admin, '/api/v1/customers', { code, name: `${name} ${code}` });
  await post(t, admin, '/api/v1/contracts', {
    contract_no: `HT-${code}`, customer_id: c.id, kind: 'sales', start_date: daysAgo(200),
    end_date: daysAgo(-100), exchange_ratio_limit_bp: 5000, exchange_days_limit: 90,
  });
  await post(t, admin, '/api/v1/sales', { customer_id: c.id, sale_date: daysAgo(30), amount_fen: 10000000 });
  const unit = async (s) => (await post(t, admin, '/api/v1/units', {
    serial: `${code}-${s}`, model_id: model.id, customer_id: c.id, purchase_date: daysAgo(10),
    delivery_date: daysAgo(10), amount_fen: 100000,
  })).id;
  const u = await t.createUser({ roles: ['customer'], customer_id: c.id });
  return { id: c.id, name: c.name, code, units: [await unit('A'), await unit('B')], ptoken: (await t.login(u.username, u.password)).token };
}

async function tok(t, who) { return (await t.login(who)).token; }

async function step(t, who, r, name, extra = {}) {
  const res = await t.req('POST', `/api/v1/returns/${r.id}/transitions/${name}`, {
    token: await tok(t, who), body: { version: r.version, ...extra },
  });
  t.expectStatus(res, 200, `${who} ${name}`);
  return res.json.return;
}

/* A quality return of 2 x 300.00 + 1 x 1,234.56 yuan, filed by the customer. */
async function fileReturn(t, c) {
  return (await post(t, c.ptoken, '/api/v1/returns', {
    kind: 'exchange', reason: 'quality', description: '控制板故障，申请调换',
    lines: [{ unit_id: c.units[0], quantity: 2, unit_price_fen: 30000 }, { unit_id: c.units[1], quantity: 1, unit_price_fen: 123456 }],
  })).return;
}

/* A PNG of w x h pixels of one colour. */
function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x30)]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export const tests = [
  ['service request: 服务工单 with number, customer, long description over two pages', async (t) => {
    const agent = await tok(t, 'agent');
    const long = Array.from({ length: 3000 }, (_, i) => (i % 60 === 59 ? '。' : '漏')).join('');
    const r = (await post(t, agent, '/api/v1/requests', {
      type: 'repair', customer_id: 2, title: '空调漏水打印测试', description: long,
      contact_name: '王先生', contact_phone: '13800000000',
    })).request;
    const p = await pdf(t, agent, `/api/v1/requests/${r.id}/print`, 'request');
    t.equal(p.disposition, `inline; filename="${r.number}.pdf"`);
    t.ok(p.pages >= 2, `3000 characters on ${p.pages} page(s)`);
    t.ok(p.text.includes(`第 2 页 共 ${p.pages} 页`), 'page 2 has its page line');
    for (const s of ['服务工单', r.number, r.customer_name, '空调漏水打印测试', '王先生', '13800000000', '故障描述', '处理记录'])
      t.ok(p.text.includes(s), `the request's PDF shows "${s}"`);
    // none of the description lost at the page break
    t.equal((p.text.match(/漏/g) || []).length, 3000 - 50 + (p.text.match(/空调漏水/g) || []).length);
    // an unknown request is 404
    t.expectError(await t.req('GET', '/api/v1/requests/999999999/print', { token: agent }), 404, 'not_found');
  }],

  ['return: the form with lines, totals ¥ and signatures; transport, receipt and slip after their steps, 409 before', async (t) => {
    const c = await customer(t, '打印测试客户');
    let r = await fileReturn(t, c);
    const agent = await tok(t, 'agent');
    // not yet: no transport order, nothing received
    for (const form of ['transport', 'receipt', 'slip'])
      t.expectError(await t.req('GET', `/api/v1/returns/${r.id}/${form}/print`, { token: agent }), 409, 'conflict');
    r = await step(t, 'asmanager', r, 'review_aftersales');
    r = await step(t, 'sales', r, 'approve');
    r = await step(t, 'asmanager', r, 'issue_transport', { station: '上海北货运站' });
    r = await step(t, 'driver', r, 'pickup');
    const qcDept = (await t.listAll('/api/v1/departments', await t.admin())).find((d) => d.code === 'QC').id;
    r = await step(t, 'qc', r, 'qc_defect', { explanation: '控制板批次缺陷', responsible_department_id: qcDept, responsible_person: '电装车间 李工' });
    t.expectError(await t.req('GET', `/api/v1/returns/${r.id}/receipt/print`, { token: agent }), 409, 'conflict');
    r = await step(t, 'warehouse', r, 'receive', { resolution: 'refund' });
    const full = (await t.req('GET', `/api/v1/returns/${r.id}`, { token: agent })).json;

    const form = await pdf(t, agent, `/api/v1/returns/${r.id}/print`, 'return');
    t.equal(form.disposition, `inline; filename="${r.number}.pdf"`);
    for (const s of ['调退货明细表', r.number, c.name, '¥300.00', '¥600.00', '¥1,234.56', '¥1,834.56', '合计', '签字'])
      t.ok(form.text.includes(s), `the form's PDF shows "${s}"`);
    t.equal(full.signatures.length, 6);
    for (const sig of full.signatures) {
      t.ok(form.text.includes(sig.user_name), `signature of ${sig.user_name}`);
      const local = new Date(Date.parse(sig.signed_at) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
      t.ok(form.text.includes(local), `signature time ${local}`);
    }
    t.ok(form.text.includes('经营部负责人') || form.text.includes('销售经理'), 'the approver\'s role');

    const tr = await pdf(t, agent, `/api/v1/returns/${r.id}/transport/print`, 'transport');
    const order = full.transport_orders[0];
    t.equal(tr.disposition, `inline; filename="${order.number}.pdf"`);
    for (const s of ['退货运输单', order.number, r.number, c.name, '上海北货运站', `${c.code}-A`])
      t.ok(tr.text.includes(s), `the transport order shows "${s}"`);

    const rc = await pdf(t, agent, `/api/v1/returns/${r.id}/receipt/print`, 'receipt');
    for (const s of ['退货入库单', `${r.number}-WR`, c.name, '¥1,834.56', '公司责任缺陷', '控制板批次缺陷', '退货退款'])
      t.ok(rc.text.includes(s), `the receipt shows "${s}"`);
    const sl = await pdf(t, agent, `/api/v1/returns/${r.id}/slip/print`, 'slip');
    for (const s of ['退货单', `${r.number}-SL`, c.name, '¥1,834.56'])
      t.ok(sl.text.includes(s), `the slip shows "${s}"`);
  }],

  ['customers print their own documents; another company\'s are 404', async (t) => {
    const a = await customer(t, '甲公司');
    const b = await customer(t, '乙公司');
    const ra = await fileReturn(t, a);
    const rb = await fileReturn(t, b);
    const reqA = (await post(t, a.ptoken, '/api/v1/requests', { type: 'repair', title: '甲公司的工单' })).request;
    const own = await pdf(t, a.ptoken, `/api/v1/returns/${ra.id}/print`, 'customer-return');
    t.ok(own.text.includes(a.name));
    const ownReq = await pdf(t, a.ptoken, `/api/v1/requests/${reqA.id}/print`, 'customer-request');
    t.ok(ownReq.text.includes('甲公司的工单'));
    for (const url of [`/api/v1/returns/${rb.id}/print`, `/api/v1/returns/${rb.id}/transport/print`,
      `/api/v1/returns/${rb.id}/receipt/print`, `/api/v1/returns/${rb.id}/slip/print`, `/api/v1/requests/${reqA.id}/print`]) {
      const other = url.includes('requests') ? b.ptoken : a.ptoken;
      const res = await t.req('GET', url, { token: other });
      t.expectError(res, 404, 'not_found');
      t.ok(!res.text.includes(b.name) && !res.text.includes(a.name), `${url}: no name in the 404`);
    }
  }],

  ['templates: the admin edits company, address, phone, footer and logo; every PDF shows them', async (t) => {
    const admin = await t.admin();
    const list = t.expectStatus(await t.req('GET', '/api/v1/templates', { token: admin }), 200).json.items;
    t.deepEqual(list.map((x) => x.doc_type).sort(), ['receipt', 'report', 'request', 'requisition', 'return', 'slip', 'transport']);
    const tpl = list.find((x) => x.doc_type === 'request');
    const company = `华东精工售后服务有限公司${t.uniq('')}`;
    const upd = await t.req('PATCH', `/api/v1/templates/${tpl.id}`, {
      token: admin, body: { version: tpl.version, company, address: '上海市嘉定区安亭镇', phone: '021-6999-0000', footer: '本单一式三联：客户、售后、财务' },
    });
    t.expectStatus(upd, 200);
    t.equal(upd.json.company, company);
    // the type never changes; staff without template.manage cannot edit
    t.expectError(await t.req('PATCH', `/api/v1/templates/${tpl.id}`, { token: admin, body: { version: upd.json.version, doc_type: 'slip' } }), 400, 'validation_failed', 'doc_type');
    t.expectError(await t.req('PATCH', `/api/v1/templates/${tpl.id}`, { token: await tok(t, 'agent'), body: { version: upd.json.version, company: 'x' } }), 403, 'forbidden');
    const agent = await tok(t, 'agent');
    const r = (await post(t, agent, '/api/v1/requests', { type: 'repair', customer_id: 2, title: '模板测试' })).request;
    // the logo: a PNG is taken; not an image, a broken PNG and one over 512 KB are refused
    const put = (body, type = 'image/png') => t.req('PUT', '/api/v1/templates/logo', { token: admin, raw: body, headers: { 'Content-Type': type } });
    t.expectError(await put(Buffer.from('GIF89a not a logo')), 400, 'validation_failed', 'logo');
    const broken = png(40, 20); broken[20] ^= 0xff;
    t.expectError(await put(broken), 400, 'validation_failed', 'logo');
    t.expectStatus(await put(Buffer.concat([png(40, 20), Buffer.alloc(600 * 1024)])), 413);
    t.expectStatus(await put(png(120, 40)), 200);
    const got = await t.req('GET', '/api/v1/templates/logo', { token: agent });
    t.expectStatus(got, 200);
    t.equal(got.headers['content-type'], 'image/png');
    t.deepEqual(got.buf, png(120, 40));
    t.expectError(await t.req('PUT', '/api/v1/templates/logo', { token: agent, raw: png(2, 2), headers: { 'Content-Type': 'image/png' } }), 403, 'forbidden');
    const p = await pdf(t, agent, `/api/v1/requests/${r.id}/print`, 'template');
    for (const s of [company, '上海市嘉定区安亭镇', '021-6999-0000', '本单一式三联：客户、售后、财务'])
      t.ok(p.text.includes(s), `the template's "${s}" is printed`);
    const images = run(t, 'pdfimages', ['-list', p.file]).split('\n').filter((l) => /^\s*\d+\s+\d+\s+image/.test(l));
    t.ok(images.length >= 1 && / 120 +40 /.test(images[0]), `the logo is in the PDF: ${images.join(' | ')}`);
    // another type's template is its own
    const c = await customer(t, '模板客户');
    const ret = await fileReturn(t, c);
    const rp = await pdf(t, agent, `/api/v1/returns/${ret.id}/print`, 'template-return');
    t.ok(!rp.text.includes(company), 'the return form keeps its own template');
    // the logo removed: the next PDF has none
    t.expectStatus(await t.req('DELETE', '/api/v1/templates/logo', { token: admin }), 200);
    t.expectError(await t.req('GET', '/api/v1/templates/logo', { token: agent }), 404, 'not_found');
    const p2 = await pdf(t, agent, `/api/v1/requests/${r.id}/print`, 'template-nologo');
    t.equal(run(t, 'pdfimages', ['-list', p2.file]).split('\n').filter((l) => /^\s*\d+\s+\d+\s+image/.test(l)).length, 0);
  }],
];
