// Labels for the API's machine words (states, types, roles, permissions,
// transitions), and the translation of the server's English reasons.
import { i18n } from '@/i18n';

const g = i18n.global;

/**
 * The label of an API word: messages[lang][group][key].  Looked up directly,
 * not as a message path, because keys such as "request.read" contain dots.
 */
export function label(group: string, key: string | null | undefined): string {
  if (key === null || key === undefined || key === '') return '';
  const msgs = g.getLocaleMessage(g.locale.value) as Record<string, unknown>;
  let o: unknown = msgs;
  for (const part of group.split('.')) o = o && typeof o === 'object' ? (o as Record<string, unknown>)[part] : undefined;
  const v = o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : key;
}

/** Whether an API word has a label in this group. */
export function hasLabel(group: string, key: string): boolean {
  return label(group, key) !== key;
}

export const stateLabel = (s?: string | null) => label('state', s);
export const typeLabel = (s?: string | null) => label('rtype', s);
export const severityLabel = (s?: string | null) => label('severity', s);
export const channelLabel = (s?: string | null) => label('channel', s);
export const roleLabel = (s?: string | null) => label('role', s);
export const transitionLabel = (s?: string | null) => label('transition', s);
export const permLabel = (s?: string | null) => label('perm', s);

export function stateTagType(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (s) {
    case 'new':
    case 'reopened':
      return 'danger';
    case 'dispatched':
    case 'assigned':
      return 'warning';
    case 'in_progress':
    case 'waiting':
      return 'primary';
    case 'resolved':
    case 'closed':
      return 'success';
    default:
      return 'info';
  }
}

export function severityTagType(s: string): 'success' | 'warning' | 'danger' | 'info' {
  return s === 'severe' ? 'danger' : s === 'moderate' ? 'warning' : 'info';
}

/** Any label group joined by "or": "a or b" -> "甲 或 乙". */
function orList(group: string, words: string): string {
  return words
    .split(' or ')
    .map((w) => label(group, w.trim()))
    .join(g.t('common.or'));
}

/**
 * The server explains a refused step in English ("the document is in state
 * assigned", "a user with the role admin or agent", "a resolution is
 * recorded"); show it in the user's language.
 */
export function reasonLabel(reason: string | null | undefined, stateGroup = 'state'): string {
  if (!reason) return '';
  let m = /^the document is in state (.+)$/.exec(reason);
  if (m) return g.t('reason.in_state', { states: orList(stateGroup, m[1]) });
  m = /^a user with the role (.+)$/.exec(reason);
  if (m) return g.t('reason.role', { roles: orList('role', m[1]) });
  const key = reason.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '').toLowerCase();
  const v = label('reason.text', key);
  if (v !== key) return v;
  return g.locale.value === 'en' ? reason : g.t('reason.unknown');
}

/**
 * The server explains a warranty verdict in English, in a few forms
 * ("purchase date 2026-01-02 + 12 months (model X)", "warranty ends
 * 2027-06-30", "purchase_date … (contract C overrides model M's 12 months): in
 * warranty through …"); show it in the user's language.
 */
export function warrantyRuleLabel(rule: string | null | undefined): string {
  if (!rule) return '';
  let m = /^warranty ends (\d{4}-\d{2}-\d{2})$/.exec(rule);
  if (m) return g.t('intake.rule_ends', { date: m[1] });
  m = /^purchase[ _]date (\S+) \+ (\d+) months \(contract (.+?) overrides model .*?\)/.exec(rule);
  if (m) return g.t('intake.rule_contract', { contract: m[3], date: m[1], months: m[2] });
  m = /^contract (.*) overrides: purchase[ _]date (\S+) \+ (\d+) months/.exec(rule);
  if (m) return g.t('intake.rule_contract', { contract: m[1], date: m[2], months: m[3] });
  m = /^purchase[ _]date (\S+) \+ (\d+) months \(model (.*?)\)/.exec(rule);
  if (m) return g.t('intake.rule_model', { date: m[1], months: m[2], model: m[3] });
  return g.locale.value === 'en' ? rule : g.t('intake.rule_other');
}

const RMA_SIG_NAMES: [RegExp, string][] = [
  [/^after-sales review/, 'aftersales'],
  [/^finance review/, 'finance'],
  [/^sales manager approval/, 'sales_manager'],
  [/^QC inspection/, 'qc'],
];

/** A refused step of a return form, in the user's language. */
export function rmaReason(reason: string | null | undefined): string {
  if (!reason) return '';
  const m = /^the signatures of: (.+)$/.exec(reason);
  if (m) {
    const names = m[1].split(/, (?=[a-zA-Z])/).map((part) => {
      const hit = RMA_SIG_NAMES.find(([re]) => re.test(part.trim()));
      return hit ? label('rma_sig', hit[1]) : part;
    });
    return g.t('reason.rma_signatures', { list: names.join(g.t('common.sep')) });
  }
  if (/exchange ratio within the limit|exchange time limit|a delivery date on line/.test(reason)) return g.t('reason.rma_over_limits');
  return reasonLabel(reason, 'rstate');
}

/**
 * A refusal as the server gives it: the machine code and its arguments
 * (reason_code, reason_args) besides the English text (reason).
 */
export interface Refusal {
  reason?: string | null;
  reason_code?: string | null;
  reason_args?: string[] | null;
}

/**
 * A refusal from its machine code and arguments, in the user's language:
 * "role" (role keys), "state" (the states the step runs from, labelled from
 * stateGroup), "signatures" (aftersales, finance, sales_manager, qc) and the
 * guards' own codes (reason.code.*).  '' for a code this UI does not know.
 */
export function codeReason(code: string | null | undefined, args: unknown, stateGroup = 'state'): string {
  if (!code) return '';
  const a = Array.isArray(args) ? args.map((x) => String(x)) : [];
  switch (code) {
    case 'role':
      return g.t('reason.role', { roles: a.map((r) => roleLabel(r)).join(g.t('common.or')) });
    case 'state':
      return g.t('reason.in_state', { states: a.map((s) => label(stateGroup, s)).join(g.t('common.or')) });
    case 'signatures':
      return g.t('reason.rma_signatures', { list: a.map((s) => label('rma_sig', s)).join(g.t('common.sep')) });
  }
  return hasLabel('reason.code', code) ? label('reason.code', code) : '';
}

/**
 * Why a step is refused, in the user's language: from reason_code and
 * reason_args; the English text is parsed only when there is no code (an
 * older server) or the code is one this UI does not know yet.
 */
export function refusalLabel(r: Refusal, kind: 'request' | 'return' = 'request'): string {
  const byCode = codeReason(r.reason_code, r.reason_args, kind === 'return' ? 'rstate' : 'state');
  if (byCode) return byCode;
  return kind === 'return' ? rmaReason(r.reason) : reasonLabel(r.reason);
}

/** A step refused because the user's roles can never take it. */
export function refusedByRole(r: Refusal & { allowed?: boolean }): boolean {
  if (r.allowed) return false;
  if (r.reason_code) return r.reason_code === 'role';
  return (r.reason || '').startsWith('a user with the role');
}

/** Minutes as a duration: "2 天 3 小时", "5 小时 20 分", "12 分钟". */
export function durationLabel(min: number | null | undefined): string {
  const n = Math.max(0, Math.round(min || 0));
  const d = Math.floor(n / 1440);
  const h = Math.floor((n % 1440) / 60);
  const m = n % 60;
  if (d) return g.t('sla.dh', { d, h });
  return h ? g.t('sla.hm', { h, m }) : g.t('sla.m', { m });
}
