// Maintenance windows and snoozes: one-off (start, end) or recurring (a cron start, a duration, a
// zone), on a client, a device or a check. Inside one, alerts are held back but jobs are recorded;
// when one ends, schedules restart from its end instead of firing at once.
import { cronTicks } from './schedule.js';

export interface MaintenanceWindow {
  id: string;
  scope: 'client' | 'device' | 'check';
  scopeId: string;
  kind: 'maintenance' | 'snooze';
  /** One-off windows. */
  startsAt: number | null;
  endsAt: number | null;
  /** Recurring windows: each cron tick opens one for durationMs. */
  cron: string | null;
  tz: string | null;
  durationMs: number | null;
}

export interface Interval {
  start: number;
  end: number;
}

/** The occurrence of a window that contains t, or the latest one that ended at or before t. */
function occurrenceAround(w: MaintenanceWindow, t: number): Interval | null {
  if (w.cron && w.durationMs) {
    const ticks = cronTicks(w.cron, w.tz ?? 'UTC');
    const start = ticks.atOrBefore(t);
    return start === null ? null : { start, end: start + w.durationMs };
  }
  if (w.startsAt !== null && w.endsAt !== null && w.startsAt <= t) return { start: w.startsAt, end: w.endsAt };
  return null;
}

/** Does this window apply to something in this scope (its client, device, or one check)? */
export function appliesTo(w: MaintenanceWindow, target: { clientId: string; deviceId: string; checkId?: string | null }): boolean {
  if (w.scope === 'client') return w.scopeId === target.clientId;
  if (w.scope === 'device') return w.scopeId === target.deviceId;
  return target.checkId != null && w.scopeId === target.checkId;
}

export function activeAt(windows: MaintenanceWindow[], t: number): MaintenanceWindow | null {
  for (const w of windows) {
    const o = occurrenceAround(w, t);
    if (o && o.start <= t && t < o.end) return w;
  }
  return null;
}

/** The end of the latest window that has ended at or before t (schedules restart there). */
export function lastEndBefore(windows: MaintenanceWindow[], t: number): number | null {
  let best: number | null = null;
  for (const w of windows) {
    let o = occurrenceAround(w, t);
    // For a recurring window whose current occurrence is still open, look at the one before.
    if (o && o.end > t && w.cron && w.durationMs) o = occurrenceAround(w, o.start - 1);
    if (o && o.end <= t && (best === null || o.end > best)) best = o.end;
  }
  return best;
}

/** The next moment after t at which any window opens or closes. */
export function nextBoundary(windows: MaintenanceWindow[], t: number): number | null {
  let best: number | null = null;
  const consider = (x: number) => {
    if (x > t && (best === null || x < best)) best = x;
  };
  for (const w of windows) {
    if (w.cron && w.durationMs) {
      const ticks = cronTicks(w.cron, w.tz ?? 'UTC');
      const current = ticks.atOrBefore(t);
      if (current !== null) consider(current + w.durationMs);
      const next = ticks.after(t);
      if (next !== null) consider(next);
    } else if (w.startsAt !== null && w.endsAt !== null) {
      consider(w.startsAt);
      consider(w.endsAt);
    }
  }
  return best;
}
