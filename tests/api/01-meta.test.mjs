// Health, metrics, the OpenAPI document, 404/405 and request ids.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const apiDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/api');

/* Every route as {method, path, perm}: from 'aftersales routes' (a markdown
 * table generated from the route table), else from the C route tables. */
function routeList(t) {
  const out = [];
  if (t.bin) {
    const r = spawnSync(t.bin, ['routes'], { encoding: 'utf8', timeout: 10000 });
    if (r.status === 0) {
      for (const line of r.stdout.split('\n')) {
        const m = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*([^|\s]+)\s*\|/.exec(line);
        if (m) out.push({ method: m[1], path: m[2], perm: m[3] });
      }
      if (out.length > 0) return out;
    }
  }
  for (const f of fs.existsSync(apiDir) ? fs.readdirSync(apiDir).filter((x) => x.endsWith('.c')) : []) {
    const src = fs.readFileSync(path.join(apiDir, f), 'utf8');
    const re = /\{\s*HTTP_(GET|POST|PUT|PATCH|DELETE)\s*,\s*"([^"]+)"\s*,[^,]+,[^,]+,\s*(NULL|"[^"]*")/g;
    let m;
    while ((m = re.exec(src)) !== null)
      out.push({ method: m[1], path: m[2], perm: m[3] === 'NULL' ? 'public' : m[3].slice(1, -1) });
  }
  return out;
}

/* The value of one Prometheus sample line, e.g. name{a="b"} 3 */
function sample(text, name, labels = '') {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    const key = line.slice(0, sp);
    if (key === `${name}${labels}`) return Number(line.slice(sp + 1));
  }
  return undefined;
}

