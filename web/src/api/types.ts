export const REQUEST_STATES = ['new', 'dispatched', 'assigned', 'in_progress', 'waiting', 'resolved', 'closed', 'cancelled', 'reopened'];
export const OPEN_STATES = ['new', 'dispatched', 'assigned', 'in_progress', 'waiting', 'reopened'];
export const REQUEST_TYPES = ['consultation', 'repair', 'complaint', 'return', 'installation', 'maintenance', 'guidance', 'suggestion', 'appointment', 'feedback'];
export const SEVERITIES = ['minor', 'moderate', 'severe'];
export const CHANNELS = ['phone', 'fax', 'email', 'web', 'walk_in', 'dealer'];

export interface ServiceRequest {
  id: number;
  number: string;
  type: string;
  channel: string;
  severity: string;
  state: string;
  customer_id: number;
  customer_name: string;
  contact_name: string;
  contact_phone: string;
  unit_id: number | null;
  serial: string;
  title: string;
  description: string;
  in_warranty: boolean | null;
  warranty_rule: string;
  owner_id: number | null;
  department_id: number | null;
  assignee_id: number | null;
  resolution: string;
  customer_confirmed_at: string | null;
  wait_reason: string;
  reopen_count: number;
  closed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A row of GET /api/v1/requests: the request with its assignee's name and the clock it is due by */
export interface RequestRow extends ServiceRequest {
  assignee_name?: string | null;
  due_metric?: string | null;
  /** running, paused, or null: no clock */
  due_state?: 'running' | 'paused' | null;
  due_at?: string | null;
  due_warn_at?: string | null;
  due_remaining_min?: number | null;
  due_overdue_min?: number | null;
  due_breached?: boolean;
}

export interface Transition {
  name: string;
  label_zh: string;
  to: string | null;
  allowed: boolean;
  reason: string | null;
  /** the refusal as a machine code ("role", "state", "signatures", a guard's code); null when allowed */
  reason_code?: string | null;
  /** the code's arguments: role keys, state names, signature keys */
  reason_args?: string[] | null;
}

export interface Attachment {
  id: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: string;
}

export interface RequestLink {
  kind: string;
  doc_id: number;
  number?: string;
  doc_number?: string;
  created_at: string;
}

/* GET /api/v1/requests/{id}/assignees */
export interface AssigneeRow {
  id: number;
  username: string;
  display_name: string;
  department_id: number;
  department_name: string;
  open_requests: number;
  technician: boolean;
}
export interface AssigneeList {
  department_id: number | null;
  items: AssigneeRow[];
}

export interface RequestDetail {
  request: ServiceRequest;
  transitions: Transition[];
  links: RequestLink[];
  attachments: Attachment[];
}

export interface TimelineEvent {
  id: number;
  at: string;
  user_id: number | null;
  user_name: string | null;
  kind: string;
  visibility: string;
  body: string;
  data: Record<string, unknown> | null;
}

export interface Department {
  id: number;
  code: string;
  name: string;
  parent_id: number | null;
  active: boolean;
  version: number;
}

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  phone: string | null;
  email: string | null;
  department_id: number | null;
  customer_id: number | null;
  roles: string[];
  active: boolean;
  version: number;
  created_at: string;
}

export interface SearchHit {
  kind: string;
  ref_id: number;
  customer_id: number | null;
  number: string;
  title: string;
  snippet: string;
  field: string;
  highlights: [number, number][];
  updated_at: string;
}

export const RETURN_STATES = ['registered', 'submitted', 'approved', 'picked_up', 'inspected', 'received', 'recorded', 'closed', 'rejected', 'refused', 'cancelled'];
export const RETURN_REASONS = ['unsalable', 'quality', 'transit_damage', 'not_as_described'];
export const RETURN_KINDS = ['exchange', 'refund'];
export const RETURN_CHANNELS = ['staff', 'paper', 'fax', 'portal'];
/** the signatures of a form, in the order they are made */
export const SIGNATURES = ['aftersales', 'finance', 'special_approval', 'sales_manager', 'qc', 'warehouse', 'statistician', 'clerk'];

export interface ReturnForm {
  id: number;
  number: string;
  kind: string;
  reason: string;
  channel: string;
  state: string;
  state_since: string;
  customer_id: number;
  customer_name: string;
  request_id: number | null;
  filed_date: string;
  description: string;
  total_quantity: number;
  total_amount_fen: number;
  has_used_goods: boolean;
  special_note: string;
  close_reason: string;
  qc_verdict: string;
  qc_explanation: string;
  responsible_department_id: number | null;
  responsible_person: string;
  depreciation_fen: number;
  resolution: string;
  refund_fen: number;
  exchange_value_fen: number;
  received_at: string | null;
  recorded_at: string | null;
  slip_due_at: string | null;
  slip_sent_at: string | null;
  slip_breached: boolean | null;
  transport_order?: string | null;
  picked_up_at?: string | null;
  signed?: Record<string, boolean>;
  signature_count?: number;
  waiting_step?: string;
  closed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ReturnLine {
  line_no: number;
  model_id: number | null;
  model_no: string;
  model_name: string;
  unit_id: number | null;
  serial: string;
  description: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
  reason: string;
  delivery_date?: string | null;
}

export interface ReturnLimits {
  /** false: a reader without sales.read, only the verdicts and days are sent */
  figures?: boolean;
  source: string;
  contract_no: string | null;
  period_from: string;
  period_to: string;
  limit_bp: number;
  days_limit: number;
  warn_share_bp: number;
  purchases_fen: number;
  exchanged_fen: number;
  this_fen: number;
  ratio_ppm: number | null;
  ratio: string;
  ratio_ok: boolean;
  warn: boolean;
  max_days: number | null;
  max_days_line: number | null;
  days_ok: boolean;
  over: string | null;
}

export interface Signature {
  id: number;
  step: string;
  user_id: number;
  username: string;
  user_name: string;
  role: string;
  signed_at: string;
  note: string;
}

export interface TransportOrder {
  id: number;
  number: string;
  station: string;
  note: string;
  issued_by: number;
  issued_at: string;
  picked_up_by: number | null;
  picked_up_at: string | null;
}

export interface ReturnDetail {
  return: ReturnForm;
  lines: ReturnLine[];
  limits?: ReturnLimits;
  transitions: Transition[];
  signatures: Signature[];
  transport_orders: TransportOrder[];
  corrective_actions?: { id: number; department_id: number; department_name: string; person: string }[];
}

/** A running SLA clock in the due-soon / overdue lists (GET /api/v1/sla/clocks?due=) */
export interface SlaClock {
  id: number;
  doc_kind: string;
  doc_id: number;
  doc_ref: string;
  metric: string;
  policy_name: string;
  owner_user_id: number | null;
  state: string;
  due_at: string;
  warn_at: string | null;
  remaining_min?: number;
  overdue_min?: number;
}

/** A page with the number of all matches (the SLA due lists) */
export interface CountedPage<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

/** A saved view of a list screen: its query string under a name */
export interface SavedView {
  id: number;
  page: string;
  name: string;
  query: string;
  created_at: string;
}
