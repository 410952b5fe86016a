#!/usr/bin/env node
// After `vite build`: write FILE.gz next to every compressible file of dist/
// (gzip level 9, Node's own zlib).  `aftersales serve` sends FILE.gz, with
// Content-Encoding: gzip, to clients that accept gzip (src/http/static.c).
// A .gz that would not be smaller is not written; .gz files without their
// plain file (left over from an earlier build) are removed.
//
//   node scripts/compress.mjs [DIR]      (default: dist next to this script)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|map|txt|webmanifest)$/;
const dir = path.resolve(process.argv[2] || fileURLToPath(new URL('../dist', import.meta.url)));

if (!fs.existsSync(path.join(dir, 'index.html'))) {
  console.error(`compress: ${dir}/index.html is missing (run vite build first)`);
  process.exit(1);
}

function* walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

let n = 0;
let raw = 0;
let packed = 0;
let skipped = 0;
for (const f of [...walk(dir)]) {
  if (f.endsWith('.gz')) {
    if (!fs.existsSync(f.slice(0, -3))) fs.rmSync(f);
    continue;
  }
  if (!COMPRESSIBLE.test(f)) continue;
  const plain = fs.readFileSync(f);
  const gz = zlib.gzipSync(plain, { level: 9 });
  if (gz.length >= plain.length) {
    fs.rmSync(`${f}.gz`, { force: true });
    skipped++;
    continue;
  }
  fs.writeFileSync(`${f}.gz`, gz); // written after its plain file: the server ignores an older .gz
  n++;
  raw += plain.length;
  packed += gz.length;
}
const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
console.log(`compress: ${n} files gzipped in ${path.relative(process.cwd(), dir) || '.'}: ${kb(raw)} -> ${kb(packed)}${skipped ? ` (${skipped} left plain: not smaller)` : ''}`);
