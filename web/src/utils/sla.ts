// SLA words shared by the screens: durations and a target in the user's
// language, and the shapes of the calendar days the server explains.
import { i18n } from '@/i18n';

export interface SlaSeg {
  from: string;
  to: string;
  minutes: number;
}
export interface SlaDay {
  date: string;
  weekday: number;
  kind: string;
  name: string | null;
  hours: string;
  counted: SlaSeg[];
  excluded: SlaSeg[];
  minutes: number;
}

const g = i18n.global;

/** 95 -> "1 小时 35 分" / "1 h 35 min". */
export function slaDuration(min: number): string {
  const h = Math.floor(min / 60);
  const m = min % 60;
  return h ? g.t('sla.hm', { h, m }) : g.t('sla.m', { m });
}

/** A target (mode + minutes; next_day: the time of day) in words. */
export function slaTargetText(mode: string, minutes: number): string {
  if (mode === 'next_day') {
    const z = (n: number) => String(n).padStart(2, '0');
    return g.t('slap.text_next_day', { time: `${z(Math.floor(minutes / 60))}:${z(minutes % 60)}` });
  }
  return g.t(mode === 'calendar' ? 'slap.text_calendar' : 'slap.text_working', { d: slaDuration(minutes) });
}
