// Which routes the server has: read once from its OpenAPI document (public),
// so that screens appear as the APIs they need land, and forms can follow the
// request-body schemas.
import { reactive } from 'vue';

export interface Schema {
  type?: string;
  format?: string;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  description?: string;
  $ref?: string;
  /* a declared record's field (domain/record): its labels, kind, column */
  'x-labels'?: Record<string, string>;
  'x-type'?: string;
  'x-column'?: boolean;
}

interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

const state = reactive({ loaded: false, paths: {} as Record<string, Record<string, Operation>>, schemas: {} as Record<string, Schema> });
let loading: Promise<void> | null = null;

export function loadMeta(): Promise<void> {
  if (!loading)
    loading = fetch('/api/v1/openapi.json', { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : { paths: {} }))
      .then((doc) => {
        state.paths = doc.paths || {};
        state.schemas = doc.components?.schemas || {};
        state.loaded = true;
      })
      .catch(() => {
        state.loaded = true;
      });
  return loading;
}

export function hasRoute(method: string, path: string): boolean {
  const p = state.paths[path];
  return !!(p && p[method.toLowerCase()]);
}

export function operation(method: string, path: string): Operation | undefined {
  return state.paths[path]?.[method.toLowerCase()];
}

export function bodySchema(method: string, path: string): Schema | undefined {
  const op = operation(method, path);
  const c = op?.requestBody?.content?.['application/json'];
  return c?.schema;
}

export function queryParams(method: string, path: string): string[] {
  return (operation(method, path)?.parameters || []).filter((p) => p.in === 'query').map((p) => p.name);
}

/*
 * The record a declared list answers (GET path: {items: [$ref]}), from the
 * OpenAPI components: its fields in declaration order, each with its labels
 * (x-labels), kind (x-type) and whether it is a list column (x-column).
 */
export function listRecord(path: string): Schema | undefined {
  const items = operation('GET', path)?.responses?.['200']?.content?.['application/json']?.schema?.properties?.items;
  const ref = items?.items?.$ref;
  return ref ? state.schemas[ref.replace('#/components/schemas/', '')] : undefined;
}

export const meta = state;
