import { ElMessage } from 'element-plus/es/components/message/index.mjs';
import 'element-plus/es/components/message/style/css';
import { watch } from 'vue';
import { ApiError, setWriteOkHandler } from '@/api/client';
import { i18n } from '@/i18n';
import { codeReason, hasLabel, label, reasonLabel, rmaReason } from './labels';

const g = i18n.global;

/**
 * Why a workflow step was refused (409 transition_not_allowed, 403
 * forbidden): details.code and details.args translated; the English text
 * (details.missing, details.required_role) parsed only without a code.
 * stateGroup labels the states of a "state" refusal: "state" (requests) or
 * "rstate" (returns); without it, the group that knows every state named.
 */
function refusalText(details: Record<string, unknown>, stateGroup?: string): string {
  const code = typeof details.code === 'string' ? details.code : '';
  const args = Array.isArray(details.args) ? details.args.map((x) => String(x)) : [];
  if (code) {
    const group = stateGroup || (args.every((a) => hasLabel('state', a)) ? 'state' : 'rstate');
    const s = codeReason(code, args, group);
    if (s) return s;
  }
  if (typeof details.missing === 'string') return stateGroup === 'rstate' ? rmaReason(details.missing) : reasonLabel(details.missing);
  if (typeof details.required_role === 'string') return reasonLabel(details.required_role);
  return '';
}

/*
 * The forms on screen (every mounted el-form, registered by the app-wide
 * mixin of main.ts), so that an error naming a field (details.field) marks
 * that field's form item, whatever screen the form is on.
 */
interface FormField {
  prop?: unknown;
  label?: string;
  validateState: string;
  validateMessage: string;
  fieldValue: unknown;
  clearValidate: () => void;
}
interface FormApi {
  getField: (prop: string) => FormField | undefined;
}
const forms = new Map<FormApi, Element>();
const marked = new Set<FormField>();

export function registerForm(form: FormApi, el: Element) {
  forms.set(form, el);
}
export function unregisterForm(form: FormApi) {
  forms.delete(form);
}

/* The form item of a field on a visible form: the latest form first (a dialog over a screen). */
function findField(field: string): FormField | undefined {
  const names = [field];
  const m = /^([a-z_]+)\[\d+\]/.exec(field);
  if (m) names.push(m[1]);
  for (const [form, el] of [...forms].reverse()) {
    if (!el.isConnected || el.getClientRects().length === 0) continue;
    for (const n of names) {
      const f = form.getField(n);
      if (f) return f;
    }
  }
  return undefined;
}

/**
 * The rule of a required form item, with its message in the user's
 * language (a bare `required` would show Element Plus's English one).
 */
export function requiredRule(field: string) {
  return [{ required: true, message: g.t('error_reason.required', { field }), trigger: 'blur' }];
}

/** Clear the errors showError put on form fields. */
export function clearFieldErrors() {
  for (const f of marked) if (f.validateState === 'error') f.clearValidate();
  marked.clear();
}

