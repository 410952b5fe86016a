#!/usr/bin/env node
// The Node.js promise, checked: the project says it builds and tests with
// Node.js NODE_MIN or newer (scripts/node.sh min; the "engines" field of
// web/package.json and tests/package.json).  This checks that
//   - it runs on exactly NODE_MIN (tests/run.sh puts that version, from the
//     registry, first on PATH), so a newer Node on the machine cannot hide
//     a package that needs more;
//   - both package.json files and their lockfiles promise the same;
//   - every package of web/package-lock.json and tests/package-lock.json
//     admits NODE_MIN in its "engines" field (optional platform packages,
//     those with "os", "cpu" or "libc", aside: npm skips them where they do
//     not fit); a failure names each package and the range it asks for;
//   - the check itself catches an old Node (it must find Vite too new for
//     Node 18.20.4, Debian 12's), so it cannot pass by accident;
//   - scripts/node.sh bin takes a Node.js on PATH from NODE_MIN up and
//     refuses an older one in one line, saying what to do, when it cannot
//     fetch Node.js from the registry (a copy of it, with fake node and npm).
//
//   node tests/node-engines.mjs        ends "N passed, N failed"
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(top, 'tests', 'package.json'));
const semver = require('semver');

let passed = 0;
let failed = 0;
function test(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e.message}`);
  }
}
const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(top, rel), 'utf8'));

// tooNew(lockfile, version): "name@version needs RANGE" for each package
// whose engines.node does not admit VERSION
function tooNew(lock, version) {
  const out = [];
  for (const [key, pkg] of Object.entries(lock.packages || {})) {
    if (key === '') continue;
    const range = pkg.engines && !Array.isArray(pkg.engines) ? pkg.engines.node : undefined;
    if (range === undefined) continue;
    if (pkg.optional && (pkg.os || pkg.cpu || pkg.libc)) continue;
    if (!semver.satisfies(version, range, { loose: true })) {
      const name = pkg.name || key.slice(key.lastIndexOf('node_modules/') + 13);
      out.push(`${name}@${pkg.version} needs node ${JSON.stringify(range)}`);
    }
  }
  return out;
}

const min = execFileSync(path.join(top, 'scripts', 'node.sh'), ['min'], { encoding: 'utf8' }).trim();
const promise = `>=${min}`;

test(`runs on exactly the promised Node.js ${min}`, () => {
  if (process.version !== `v${min}`)
    throw new Error(`this is Node.js ${process.version}; tests/run.sh puts ${min} first on PATH (scripts/node.sh bin --exact)`);
});

for (const dir of ['web', 'tests']) {
  test(`${dir}/package.json and its lockfile promise node "${promise}"`, () => {
    const pkg = readJson(`${dir}/package.json`);
    const lock = readJson(`${dir}/package-lock.json`);
    const said = pkg.engines && pkg.engines.node;
    const locked = lock.packages && lock.packages[''] && lock.packages[''].engines && lock.packages[''].engines.node;
    if (said !== promise) throw new Error(`package.json says ${JSON.stringify(said)}`);
    if (locked !== promise) throw new Error(`package-lock.json says ${JSON.stringify(locked)} (run npm install there)`);
  });
  test(`every package of ${dir}/package-lock.json admits Node.js ${min}`, () => {
    const bad = tooNew(readJson(`${dir}/package-lock.json`), min);
    if (bad.length) throw new Error(`${bad.length} need a newer Node.js: ${bad.join('; ')}`);
  });
}

test('the check finds Vite too new for Node.js 18.20.4 (it can fail)', () => {
  const bad = tooNew(readJson('web/package-lock.json'), '18.20.4');
  if (!bad.some((s) => s.startsWith('vite@')))
    throw new Error(`found only: ${bad.join('; ') || 'nothing'}`);
});

// scripts/node.sh bin, on a copy of the script beside fake `node` and `npm`
// commands: which Node.js it picks, and its refusal when it cannot fetch one
function nodeSh(haveVersion) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'node-sh-'));
  try {
    fs.mkdirSync(path.join(tmp, 'scripts'));
    fs.mkdirSync(path.join(tmp, 'fake'));
    fs.copyFileSync(path.join(top, 'scripts', 'node.sh'), path.join(tmp, 'scripts', 'node.sh'));
    fs.chmodSync(path.join(tmp, 'scripts', 'node.sh'), 0o755);
    fs.writeFileSync(path.join(tmp, 'fake', 'node'), `#!/bin/sh\necho ${haveVersion}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(tmp, 'fake', 'npm'), '#!/bin/sh\necho "npm ERR! code E404" >&2\nexit 1\n', { mode: 0o755 });
    const r = spawnSync(path.join(tmp, 'scripts', 'node.sh'), ['bin'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.join(tmp, 'fake')}:/usr/bin:/bin` },
    });
    return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim(), fake: path.join(tmp, 'fake') };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
const [maj, mnr, pat] = min.split('.').map(Number);
for (const v of [`v${min}`, `v${maj}.${mnr + 1}.0`, `v${maj}.${mnr}.${pat + 10}`, `v${maj + 2}.0.0`]) {
  test(`node.sh bin takes the Node.js on PATH at ${v}`, () => {
    const r = nodeSh(v);
    if (r.status !== 0 || r.out !== r.fake) throw new Error(`exit ${r.status}, printed ${JSON.stringify(r.out)}: ${r.err}`);
  });
}
for (const v of [`v${maj}.${mnr}.${pat - 1}`, 'v22.9.99', `v${maj}.${mnr - 1}.${pat + 10}`, 'v20.19.2', 'v18.20.4']) {
  test(`node.sh bin refuses ${v} in one line when Node.js cannot be fetched`, () => {
    const r = nodeSh(v);
    const last = r.err.split('\n').pop();
    if (r.status !== 1 || r.out !== '') throw new Error(`exit ${r.status}, printed ${JSON.stringify(r.out)}`);
    if (!last.includes(`Node.js ${v} is older than ${min}`) || !last.includes(`put Node.js ${min} or newer first on PATH`))
      throw new Error(`last line: ${last}`);
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
