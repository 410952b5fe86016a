import { ElMessage } from 'element-plus/es/components/message/index.mjs';
import 'element-plus/es/components/message/style/css';
import { ApiError } from '@/api/client';
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

/** An API error in the user's language: the code's text, the field and why. */
export function errorText(e: unknown, stateGroup?: string): string {
  if (!(e instanceof ApiError)) return g.t('error.unknown');
  const k = `error.${e.code}`;
  let s = g.te(k) ? g.t(k) : g.t('error.unknown');
  const field = typeof e.details.field === 'string' ? e.details.field : '';
  const reason = typeof e.details.reason === 'string' ? e.details.reason : '';
  if (e.code === 'validation_failed' && field) {
    s += g.t('common.colon') + label('field', field);
    if (reason) s += ' ' + label('vreason', reason);
  }
  if ((e.code === 'transition_not_allowed' || e.code === 'forbidden') && (e.details.code || e.details.missing || e.details.required_role)) {
    const why = refusalText(e.details, stateGroup);
    if (why) s += g.t('common.colon') + why;
  }
  if (e.code === 'rate_limited') s = g.t('error.rate_limited');
  return s;
}

/** An error toast; stateGroup as for errorText ("rstate" on a return's screen). */
export function showError(e: unknown, stateGroup?: string) {
  ElMessage({ type: 'error', message: errorText(e, stateGroup), showClose: true });
}

export function showOk(msg: string) {
  ElMessage({ type: 'success', message: msg });
}
