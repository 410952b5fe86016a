// The URLs of files the API answers (exports, reports, printed documents).
// The session is a cookie: the browser fetches them itself.
import { buildUrl } from '@/api/client';

export type ExportFormat = 'xlsx' | 'csv' | 'pdf';

/** path?…query&format=…&lang=en|zh (headers in the user's language) */
export function exportUrl(
  path: string,
  query: Record<string, string | number | boolean | null | undefined>,
  format: ExportFormat,
  locale: string,
): string {
  return buildUrl(path, { ...query, format, lang: locale === 'en' ? 'en' : 'zh' });
}
