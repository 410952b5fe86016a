// Display rules: times as the API gives them (already in the company time
// zone): "2026-11-22T14:03:00+08:00" -> "2026-11-22 14:03"; money from fen.
export function fmtTime(iso?: string | null): string {
  if (!iso) return '';
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

export function fmtDate(iso?: string | null): string {
  if (!iso) return '';
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(iso);
  return m ? m[1] : iso;
}

export function fmtMoney(fen?: number | null): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '';
  const neg = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${neg ? '-' : ''}¥${yuan}.${cents}`;
}

/** "1234.5" -> 123450 fen; null when not a number. */
export function yuanToFen(s: string | number | null | undefined): number | null {
  if (s === null || s === undefined || s === '') return null;
  const m = /^\s*(-?)(\d+)(?:\.(\d{0,2}))?\s*$/.exec(String(s));
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

export function fenToYuan(fen?: number | null): string {
  if (fen === null || fen === undefined) return '';
  const neg = fen < 0;
  const abs = Math.abs(fen);
  return `${neg ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** YYYY-MM of an ISO time as given (company zone). */
export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

export function fmtSize(n?: number | null): string {
  if (!n && n !== 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/**
 * A time as people say it, in the company zone the API writes it in:
 * "12月2日 22:00" (zh), "Dec 2, 22:00" (en); the year only when it is not
 * this year's.
 */
export function fmtShortTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}:\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, hm] = m;
  const thisYear = String(new Date().getFullYear()) === y;
  if (lang === 'en') return `${MONTHS_EN[Number(mo) - 1]} ${Number(d)}${thisYear ? '' : ` ${y}`}, ${hm}`;
  return `${thisYear ? '' : `${y}年`}${Number(mo)}月${Number(d)}日 ${hm}`;
}
