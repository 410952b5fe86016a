import { ElMessage } from 'element-plus/es/components/message/index.mjs';
import 'element-plus/es/components/message/style/css';
import { ApiError } from '@/api/client';
import { i18n } from '@/i18n';
import { label, reasonLabel } from './labels';

const g = i18n.global;

/** An API error in the user's language: the code's text, the field and why. */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return g.t('error.unknown');
  const k = `error.${e.code}`;
  let s = g.te(k) ? g.t(k) : g.t('error.unknown');
  const field = typeof e.details.field === 'string' ? e.details.field : '';
  const reason = typeof e.details.reason === 'string' ? e.details.reason : '';
  if (e.code === 'validation_failed' && field) {
    s += g.t('common.colon') + label('field', field);
    if (reason) s += ' ' + label('vreason', reason);
  }
  if (e.code === 'transition_not_allowed' && typeof e.details.missing === 'string') {
    s += g.t('common.colon') + reasonLabel(e.details.missing);
  }
  if (e.code === 'rate_limited') s = g.t('error.rate_limited');
  return s;
}

export function showError(e: unknown) {
  ElMessage({ type: 'error', message: errorText(e), showClose: true });
}

export function showOk(msg: string) {
  ElMessage({ type: 'success', message: msg });
}
