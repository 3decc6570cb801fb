// Check schedules: an interval (next run expected at the last good job's end plus the interval)
// or a cron expression in an IANA time zone.
import { Cron } from 'croner';
import type { FieldProblem } from './errors.js';

export type Schedule =
  | { type: 'interval'; intervalMs: number }
  | { type: 'cron'; cron: string; tz: string };

export const MIN_INTERVAL_MS = 60_000;

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
    new Cron(s.cron, { paused: true, timezone: isValidTimeZone(s.tz) ? s.tz : 'UTC' });
  } catch (err) {
    problems.push({ field: `${path}.cron`, message: `not a valid cron expression: ${(err as Error).message}` });
  }
  return problems;
}
