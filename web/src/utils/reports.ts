// The report catalogue (GET /api/v1/reports) and the cells of a report's
// table: each column says its type (text, integer, money in fen, date, time,
// ratio 0..1, number, boolean) and its label in both languages.
import { api } from '@/api/client';
import { fmtDate, fmtMoney, fmtTime } from './format';
import { hasLabel, label, stateLabel, typeLabel } from './labels';

export interface ReportColumn {
  key: string;
  /** text, integer (int), money, date, time, ratio, number, boolean (bool) */
  type: string;
  zh: string;
  en: string;
}
export interface ReportChart {
  kind: 'bar' | 'line' | 'pie' | 'pareto' | 'none';
  x: string;
  y: string[];
}
export interface ReportDef {
  key: string;
  title_zh: string;
  title_en: string;
  /** query parameters it takes: from, to, department_id, … (or the names period, department, …) */
  filters: string[];
  columns: ReportColumn[];
  chart?: ReportChart;
}
export type ReportRow = Record<string, string | number | boolean | null>;
export interface ReportResult {
  key: string;
  title_zh: string;
  title_en: string;
  filters: Record<string, string | number>;
  columns: ReportColumn[];
  rows: ReportRow[];
  chart: ReportChart;
}

/** the filters of the screen, by the names the catalogue may give them */
export type FilterName = 'period' | 'department' | 'model' | 'customer' | 'person';
const PARAM_OF: Record<string, FilterName> = {
  from: 'period',
  to: 'period',
  period: 'period',
  department_id: 'department',
  department: 'department',
  model_id: 'model',
  model: 'model',
  customer_id: 'customer',
  customer: 'customer',
  user_id: 'person',
  person: 'person',
};
export function filterNames(def: ReportDef): FilterName[] {
  const out: FilterName[] = [];
  for (const f of def.filters) {
    const n = PARAM_OF[f];
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

let catalogue: Promise<ReportDef[]> | null = null;
/** the reports the caller may run (read once a session; reset() on logout) */
export function loadCatalogue(force = false): Promise<ReportDef[]> {
  if (!catalogue || force)
    catalogue = api.get<{ items: ReportDef[] }>('/api/v1/reports').then(
      (r) => r.items,
      (e) => {
        catalogue = null;
        throw e;
      },
    );
  return catalogue;
}

export const title = (d: { title_zh: string; title_en: string }, lang: string) => (lang === 'en' ? d.title_en : d.title_zh);
export const colLabel = (c: ReportColumn, lang: string) => (lang === 'en' ? c.en : c.zh);

const NUMERIC = ['integer', 'int', 'money', 'ratio', 'number'];
export const isNumeric = (c: ReportColumn) => NUMERIC.includes(c.type);

/** a number's digits grouped: 12,345.6 */
function grouped(n: number, digits: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** machine words of some columns said in the reader's language */
function word(key: string, v: string): string {
  if (key === 'type') return typeLabel(v);
  if (key === 'state') return stateLabel(v);
  if (key === 'step') return hasLabel('rstate', v) ? label('rstate', v) : label('rma_step', v);
  if (key === 'metric') return label('sla_metric', v);
  if (key === 'reason') return label('return_reason', v);
  return v;
}

/** a cell as shown: ¥1,234.56, 12.5%, 2026-11-22, 2026-11-22 14:03, 1,234 */
export function cellText(c: ReportColumn, v: ReportRow[string], yesNo: [string, string] = ['✓', '✗']): string {
  if (v === null || v === undefined || v === '') return '';
  switch (c.type) {
    case 'money':
      return fmtMoney(Number(v));
    case 'ratio':
      return `${(Number(v) * 100).toFixed(1)}%`;
    case 'date':
      return fmtDate(String(v));
    case 'time':
      return fmtTime(String(v));
    case 'integer':
    case 'int':
      return grouped(Number(v), 0);
    case 'number':
      return grouped(Number(v), 1);
    case 'boolean':
    case 'bool':
      return v ? yesNo[0] : yesNo[1];
    default:
      return word(c.key, String(v));
  }
}

/** a value as the chart plots it: money in yuan, ratios in percent */
export function plotValue(c: ReportColumn, v: ReportRow[string]): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  if (Number.isNaN(n)) return null;
  if (c.type === 'money') return n / 100;
  if (c.type === 'ratio') return Math.round(n * 1000) / 10;
  return n;
}