export const tests = [
  ['GET /healthz answers 200 {"status":"ok"}', async (t) => {
    const r = await t.req('GET', '/healthz');
    t.expectStatus(r, 200);
    t.match(r.headers['content-type'] || '', /^application\/json/);
    t.deepEqual(r.json, { status: 'ok' });
  }],

  ['HEAD /healthz answers like GET, without a body', async (t) => {
    const r = await t.req('HEAD', '/healthz');
    t.expectStatus(r, 200);
    t.equal(r.text, '');
  }],

  ['GET /metrics is Prometheus text with the request, duration and db-error metrics', async (t) => {
    const r = await t.req('GET', '/metrics');
    t.expectStatus(r, 200);
    t.match(r.headers['content-type'] || '', /^text\/plain/);
    for (const name of ['aftersales_requests_total', 'aftersales_request_duration_seconds_bucket',
      'aftersales_db_errors_total'])
      t.ok(r.text.includes(name), `metrics lack ${name}`);
    t.match(r.text, /^# TYPE aftersales_requests_total counter$/m);
    t.match(r.text, /^# TYPE aftersales_request_duration_seconds histogram$/m);
    t.match(r.text, /^aftersales_db_errors_total \d+$/m);
    t.match(r.text, /^aftersales_db_checkpoints_total\{by="checkpointer"\} \d+$/m);
    t.match(r.text, /^aftersales_db_checkpoints_total\{by="writer"\} \d+$/m);
    // every sample line is "name{labels} number" or "name number"
    for (const line of r.text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      t.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? ([-+0-9.eE]+|[-+]?Inf|NaN)$/, `bad sample line: ${line}`);
    }
    const inf = sample(r.text, 'aftersales_request_duration_seconds_bucket', '{le="+Inf"}');
    const count = sample(r.text, 'aftersales_request_duration_seconds_count');
    t.ok(Number.isFinite(inf) && inf > 0, 'no +Inf bucket');
    t.equal(inf, count, 'the +Inf bucket must equal _count');
  }],

  ['the request counter counts requests by route and status', async (t) => {
    const labels = '{method="GET",route="/healthz",status="200"}';
    const before = sample((await t.req('GET', '/metrics')).text, 'aftersales_requests_total', labels) ?? 0;
    for (let i = 0; i < 3; i++) t.expectStatus(await t.req('GET', '/healthz'), 200);
    const after = sample((await t.req('GET', '/metrics')).text, 'aftersales_requests_total', labels);
    t.equal(after, before + 3, `aftersales_requests_total${labels}`);
  }],

  ['GET /api/v1/openapi.json is OpenAPI 3.0.3 with a path for every route', async (t) => {
    const r = await t.req('GET', '/api/v1/openapi.json');
    t.expectStatus(r, 200);
    t.ok(r.json && typeof r.json === 'object', `not JSON: ${r.text.slice(0, 200)}`);
    const doc = r.json;
    t.equal(doc.openapi, '3.0.3');
    t.ok(doc.info && typeof doc.info.title === 'string', 'info.title');
    const has = (p, m) => t.ok(doc.paths && doc.paths[p] && doc.paths[p][m], `openapi lacks ${m.toUpperCase()} ${p}`);
    has('/api/v1/session', 'post');
    has('/api/v1/users', 'get');
    has('/api/v1/users', 'post');
    has('/api/v1/audit', 'get');
    t.ok(!doc.paths['/api/v1/audit'].patch && !doc.paths['/api/v1/audit'].delete, 'audit must be read only');
    // every route of the route table
    const routes = routeList(t);
    t.ok(routes.length >= 20, `found only ${routes.length} routes`);
    for (const r of routes) has(r.path, r.method.toLowerCase());
  }],

  ['every route but the public ones answers 401 without credentials', async (t) => {
    const routes = routeList(t);
    t.ok(routes.length >= 20, `found only ${routes.length} routes`);
    const pub = routes.filter((r) => r.perm === 'public').map((r) => `${r.method} ${r.path}`).sort();
    t.deepEqual(pub, ['GET /api/v1/openapi.json', 'GET /api/v1/ping', 'GET /healthz', 'GET /metrics',
      'POST /api/v1/session'],
      'the public routes');
    for (const r of routes) {
      if (r.perm === 'public') continue;
      const p = r.path.replace(/\{id\}/g, '1').replace(/\{[a-z_]+\}/g, 'driver');
      const res = await t.req(r.method, p, r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} });
      t.expectError(res, 401, 'unauthenticated');
    }
  }],

  ['an unknown path answers 404 not_found with the error body', async (t) => {
    const r = await t.req('GET', '/api/v1/no-such-thing');
    t.expectError(r, 404, 'not_found');
    const r2 = await t.req('GET', '/api/v1/users/1/nothing', { token: await t.admin() });
    t.expectError(r2, 404, 'not_found');
  }],

  ['a wrong method answers 405 with an Allow header listing the methods', async (t) => {
    const r = await t.req('PUT', '/api/v1/users', { token: await t.admin(), body: {} });
    t.expectError(r, 405, 'method_not_allowed');
    const allow = r.headers.allow;
    t.ok(typeof allow === 'string' && allow.length > 0, 'no Allow header');
    const methods = allow.split(',').map((s) => s.trim()).filter(Boolean);
    for (const m of methods) t.match(m, /^[A-Z]+$/, `Allow is not a comma-separated list of methods: '${allow}'`);
    t.ok(methods.includes('GET') && methods.includes('POST'), `Allow '${allow}' must list GET and POST`);
    t.ok(!methods.includes('PUT') && !methods.includes('DELETE'), `Allow '${allow}' lists a method the path lacks`);
    const r2 = await t.req('DELETE', '/api/v1/departments/1', { token: await t.admin() });
    t.expectError(r2, 405, 'method_not_allowed');
    const m2 = (r2.headers.allow || '').split(',').map((s) => s.trim()).filter(Boolean);
    t.ok(m2.includes('GET') && m2.includes('PATCH'), `Allow '${r2.headers.allow}' must list GET and PATCH`);
  }],

  ['X-Request-Id is echoed when sent and generated when not', async (t) => {
    const id = t.uniq('req-');
    const r = await t.req('GET', '/healthz', { headers: { 'X-Request-Id': id } });
    t.equal(r.headers['x-request-id'], id);
    const a = await t.req('GET', '/healthz');
    const b = await t.req('GET', '/healthz');
    t.ok(a.headers['x-request-id'], 'no generated X-Request-Id');
    t.ok(b.headers['x-request-id'], 'no generated X-Request-Id');
    t.notEqual(a.headers['x-request-id'], b.headers['x-request-id'], 'generated ids must differ');
    // an error answer carries it too
    const e = await t.req('GET', '/nope', { headers: { 'X-Request-Id': id } });
    t.equal(e.headers['x-request-id'], id);
    // an id with characters outside [A-Za-z0-9._-] is not echoed
    const bad = await t.req('GET', '/healthz', { headers: { 'X-Request-Id': 'evil"id<script>' } });
    t.ok(bad.headers['x-request-id'] && bad.headers['x-request-id'] !== 'evil"id<script>', 'a bad id was echoed');
  }],
];
