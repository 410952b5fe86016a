import { hasRoute } from '@/api/meta';

export interface RefDef {
  path: string;
  q?: string;
  label: (x: Record<string, unknown>) => string;
}

const defs: Record<string, RefDef> = {
  customer_id: { path: '/api/v1/customers', q: 'q', label: (x) => `${x.code ?? ''} ${x.name ?? ''}`.trim() },
  model_id: { path: '/api/v1/product-models', q: 'q', label: (x) => `${x.model_no ?? ''} ${x.name ?? ''}`.trim() },
  part_id: { path: '/api/v1/parts', q: 'q', label: (x) => `${x.code ?? ''} ${x.name ?? ''}`.trim() },
  contract_id: { path: '/api/v1/contracts', label: (x) => String(x.contract_no ?? x.id) },
  unit_id: { path: '/api/v1/units', q: 'serial', label: (x) => `${x.serial ?? ''} ${x.model_name ?? ''}`.trim() },
  department_id: { path: '/api/v1/departments', label: (x) => String(x.name ?? x.id) },
  business_unit_id: { path: '/api/v1/departments', label: (x) => String(x.name ?? x.id) },
};

/** A picker for an id field, when the server can list what it refers to. */
export function refFor(field: string): RefDef | null {
  const d = defs[field];
  return d && hasRoute('GET', d.path) && hasRoute('GET', `${d.path}/{id}`) ? d : null;
}
