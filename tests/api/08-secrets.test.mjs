// No secret at rest in plain text (issue 12, item 4): an API token created
// with an Idempotency-Key is shown once, never on a replay, and never kept in
// idempotency_keys; no table holds a token or a password the API handed out
// or was given.  The database itself is scanned: the SQLite file and its
// -wal, or every table of the PostgreSQL database (pg_dump --data-only).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

// the database the runner started the server on (its --db argument)
function dsnOfRun() {
  const i = process.argv.indexOf('--db');
  if (i < 0 || i + 1 >= process.argv.length) throw new Error('the runner was given no --db');
  return process.argv[i + 1];
}

const isPg = (dsn) => /^postgres(ql)?:\/\//.test(dsn);

// The bytes at rest: the SQLite file and its WAL, or a dump of every row.
function bytesAtRest() {
  const dsn = dsnOfRun();
  if (isPg(dsn)) {
    const r = spawnSync('pg_dump', ['--data-only', '--no-owner', '--dbname', dsn],
      { maxBuffer: 1 << 30 });
    if (r.status !== 0)
      throw new Error(`pg_dump failed (${r.status ?? r.error}): ${r.stderr}`);
    if (!r.stdout.includes('COPY public.idempotency_keys'))
      throw new Error('pg_dump shows no idempotency_keys table: not the database the server runs on?');
    return [['pg_dump --data-only', r.stdout]];
  }
  const out = [];
  for (const f of [dsn, `${dsn}-wal`]) {
    if (fs.existsSync(f)) out.push([f, fs.readFileSync(f)]);
  }
  if (out.length === 0 || out[0][0] !== dsn)
    throw new Error(`${dsn}: no database file to scan`);
  return out;
}

// Every secret must be long enough that a chance match is impossible.
function expectNotAtRest(t, secrets) {
  for (const [what, s] of secrets) {
    t.equal(typeof s, 'string', `${what} is not a string`);
    t.ok(s.length >= 8, `${what} is too short to scan for: '${s}'`);
  }
  const files = bytesAtRest();
  for (const [name, bytes] of files) {
    for (const [what, s] of secrets) {
      t.equal(bytes.indexOf(Buffer.from(s, 'utf8')), -1, `${what} is stored in plain text in ${name}`);
    }
  }
}

async function createToken(t, tok, name, key) {
  const headers = key ? { 'Idempotency-Key': key } : {};
  return t.req('POST', '/api/v1/tokens', { token: tok, body: { name }, headers });
}

export const tests = [
  ['a replayed API token create answers 201 with the same record but without the token', async (t) => {
    const tok = await t.admin();
    const key = t.uniq('secret-');
    const a = t.expectStatus(await createToken(t, tok, 'replayed', key), 201);
    t.equal(typeof a.json.token, 'string');
    t.ok(a.json.token.length >= 16, 'the first answer carries the token');
    t.equal(a.headers['idempotent-replayed'], undefined);
    const b = t.expectStatus(await createToken(t, tok, 'replayed', key), 201);
    t.equal(b.headers['idempotent-replayed'], 'true', 'the second answer is a replay');
    t.equal(b.json.token, null, 'the replay shows the token again');
    t.deepEqual(b.json.info, a.json.info, 'the replay names the same token');
    t.ok(!b.text.includes(a.json.token), 'the replay carries the token somewhere');
    // the token made the first time works; the replay made no second one
    t.expectStatus(await t.req('GET', '/api/v1/session', { token: a.json.token }), 200);
    const mine = t.expectStatus(await t.req('GET', '/api/v1/tokens', { token: tok }), 200).json.items;
    t.equal(mine.filter((x) => x.id === a.json.info.id).length, 1);
    t.equal(mine.filter((x) => x.name === 'replayed' && x.created_at === a.json.info.created_at).length, 1,
      'the replay created another token');
  }],

  ['no token, session or password handed out or set is stored in plain text', async (t) => {
    const secrets = [];
    const tok = await t.admin();
    // API tokens: with and without a key, and replayed
    for (let i = 0; i < 3; i++) {
      const key = i < 2 ? t.uniq('scan-') : null;
      const r = t.expectStatus(await createToken(t, tok, `scan ${i}`, key), 201);
      secrets.push([`API token ${i}`, r.json.token]);
      if (key) t.expectStatus(await createToken(t, tok, `scan ${i}`, key), 201);
    }
    // a user created with an Idempotency-Key (and replayed), its sessions
    const username = t.uniq('sec');
    const pw1 = `first-${t.uniq('pw')}`;
    const ukey = t.uniq('user-');
    const body = { username, password: pw1, display_name: '秘密 测试', roles: ['agent'] };
    t.expectStatus(await t.req('POST', '/api/v1/users', { token: tok, body, headers: { 'Idempotency-Key': ukey } }), 201);
    const replay = t.expectStatus(await t.req('POST', '/api/v1/users', { token: tok, body, headers: { 'Idempotency-Key': ukey } }), 201);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    secrets.push(['initial password', pw1]);
    const s1 = await t.login(username, pw1, { fresh: true });
    secrets.push(['session token 1', s1.token], ['CSRF token 1', s1.csrf]);
    // the user changes the password; an admin sets another
    const pw2 = `second-${t.uniq('pw')}`;
    t.expectStatus(await t.req('POST', '/api/v1/session/password',
      { token: s1.token, body: { current_password: pw1, new_password: pw2 } }), 204);
    secrets.push(['changed password', pw2]);
    const pw3 = `third-${t.uniq('pw')}`;
    const id = replay.json.id;
    t.ok(Number.isInteger(id), 'the user answer has an id');
    t.expectStatus(await t.req('POST', `/api/v1/users/${id}/password`, { token: tok, body: { password: pw3 } }), 204);
    secrets.push(['password set by an admin', pw3]);
    const s2 = await t.login(username, pw3, { fresh: true });
    secrets.push(['session token 2', s2.token], ['CSRF token 2', s2.csrf]);
    const own = t.expectStatus(await createToken(t, s2.token, 'own', t.uniq('own-')), 201);
    secrets.push(['own API token', own.json.token]);
    expectNotAtRest(t, secrets);
  }],

  ['the scan itself finds a value that is stored (it can fail)', async (t) => {
    // a department's name goes to its table as written: the scan must see it
    const name = `可见-${t.uniq('marker')}`;
    await t.createDept({ name });
    let found = false;
    for (const [, bytes] of bytesAtRest())
      if (bytes.indexOf(Buffer.from(name, 'utf8')) >= 0) found = true;
    t.ok(found, `the scan did not find '${name}' that the server stored`);
  }],
];
