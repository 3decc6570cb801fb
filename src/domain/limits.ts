// The bounds of every number the API takes (docs/api.md "Limits"): one place for each value, so
// the route schemas, the rules that use them and the DTOs that guard stored values agree.

const DAY_SECONDS = 86_400;

/** A check's grace: 0 (none) up to 365 days. */
export const GRACE_MIN_SECONDS = 0;
export const GRACE_MAX_SECONDS = 365 * DAY_SECONDS;
/** An interval schedule: every minute up to once a year. */
export const INTERVAL_MIN_SECONDS = 60;
export const INTERVAL_MAX_SECONDS = 365 * DAY_SECONDS;
/** Sizes (bytes) and durations: non-negative and exact as a JSON number. */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** A job's duration: at most a year. */
export const MAX_DURATION_SECONDS = 365 * DAY_SECONDS;
/** Thresholds in hours and days (SLA, windows, dismissals): at most a year. */
export const MAX_HOURS = 365 * 24;
export const MAX_DAYS = 365;
/** Counts a user configures (failures before critical, history length, daily limits). */
export const MAX_COUNT = 1_000_000;
/** Ratios: size jumps may be large, never unbounded. */
export const MAX_RATIO = 1_000;
/** Ids of records in another system (PSA boards, queues, companies): 32-bit. */
export const MAX_FOREIGN_ID = 2_147_483_647;

/** A stored number as an API number: null when it is not a finite value within [min, max] (a database
 * written before the bounds existed may hold anything). */
export function boundedOrNull(value: number | null | undefined, min = -MAX_SAFE, max = MAX_SAFE): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.min(Math.max(value, min), max);
}

/** A stored time as ISO-8601: the epoch when it is not a representable time (never throws). */
export function storedIso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

/** Stored JSON text, or the fallback when it is absent or not JSON. */
export function storedJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
