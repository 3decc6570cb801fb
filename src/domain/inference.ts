// Schedule learning: a check created by auto-discovery without a schedule learns one from the
// cadence of its good runs. It is recomputed from the history at every evaluation (so backfilled
// and live histories learn the same thing) until a user confirms or sets a schedule.
import { endOf, type HistoryJob, isGoodJob, median } from './history.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NICE = [15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 8 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

/** Good runs needed before a schedule is learned (so three gaps). */
export const MIN_GOOD_RUNS = 4;
const MAX_RUNS = 11;

/**
 * The interval the good runs of a check follow, or null when there are too few or they follow
 * no steady cadence. Gaps that skip a run (a laptop that was off) do not spoil it: the median
 * gap is the cadence if at least half of the gaps are close to it.
 */
export function inferInterval(jobs: HistoryJob[]): number | null {
  const ends = jobs.filter(isGoodJob).map(endOf).slice(-MAX_RUNS);
  if (ends.length < MIN_GOOD_RUNS) return null;
  const gaps: number[] = [];
  for (let i = 1; i < ends.length; i++) gaps.push(ends[i]! - ends[i - 1]!);
  const m = median(gaps);
  if (m < 5 * MINUTE) return null;
  const close = gaps.filter((g) => g >= m * 0.75 && g <= m * 1.33).length;
  if (close * 2 < gaps.length) return null;
  const nice = NICE.find((n) => Math.abs(n - m) <= n * 0.15);
  return nice ?? Math.round(m / (5 * MINUTE)) * 5 * MINUTE;
}
