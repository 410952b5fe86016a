// Readers of the files the API answers, for the tests: CSV parsed by RFC
// 4180 here, Excel read by a real reader (python3-openpyxl, Debian's, run by
// /usr/bin/python3), and money as the files write it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* RFC 4180 records of fields (after a BOM, which the caller strips):
 * quoted fields may hold , " CR LF; every record ends with CRLF. */
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '\n') throw new Error(`bare LF in an unquoted field at ${i}`);
    field += c; i++;
  }
  if (field !== '' || row.length > 0) throw new Error('the last record has no CRLF');
  return rows;
}

/* The workbook's sheets: [{title, freeze, bold, rows: [[cell, ...]]}], each
 * cell {v, t: 'n'|'s'|'d'|'b', fmt} (a date as "YYYY-MM-DD HH:MM"). */
export function readXlsx(buf) {
  const dir = mkdtempSync(join(tmpdir(), 'as-xlsx-'));
  const file = join(dir, 'export.xlsx');
  writeFileSync(file, buf);
  const py = `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        r = []
        for c in row:
            v = c.value
            if isinstance(v, datetime.datetime):
                r.append({"v": v.strftime("%Y-%m-%d %H:%M"), "t": "d", "fmt": c.number_format})
            elif isinstance(v, bool):
                r.append({"v": v, "t": "b", "fmt": c.number_format})
            elif isinstance(v, (int, float)):
                r.append({"v": v, "t": "n", "fmt": c.number_format})
            else:
                r.append({"v": v, "t": "s", "fmt": c.number_format})
        rows.append(r)
    out.append({"title": ws.title, "freeze": ws.freeze_panes,
                "bold": bool(ws["A1"].font.b), "rows": rows})
print(json.dumps(out, ensure_ascii=False))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { maxBuffer: 256 << 20 }).toString('utf8'));
}

/* fen as the files write yuan: -1234.56 */
export const yuan = (fen) => (fen < 0 ? '-' : '') +
  `${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
