// Business hours, pure: the days of the week, a from–to span of wall-clock time in an IANA zone,
// and holidays (dates in that zone that are not business days). Set per workspace and per client
// in settings; an escalation rule can page only outside (or only inside) them.
import { wallTime } from '../lib/tz.js';
import type { FieldProblem } from './errors.js';
import { isValidTimeZone } from './schedule.js';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  days: Weekday[];
  /** `HH:MM`, inclusive. */
  from: string;
  /** `HH:MM`, exclusive; before `from` means the span runs past midnight. */
  to: string;
  /** IANA zone; null: the settings' `timezone`. */
  timezone: string | null;
  /** `YYYY-MM-DD` dates (in the zone) that are not business days. */
  holidays: string[];
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = {
  days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  from: '08:00',
  to: '18:00',
  timezone: null,
  holidays: [],
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const pad = (n: number) => String(n).padStart(2, '0');

/** Whether `now` falls within business hours (`fallbackTz` when the hours name no zone). */
export function inBusinessHours(bh: BusinessHours, fallbackTz: string, now: number): boolean {
  const tz = bh.timezone ?? fallbackTz;
  const w = wallTime(now, tz);
  const minute = w.hour * 60 + w.minute;
  const from = minutesOf(bh.from);
  const to = minutesOf(bh.to);
  // A span past midnight belongs to the day it started on.
  const startedYesterday = from > to && minute < to;
  const day = new Date(Date.UTC(w.year, w.month - 1, w.day - (startedYesterday ? 1 : 0)));
  const date = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
  if (!bh.days.includes(WEEKDAYS[day.getUTCDay()]!) || bh.holidays.includes(date)) return false;
  if (from === to) return true;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

export function businessHoursProblems(bh: Partial<BusinessHours>, field = 'business_hours'): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (bh.from !== undefined && !HHMM.test(bh.from)) out.push({ field: `${field}.from`, message: 'must be HH:MM (24-hour)' });
  if (bh.to !== undefined && !HHMM.test(bh.to)) out.push({ field: `${field}.to`, message: 'must be HH:MM (24-hour)' });
  if (bh.timezone !== undefined && bh.timezone !== null && !isValidTimeZone(bh.timezone)) out.push({ field: `${field}.timezone`, message: `unknown IANA time zone "${bh.timezone}"` });
  for (const d of bh.days ?? []) if (!WEEKDAYS.includes(d)) out.push({ field: `${field}.days`, message: `"${d}" is not a day of the week` });
  for (const h of bh.holidays ?? []) if (!DATE.test(h) || Number.isNaN(Date.parse(`${h}T00:00:00Z`))) out.push({ field: `${field}.holidays`, message: `"${h}" is not a YYYY-MM-DD date` });
  return out;
}
