import { defineAsyncComponent, type Component } from 'vue';

// Master-data and settings screens share one generic list (ResourceList.vue):
// columns are declared here; the create/edit forms follow the request-body
// schemas of the server's OpenAPI document, so a field the API adds shows up.
export type ColKind = 'text' | 'time' | 'date' | 'money' | 'bool' | 'enum' | 'link' | 'number';

export interface Col {
  field: string;
  kind?: ColKind;
  /** label group for enums (i18n key prefix) */
  group?: string;
  width?: number;
  /** for links: the route to open, with {id} */
  to?: string;
}

/*
 * A resource whose server declares its record (domain/record) takes its list
 * columns from the declaration (the OpenAPI x-column fields, with their
 * labels and kinds); cols then only adds to a column (a link, a width, the
 * label group of an enum).
 */
export interface Resource {
  name: string;
  /** app route (no leading slash) */
  route: string;
  /** the API collection */
  path: string;
  perm: string;
  managePerm?: string;
  /** PATCH (or PUT) on path/{id}; none = read-only after create */
  edit?: 'PATCH' | 'PUT';
  /** DELETE on path/{id}, with this permission */
  del?: string;
  cols: Col[];
  /** the columns come from the declaration; cols only refine them */
  declared?: boolean;
  /** fields of the create/edit body not to show (set elsewhere) */
  hide?: string[];
  /** CSV import kind: POST /api/v1/import/{kind} */
  importKind?: string;
  /** open a row: a route with {id} */
  open?: string;
  /** the field that names a row in path/{...} (default id) */
  key?: string;
  /** shown above the list (the templates' logo) */
  extra?: Component;
}

export const resources: Resource[] = [
  {
    name: 'customers',
    route: 'customers',
    path: '/api/v1/customers',
    perm: 'customer.read',
    managePerm: 'customer.manage',
    edit: 'PATCH',
    importKind: 'customers',
    open: '/customers/{id}',
    declared: true,
    cols: [
      { field: 'code', width: 100 },
      { field: 'name', kind: 'link', to: '/customers/{id}' },
      { field: 'type', group: 'ctype', width: 100 },
      { field: 'region', width: 110 },
      { field: 'region_class', group: 'region_class', width: 90 },
      { field: 'phone', width: 130 },
      { field: 'active', width: 80 },
    ],
  },
  {
    name: 'units',
    route: 'units',
    path: '/api/v1/units',
    perm: 'unit.read',
    managePerm: 'unit.manage',
    edit: 'PATCH',
    importKind: 'units',
    declared: true,
    cols: [
      { field: 'serial', width: 150 },
      { field: 'model_no', width: 120 },
      { field: 'customer_name', kind: 'link', to: '/customers/{customer_id}' },
      { field: 'purchase_date', width: 110 },
      { field: 'warranty_end', width: 110 },
      { field: 'in_warranty', width: 90 },
    ],
  },
  {
    name: 'models',
    route: 'models',
    path: '/api/v1/product-models',
    perm: 'product.read',
    managePerm: 'product.manage',
    edit: 'PATCH',
    importKind: 'models',
    declared: true,
    cols: [
      { field: 'model_no', width: 140 },
      { field: 'category', width: 120 },
      { field: 'warranty_months', width: 110 },
      { field: 'active', width: 80 },
    ],
  },
  {
    name: 'parts',
    route: 'parts',
    path: '/api/v1/parts',
    perm: 'product.read',
    managePerm: 'product.manage',
    edit: 'PATCH',
    importKind: 'parts',
    declared: true,
    cols: [
      { field: 'code', width: 130 },
      { field: 'unit', width: 80 },
      { field: 'price_fen', width: 120 },
      { field: 'reorder_point', width: 110 },
      { field: 'active', width: 80 },
    ],
  },
  {
    name: 'warehouses',
    route: 'warehouses',
    path: '/api/v1/warehouses',
    perm: 'warehouse.read',
    managePerm: 'warehouse.manage',
    edit: 'PATCH',
    declared: true,
    cols: [
      { field: 'code', width: 130 },
      { field: 'kind', group: 'warehouse_kind', width: 110 },
      { field: 'active', width: 80 },
    ],
  },
  {
    name: 'contracts',
    route: 'contracts',
    path: '/api/v1/contracts',
    perm: 'contract.read',
    managePerm: 'contract.manage',
    edit: 'PATCH',
    declared: true,
    cols: [
      { field: 'contract_no', width: 150 },
      { field: 'kind', group: 'contract_kind', width: 100 },
      { field: 'start_date', width: 110 },
      { field: 'end_date', width: 110 },
      { field: 'warranty_months', width: 100 },
    ],
  },
  {
    name: 'sales',
    route: 'sales',
    path: '/api/v1/sales',
    perm: 'sales.read',
    managePerm: 'sales.manage',
    del: 'sales.delete',
    importKind: 'sales',
    declared: true,
    cols: [
      { field: 'customer_code', kind: 'link', to: '/customers/{customer_id}', width: 120 },
      { field: 'model_no', width: 120 },
      { field: 'sale_date', width: 110 },
      { field: 'quantity', width: 90 },
      { field: 'amount_fen', width: 130 },
      { field: 'reference', width: 140 },
    ],
  },
  {
    name: 'prices',
    route: 'prices',
    path: '/api/v1/prices',
    perm: 'price.read',
    managePerm: 'price.manage',
    edit: 'PATCH',
    declared: true,
    cols: [
      { field: 'code', width: 120 },
      { field: 'kind', group: 'price_kind', width: 110 },
      { field: 'unit', width: 80 },
      { field: 'price_fen', width: 130 },
      { field: 'active', width: 80 },
    ],
  },
  {
    name: 'sla_policies',
    route: 'sla/policies',
    path: '/api/v1/sla/policies',
    perm: 'sla.read',
    managePerm: 'sla.manage',
    edit: 'PATCH',
    cols: [
      { field: 'name' },
      { field: 'metric', kind: 'enum', group: 'sla_metric', width: 130 },
      { field: 'request_type', kind: 'enum', group: 'rtype', width: 100 },
      { field: 'severity', kind: 'enum', group: 'severity', width: 90 },
      { field: 'region_class', kind: 'enum', group: 'region_class', width: 90 },
      { field: 'target_min', kind: 'number', width: 100 },
      { field: 'mode', kind: 'enum', group: 'sla_mode', width: 100 },
      { field: 'active', kind: 'bool', width: 80 },
    ],
  },
  {
    name: 'calendar_days',
    route: 'calendar',
    path: '/api/v1/calendar/days',
    perm: 'calendar.read',
    managePerm: 'calendar.manage',
    del: 'calendar.manage',
    key: 'date',
    cols: [
      { field: 'date', kind: 'date', width: 130 },
      { field: 'kind', kind: 'enum', group: 'day_kind', width: 130 },
      { field: 'name' },
    ],
  },
  {
    // the document templates (SPEC §4.17): one per document type, seeded by
    // the server; only edited (company, address, phone, footer); the logo above
    name: 'templates',
    route: 'admin/templates',
    path: '/api/v1/templates',
    perm: 'template.manage',
    managePerm: 'template.manage',
    edit: 'PATCH',
    declared: true,
    cols: [{ field: 'doc_type', group: 'template.doc_type', width: 150 }],
    extra: defineAsyncComponent(() => import('@/components/TemplateLogo.vue')),
  },
];

export function resourceByName(name: string): Resource | undefined {
  return resources.find((r) => r.name === name);
}