/* "lines[0].unit_id" -> "第 1 行的设备"; a form item's own label first. */
function fieldName(field: string, item?: FormField): string {
  if (item && typeof item.label === 'string' && item.label && !/\[\d+\]/.test(field)) return item.label;
  const m = /^([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?$/.exec(field);
  if (m) {
    const sub = m[3] ? label('field', m[3]) : label('field', m[1]);
    return g.t('error.line_field', { n: Number(m[2]) + 1, field: sub });
  }
  return label('field', field);
}

/*
 * The message of an error that names a field: its reason's own sentence
 * (error_reason.*, with the field's label), or the code's text with the field
 * and the reason's word when the reason is new to this UI.
 */
function fieldText(e: ApiError, field: string, item?: FormField): string {
  if (insufficientStock(e)) return stockText(e);
  const reason = typeof e.details.reason === 'string' ? e.details.reason : '';
  const name = fieldName(field, item);
  if (reason && g.te(`error_reason.${reason}`)) return g.t(`error_reason.${reason}`, { field: name });
  if (e.code === 'conflict' && field === 'version') return g.t('error.conflict');
  const k = `error.${e.code}`;
  let s = g.te(k) ? g.t(k) : g.t('error.unknown');
  if (e.code !== 'conflict' || reason) {
    s += g.t('common.colon') + name;
    if (reason) s += ' ' + label('vreason', reason);
  }
  return s;
}

/*
 * Stock refused an out-movement (issue 16): the part, the warehouse and what
 * is available, from the refusal's details (the server's own message when
 * they are missing).
 */
function insufficientStock(e: ApiError): boolean {
  return e.code === 'insufficient_stock' || e.details.reason === 'insufficient_stock';
}
function stockText(e: ApiError): string {
  const d = e.details;
  if (d.part_code === undefined || d.available === undefined) return e.message || g.t('error.insufficient_stock');
  return g.t('error.insufficient_stock_at', {
    part: [d.part_code, d.part_name].filter((x) => x !== undefined && x !== null && x !== '').join(' '),
    warehouse: String(d.warehouse_name ?? d.warehouse_id ?? ''),
    available: String(d.available),
    asked: String(d.asked ?? ''),
  });
}

// a write that succeeded leaves no stale field error behind
setWriteOkHandler(() => clearFieldErrors());

/** An API error in the user's language: the code's text, the field and why. */
export function errorText(e: unknown, stateGroup?: string): string {
  if (!(e instanceof ApiError)) return g.t('error.unknown');
  const field = typeof e.details.field === 'string' ? e.details.field : '';
  const reason = typeof e.details.reason === 'string' ? e.details.reason : '';
  if (e.code === 'transition_not_allowed' || (e.code === 'forbidden' && (e.details.code || e.details.missing || e.details.required_role))) {
    let s = g.t(`error.${e.code}`);
    const why = refusalText(e.details, stateGroup);
    if (why) s += g.t('common.colon') + why;
    return s;
  }
  if (reason === 'quota') return g.t('error_reason.quota');
  if (insufficientStock(e)) return stockText(e);
  if (e.code === 'rate_limited' || e.code === 'network' || e.code === 'unauthenticated') return g.t(`error.${e.code}`);
  if (field && e.code === 'forbidden') return g.t('error.forbidden') + g.t('common.colon') + fieldName(field);
  // a 404 names what was not found (the id in the path, a policy that matches nothing)
  if (field && e.code === 'not_found') return reason === 'no_policy' ? fieldText(e, field) : g.t('error.not_found');
  if (field) return fieldText(e, field);
  const k = `error.${e.code}`;
  if (g.te(k)) return g.t(k);
  if (/^http_5/.test(e.code)) return g.t('error.internal_error');
  return g.t('error.unknown');
}

/**
 * The error under the form field it names (details.field), on whatever form
 * on screen has an item with that prop; cleared when the value changes.
 * Returns whether a field was marked.
 */
export function markField(e: unknown): boolean {
  clearFieldErrors();
  if (!(e instanceof ApiError)) return false;
  const field = typeof e.details.field === 'string' ? e.details.field : '';
  if (!field || field === 'version' || e.code === 'transition_not_allowed') return false;
  const item = findField(field);
  if (!item) return false;
  item.validateMessage = fieldText(e, field, item);
  item.validateState = 'error';
  marked.add(item);
  const stop = watch(
    () => item.fieldValue,
    () => {
      if (marked.has(item)) {
        item.clearValidate();
        marked.delete(item);
      }
      stop();
    },
    { deep: true },
  );
  return true;
}

/** An error toast, and the field it names marked on its form; stateGroup as for errorText ("rstate" on a return's screen). */
export function showError(e: unknown, stateGroup?: string) {
  markField(e);
  ElMessage({ type: 'error', message: errorText(e, stateGroup), showClose: true });
}

export function showOk(msg: string) {
  ElMessage({ type: 'success', message: msg });
}
