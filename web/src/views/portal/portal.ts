// The customer's portal: its words for states and steps (no staff terms such
// as 派工, 工单, 指派), and the expected arrival of its requests from
// GET /api/v1/sla/arrivals (the arrival target's due time, nothing internal).
import { api } from '@/api/client';
import { hasRoute } from '@/api/meta';
import { currentLang, i18n } from '@/i18n';
import { fmtShortTime } from '@/utils/format';

export interface Arrival {
  request_id: number;
  state: 'running' | 'paused' | 'stopped';
  due_at: string | null;
  arrived_at: string | null;
  outcome: string | null;
}

const tr = (k: string, p?: Record<string, unknown>) => (p ? i18n.global.t(k, p) : i18n.global.t(k));
const has = (k: string) => i18n.global.te(k);

/** A request's state as the customer is told it. */
export function portalState(s: string): string {
  return has(`portal.state.${s}`) ? tr(`portal.state.${s}`) : s;
}
/** A calm colour for a request's state (nothing new is alarming to a customer). */
export function portalTagType(s: string): 'primary' | 'success' | 'warning' | 'info' {
  if (s === 'resolved') return 'warning';
  if (s === 'closed') return 'success';
  if (s === 'in_progress' || s === 'assigned' || s === 'reopened') return 'primary';
  return 'info';
}
/** A return form's state as the customer is told it. */
export function portalReturnState(s: string): string {
  return has(`portal.rstate.${s}`) ? tr(`portal.rstate.${s}`) : s;
}

/** Arrivals of the given requests by id (empty when the server has no route). */
export async function arrivalsOf(ids: number[]): Promise<Map<number, Arrival>> {
  const out = new Map<number, Arrival>();
  if (!ids.length || !hasRoute('GET', '/api/v1/sla/arrivals')) return out;
  for (let i = 0; i < ids.length; i += 100) {
    const r = await api.get<{ items: Arrival[] }>('/api/v1/sla/arrivals', { ids: ids.slice(i, i + 100).join(',') });
    for (const a of r.items) out.set(a.request_id, a);
  }
  return out;
}

const ENDED = ['resolved', 'closed', 'cancelled'];

/** "预计 12月3日 14:00 前到达" / "已于 … 到达" / '' */
export function arrivalText(state: string, a: Arrival | undefined): string {
  if (!a) return '';
  const lang = currentLang();
  // a request that ended stops its clocks too: only an open one has "arrived"
  if (a.state === 'stopped') return a.arrived_at && !ENDED.includes(state) ? tr('portal.eta.arrived', { at: fmtShortTime(a.arrived_at, lang) }) : '';
  if (a.state === 'paused' || !a.due_at) return tr('portal.eta.paused');
  return tr('portal.eta.running', { at: fmtShortTime(a.due_at, lang) });
}
