// The daily review, pure (docs/review.md): which runs need a person's review, which calendar day a
// run belongs to, when that day's review falls due, how a day's review went (on time, late,
// missing, pending) and the median time to review.
import { addDays, wallTime, zonedToUtc } from '../lib/tz.js';

/** Runs that a person must look at: finished with a failure or a warning. */
export const REVIEW_STATUSES = ['failed', 'partial', 'warning'] as const;

export const DEFAULT_REVIEW_DUE_HOUR = 10;
/** review_overdue looks this many days back; older runs are the evidence report's business. */
export const OVERDUE_LOOKBACK_DAYS = 7;

export function needsReview(status: string): boolean {
  return (REVIEW_STATUSES as readonly string[]).includes(status);
}

/** The calendar day (`YYYY-MM-DD`, in tz) a run belongs to, by the moment it happened. */
export function reviewDay(t: number, tz: string): string {
  const w = wallTime(t, tz);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * reviewDay for many runs of the days `from`…`to`: the days' starts are worked out once and each
 * instant is placed among them, where reviewDay asks Intl (~4 µs) for every run — 1.5 s for a
 * big estate's month of runs. Instants outside those days fall back to reviewDay.
 */
export function reviewDaysOf(from: string, to: string, tz: string): (t: number) => string {
  const days: string[] = [];
  const starts: number[] = [];
  for (let d = from; d <= addDays(to, 1); d = addDays(d, 1)) {
    days.push(d);
    starts.push(dayStart(d, tz));
  }
  return (t) => {
    if (!(t >= starts[0]! && t < starts[starts.length - 1]!)) return reviewDay(t, tz);
    // starts[lo] <= t < starts[hi]
    let lo = 0;
    let hi = starts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid;
    }
    return days[lo]!;
  };
}

/** The instant a day starts in tz. */
export function dayStart(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedToUtc(y, m, d, 0, 0, tz);
}

/** When a day's runs must all be reviewed: the next day at `hour`:00 in tz. */
export function reviewDueAt(day: string, tz: string, hour: number): number {
  const [y, m, d] = addDays(day, 1).split('-').map(Number) as [number, number, number];
  return zonedToUtc(y, m, d, hour, 0, tz);
}

export interface ReviewedRun {
  /** When the run happened: ended_at, else started_at. */
  at: number;
  /** When it was reviewed; null: not (yet). */
  reviewedAt: number | null;
}

/**
 * How a day's review went, judged at `now`: nothing to review (null); `on_time` (every run reviewed
 * by the due time); `late` (every run reviewed, some after it); `missing` (the due time passed and
 * a run is still not reviewed); `pending` (not all reviewed, but not due yet).
 */
export type DayVerdict = 'on_time' | 'late' | 'missing' | 'pending';

export function dayVerdict(runs: readonly ReviewedRun[], dueAt: number, now: number): DayVerdict | null {
  if (runs.length === 0) return null;
  const open = runs.some((r) => r.reviewedAt === null);
  if (open) return now >= dueAt ? 'missing' : 'pending';
  return runs.some((r) => r.reviewedAt! > dueAt) ? 'late' : 'on_time';
}

/** Minutes from each run to its review, reviewed runs only; their median, or null when none. */
export function medianMinutesToReview(runs: readonly ReviewedRun[]): number | null {
  const minutes = runs.filter((r) => r.reviewedAt !== null).map((r) => Math.max(0, r.reviewedAt! - r.at) / 60_000);
  if (minutes.length === 0) return null;
  minutes.sort((a, b) => a - b);
  const mid = Math.floor(minutes.length / 2);
  const m = minutes.length % 2 === 1 ? minutes[mid]! : (minutes[mid - 1]! + minutes[mid]!) / 2;
  return Math.round(m * 10) / 10;
}

/** Share (percent, 1 decimal) of runs reviewed by their day's due time; null without runs. */
export function reviewedByDuePercent(runs: readonly ReviewedRun[], dueOf: (at: number) => number): number | null {
  if (runs.length === 0) return null;
  const onTime = runs.filter((r) => r.reviewedAt !== null && r.reviewedAt <= dueOf(r.at)).length;
  return Math.round((onTime / runs.length) * 1000) / 10;
}

/**
 * Whether the workspace's review is overdue at `now`: the oldest unreviewed run of the look-back
 * window belongs to a day whose due time has passed. The due time grows with the run's time, so
 * the oldest run decides for all.
 */
export function reviewOverdue(oldestUnreviewedAt: number | null, tz: string, hour: number, now: number): boolean {
  if (oldestUnreviewedAt === null) return false;
  return now >= reviewDueAt(reviewDay(oldestUnreviewedAt, tz), tz, hour);
}

/** The start of the look-back window of review_overdue: midnight (tz) seven days before today. */
export function overdueWindowStart(now: number, tz: string): number {
  return dayStart(addDays(reviewDay(now, tz), -OVERDUE_LOOKBACK_DAYS), tz);
}

/**
 * Per grid day (`[start, end)` by the run's end): true when the day's failed and warning runs are
 * all reviewed, false when one is not, null when the day has none.
 */
export function reviewedCells(runs: ReadonlyArray<{ id: string; status: string; at: number }>, days: ReadonlyArray<{ start: number; end: number }>, reviewed: ReadonlySet<string>): Array<boolean | null> {
  return days.map((day) => {
    const mine = runs.filter((r) => needsReview(r.status) && r.at >= day.start && r.at < day.end);
    return mine.length === 0 ? null : mine.every((r) => reviewed.has(r.id));
  });
}
