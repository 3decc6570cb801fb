// Check schedules: an interval (the next run is expected at the last good job's end plus the
// interval) or a cron expression in an IANA time zone (a run is expected at each tick).
import { Cron } from 'croner';
import type { FieldProblem } from './errors.js';
import { GRACE_MAX_SECONDS, INTERVAL_MAX_SECONDS } from './limits.js';

export type Schedule = { type: 'interval'; intervalMs: number } | { type: 'cron'; cron: string; tz: string };

/**
 * `down`: the latest relevant run failed, and no good run came since; it outranks `late` and `up`
 * but not `overdue` (a missed deadline says more), `new` or `paused` (docs/engine.md).
 */
export type CheckState = 'new' | 'up' | 'down' | 'late' | 'overdue' | 'paused';

export const MIN_INTERVAL_MS = 60_000;
const MINUTE = 60_000;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Problems with a schedule as a user gave it; `path` prefixes field names. */
export function scheduleProblems(s: Schedule, path: string): FieldProblem[] {
  if (s.type === 'interval') {
    return s.intervalMs >= MIN_INTERVAL_MS ? [] : [{ field: `${path}.interval_seconds`, message: 'must be at least 60' }];
  }
  const problems: FieldProblem[] = [];
  if (!isValidTimeZone(s.tz)) problems.push({ field: `${path}.tz`, message: `unknown IANA time zone "${s.tz}"` });
  try {
    const c = new Cron(s.cron, { paused: true, timezone: isValidTimeZone(s.tz) ? s.tz : 'UTC' });
    if (c.nextRun() === null) problems.push({ field: `${path}.cron`, message: 'never fires' });
  } catch (err) {
    problems.push({ field: `${path}.cron`, message: `not a valid cron expression: ${(err as Error).message}` });
  }
  return problems;
}

// ---- cron ticks ---------------------------------------------------------------------------
// croner needs ~80 µs per nextRun (time-zone arithmetic). The evaluator asks about the same few
// patterns for every device, so ticks are computed once per (pattern, zone) in spans of 32 days
// and then found by binary search. DST is croner's: a tick in a skipped hour moves forward, a
// repeated hour fires once.

const SPAN = 32 * 24 * 60 * MINUTE;

class TickCache {
  private readonly cron: Cron;
  private readonly spans = new Map<number, number[]>();

  constructor(pattern: string, tz: string) {
    this.cron = new Cron(pattern, { paused: true, timezone: tz });
  }

  private span(index: number): number[] {
    let ticks = this.spans.get(index);
    if (ticks === undefined) {
      ticks = [];
      const start = index * SPAN;
      const end = start + SPAN;
      let next = this.cron.nextRun(new Date(start - 1));
      while (next !== null && next.getTime() < end) {
        ticks.push(next.getTime());
        next = this.cron.nextRun(next);
      }
      if (this.spans.size > 64) this.spans.clear();
      this.spans.set(index, ticks);
    }
    return ticks;
  }

  /** First tick strictly after t (searching up to ~2 years ahead). */
  after(t: number): number | null {
    for (let i = Math.floor(t / SPAN), n = 0; n < 24; i++, n++) {
      const ticks = this.span(i);
      const k = upperBound(ticks, t);
      if (k < ticks.length) return ticks[k]!;
    }
    return null;
  }

  /** Last tick at or before t (searching up to ~2 years back). */
  atOrBefore(t: number): number | null {
    for (let i = Math.floor(t / SPAN), n = 0; n < 24; i--, n++) {
      const ticks = this.span(i);
      const k = upperBound(ticks, t);
      if (k > 0) return ticks[k - 1]!;
    }
    return null;
  }
}

function upperBound(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const tickCaches = new Map<string, TickCache>();

export function cronTicks(pattern: string, tz: string): TickCache {
  const key = `${tz}\u0000${pattern}`;
  let c = tickCaches.get(key);
  if (!c) {
    if (tickCaches.size > 1000) tickCaches.clear();
    c = new TickCache(pattern, tz);
    tickCaches.set(key, c);
  }
  return c;
}

// ---- expectation ------------------------------------------------------------------------

export interface Expectation {
  state: Exclude<CheckState, 'paused' | 'new' | 'down'>;
  /** When the next (or the missed) run was expected. */
  dueAt: number;
  /** When it counts as missed: dueAt plus grace. */
  overdueAt: number;
  graceMs: number;
}

/**
 * Where a scheduled check stands. `ref` is the last good run (its end for an interval schedule,
 * its start for cron) or, when later, the moment the schedule restarted (first seen, the end of
 * a maintenance window): `refIsRun` says which. For cron, a run started a little before a tick
 * (clock skew) satisfies it; a restart does not.
 */
export function expectation(
  schedule: Schedule,
  ref: number,
  graceMs: number | null,
  graceRatio: number,
  now: number,
  refIsRun = true,
): Expectation | null {
  let dueAt: number;
  let period: number;
  if (schedule.type === 'interval') {
    // Bounded as the API bounds it, so a value stored before the bounds existed stays a time.
    period = Math.min(schedule.intervalMs, INTERVAL_MAX_SECONDS * 1000);
    dueAt = ref + period;
  } else {
    const ticks = cronTicks(schedule.cron, schedule.tz);
    const tolerance = refIsRun ? cronTolerance(ticks, ref) : 0;
    // A restart at exactly a tick expects that tick.
    const first = refIsRun ? ticks.after(ref + tolerance) : ticks.after(ref - 1);
    if (first === null) return null;
    const second = ticks.after(first);
    dueAt = first;
    period = second === null ? 24 * 60 * MINUTE : second - first;
  }
  const grace = Math.min(graceMs ?? Math.round(period * graceRatio), GRACE_MAX_SECONDS * 1000);
  const overdueAt = dueAt + grace;
  const state = now < dueAt ? 'up' : now < overdueAt ? 'late' : 'overdue';
  return { state, dueAt, overdueAt, graceMs: grace };
}

/** A run that starts a little early (clock skew) still counts: 5 minutes, or a tenth of the period. */
function cronTolerance(ticks: TickCache, around: number): number {
  const a = ticks.after(around);
  const b = a === null ? null : ticks.after(a);
  const period = a !== null && b !== null ? b - a : 24 * 60 * MINUTE;
  return Math.min(5 * MINUTE, Math.floor(period / 10));
}

/** The nominal period of a schedule near time t (for grace and the grid). */
export function periodMs(schedule: Schedule, t: number): number {
  if (schedule.type === 'interval') return schedule.intervalMs;
  const ticks = cronTicks(schedule.cron, schedule.tz);
  const a = ticks.after(t);
  const b = a === null ? null : ticks.after(a);
  return a !== null && b !== null ? b - a : 24 * 60 * MINUTE;
}
