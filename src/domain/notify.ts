// Notification rules, pure: which channels an alert event goes to, which wait for their device's
// group window, how long to wait before the next attempt, which alerts an hourly digest holds, and
// when digests and weekly summaries fall due.
import { WEEKDAYS, type Weekday } from './business-hours.js';
import { type Severity, SEVERITY_RANK } from './settings.js';
import { wallTime, zonedToUtc } from '../lib/tz.js';

export const ALERT_TOPICS = [
  'alert.raised',
  'alert.escalated',
  'alert.deescalated',
  'alert.resolved',
  'alert.acknowledged',
  'alert.dismissed',
  'alert.repeat',
] as const;
export type AlertTopic = (typeof ALERT_TOPICS)[number];

/** Topics that open or worsen a problem: a channel gets them when its filters match. */
const OPENING: ReadonlySet<string> = new Set(['alert.raised', 'alert.escalated', 'alert.repeat']);

/** The alert as the outbox payload carries it (names included, so no lookups). */
export interface AlertEventAlert {
  id: string;
  type: string;
  severity: Severity;
  state: string;
  scope: string;
  client_id: string | null;
  client_name: string | null;
  device_id: string | null;
  device_name: string | null;
  check_id: string | null;
  check_name: string | null;
  integration_id: string | null;
  integration_name: string | null;
  title: string;
  detail: unknown;
  condition_since: string | null;
  raised_at: string | null;
  resolved_at: string | null;
}

export interface AlertEvent {
  event: AlertTopic;
  at: string;
  alert: AlertEventAlert;
  previous_severity?: string;
  note?: string | null;
  by?: string;
}

export interface RoutableChannel {
  id: string;
  /** Topics the channel's kind wants (a chat channel skips acknowledgements; a pager wants them). */
  topics: readonly string[];
  clientIds: readonly string[] | null;
  minSeverity: Severity | null;
  types: readonly string[] | null;
  /** An hourly-digest e-mail: alerts reach it through the digest, not one by one. */
  digest: boolean;
  /** Events from before the channel existed are not its business: ids are time-ordered (UUIDv7), so an event id below the channel's is older. */
  sinceId: string;
}

/** Whether an alert passes a channel's filters (client, minimum severity, alert types). */
export function matchesFilters(ch: Pick<RoutableChannel, 'clientIds' | 'minSeverity' | 'types'>, a: Pick<AlertEventAlert, 'client_id' | 'severity' | 'type'>): boolean {
  if (ch.clientIds !== null && (a.client_id === null || !ch.clientIds.includes(a.client_id))) return false;
  if (ch.minSeverity !== null && SEVERITY_RANK[a.severity] < SEVERITY_RANK[ch.minSeverity]) return false;
  if (ch.types !== null && !ch.types.includes(a.type)) return false;
  return true;
}

/**
 * The channels an event goes to. Opening events go where the filters match; follow-ups
 * (resolved, acknowledged, …) go only where the alert was notified before (`notified`), so nobody
 * hears of the end of a problem they were never told about. A failing channel never hears of its
 * own failure.
 */
export function routeEvent(e: AlertEvent, eventId: string, channels: readonly RoutableChannel[], notified: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const ch of channels) {
    if (!ch.topics.includes(e.event) || ch.digest || eventId < ch.sinceId) continue;
    if (e.alert.type === 'channel_failing' && e.alert.integration_id === ch.id) continue;
    if (OPENING.has(e.event) ? matchesFilters(ch, e.alert) : notified.has(ch.id)) out.push(ch.id);
  }
  return out;
}

/** Destructive operations reach every owner and admin, whatever the channels say. */
export function needsOwners(e: AlertEvent): boolean {
  return e.alert.type === 'destructive_operation' && e.event === 'alert.raised';
}

// ---- grouping ----------------------------------------------------------------------------------

/**
 * Devices whose events wait for their group window, and until when (docs/notifications.md,
 * "Grouping"): a device with events waiting already (or being routed by another instance) waits
 * behind them, until the latest of those; a device raising an alert within `waitMs` after its last
 * raise notice (`lastRaise`) waits for the end of that window. Other devices go at once.
 */
export function groupHolds(raising: Iterable<string>, waiting: ReadonlyMap<string, number>, lastRaise: ReadonlyMap<string, number>, waitMs: number, now: number): Map<string, number> {
  const held = new Map(waiting);
  if (waitMs <= 0) return held;
  for (const device of raising) {
    const last = lastRaise.get(device);
    if (!held.has(device) && last !== undefined && last + waitMs > now) held.set(device, last + waitMs);
  }
  return held;
}

// ---- retries ---------------------------------------------------------------------------------

export const RETRY_BASE_MS = 10_000;
export const RETRY_CAP_MS = 10 * 60_000;
/** A delivery not done within this long after it was queued is given up. */
export const DELIVERY_EXPIRY_MS = 48 * 3_600_000;
/** A channel failing (retryably) for this long is reported as a problem. */
export const FAILING_REPORT_AFTER_MS = 3_600_000;

/**
 * Wait before attempt n+1 after n failed ones: exponential from 10 s, capped at 10 min, with ±20 %
 * jitter so instances and channels do not retry in step; a receiver's Retry-After is honoured
 * (up to an hour). `random` is in [0, 1).
 */
export function backoffMs(failedAttempts: number, random: number, retryAfterMs: number | null = null): number {
  const exp = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1));
  const jittered = Math.round(exp * (0.8 + 0.4 * random));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, 3_600_000));
}

// ---- digests -----------------------------------------------------------------------------------

/** The instant the wall-clock hour containing `ms` began, in a zone (zones at :30 offsets included). */
export function hourStart(ms: number, tz: string): number {
  const w = wallTime(ms, tz);
  return ms - (w.minute * 60_000 + w.second * 1000 + (ms % 1000));
}

/** Hours [start, end) that ended after `through` and no later than `now`, oldest first (at most `max`). */
export function dueHours(through: number, now: number, tz: string, max = 48): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  const last = hourStart(now, tz);
  let end = last;
  while (end > through && out.length < max) {
    const start = hourStart(end - 1, tz);
    out.unshift({ start, end });
    end = start;
  }
  return out;
}

export interface DigestCandidate {
  id: string;
  raisedAt: number;
  state: string;
}

/** A digest holds the alerts raised in its hour that are still open when it is sent. */
export function digestSelection<T extends DigestCandidate>(alerts: readonly T[], start: number, end: number): T[] {
  return alerts
    .filter((a) => a.raisedAt >= start && a.raisedAt < end && (a.state === 'open' || a.state === 'acknowledged'))
    .sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : 1));
}

// ---- weekly summary --------------------------------------------------------------------------

export { WEEKDAYS, type Weekday };

/** The latest scheduled instant (weekday at hour:00, zone time) at or before `now`. */
export function lastWeeklyInstant(now: number, day: Weekday, hour: number, tz: string): number {
  const w = wallTime(now, tz);
  const todayDow = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  let back = (todayDow - WEEKDAYS.indexOf(day) + 7) % 7;
  for (;;) {
    const d = new Date(Date.UTC(w.year, w.month - 1, w.day - back));
    const at = zonedToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, 0, tz);
    if (at <= now) return at;
    back += 7;
  }
}
