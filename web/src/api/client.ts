// The one way the UI talks to the server: /api/v1 with the session cookie,
// and the CSRF token (cookie `as_csrf`) in X-CSRF-Token on every write.
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown> | null;
}

export class ApiError extends Error {
  status: number;
  code: string;
  details: Record<string, unknown>;
  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.details = (body.details as Record<string, unknown>) || {};
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  raw?: Blob | File;
  contentType?: string;
  headers?: Record<string, string>;
}

let onUnauthenticated: (() => void) | null = null;
let onWriteOk: (() => void) | null = null;
/** Called after every write the server accepted (errors.ts clears the form fields it marked). */
export function setWriteOkHandler(fn: () => void) {
  onWriteOk = fn;
}
export function setUnauthenticatedHandler(fn: () => void) {
  onUnauthenticated = fn;
}

export function csrfToken(): string {
  const m = document.cookie.match(/(?:^|;\s*)as_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : '';
}

export function buildUrl(path: string, query?: Query): string {
  const q = new URLSearchParams();
  if (query)
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function call<T = unknown>(method: string, path: string, opt: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(opt.headers || {}) };
  let body: BodyInit | undefined;
  if (opt.raw) {
    body = opt.raw;
    headers['Content-Type'] = opt.contentType || opt.raw.type || 'application/octet-stream';
  } else if (opt.body !== undefined) {
    body = JSON.stringify(opt.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opt.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'network error' });
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const err = (data && typeof data === 'object' && 'error' in data
      ? (data as { error: ApiErrorBody }).error
      : { code: 'http_' + res.status, message: res.statusText }) as ApiErrorBody;
    if (res.status === 401 && onUnauthenticated && !(method === 'POST' && path === '/api/v1/session')) onUnauthenticated();
    throw new ApiError(res.status, err);
  }
  if (method !== 'GET' && method !== 'HEAD' && onWriteOk) onWriteOk();
  return data as T;
}

/** A fresh Idempotency-Key: a create retried with it makes one record. */
export function idemKey(): string {
  const c = globalThis.crypto;
  // randomUUID needs a secure context (https or localhost); a LAN address over http has only getRandomValues
  if (typeof (c as { randomUUID?: unknown }).randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export const api = {
  get: <T = unknown>(path: string, query?: Query) => call<T>('GET', path, { query }),
  post: <T = unknown>(path: string, body?: unknown, query?: Query) => call<T>('POST', path, { body: body ?? {}, query }),
  /** a POST that takes no body (the server refuses one: "this endpoint takes no body") */
  action: <T = unknown>(path: string) => call<T>('POST', path, {}),
  /** a create, with an Idempotency-Key (keep the key while the same form is resubmitted) */
  create: <T = unknown>(path: string, body: unknown, key: string) => call<T>('POST', path, { body, headers: { 'Idempotency-Key': key } }),
  put: <T = unknown>(path: string, body?: unknown) => call<T>('PUT', path, { body }),
  patch: <T = unknown>(path: string, body?: unknown) => call<T>('PATCH', path, { body }),
  del: <T = unknown>(path: string) => call<T>('DELETE', path),
  upload: <T = unknown>(path: string, file: File | Blob, query?: Query) =>
    call<T>('POST', path, { raw: file, query, contentType: file.type || 'application/octet-stream' }),
};
