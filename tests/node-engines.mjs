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
//     Node 18.20.4, Debian 12's), so it cannot pass by accident.
//
//   node tests/node-engines.mjs        ends "N passed, N failed"
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
