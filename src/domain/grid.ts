// The daily status grid: one row per check, one cell per business day. A cell is the day's jobs
// rolled up, `no_result` when a run was expected and none came, or null when none was expected.
import { addDays, wallTime, zonedToUtc } from '../lib/tz.js';
import { endOf, type HistoryJob, isExcused, isFailureJob, isGoodJob, startOf } from './history.js';
import type { JobStatus } from './job.js';
import { expectation, type Schedule } from './schedule.js';
import type { GridRollup } from './settings.js';

export type GridCell = JobStatus | 'no_result' | null;

export interface GridDay {
  date: string;
  start: number;
  end: number;
}

/** Days from `from` to `to` (inclusive, `YYYY-MM-DD`), each starting at `dayStart` (HH:MM) in tz. */
export function gridDays(from: string, to: string, tz: string, dayStart: string): GridDay[] {
  const [h, m] = dayStart.split(':').map(Number) as [number, number];
  const startOfDate = (date: string) => {
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    return zonedToUtc(y, mo, d, h, m, tz);
  };
  const days: GridDay[] = [];
  for (let date = from; date <= to && days.length < 400; date = addDays(date, 1)) {
    days.push({ date, start: startOfDate(date), end: startOfDate(addDays(date, 1)) });
  }
  return days;
}

/** The business day (as `YYYY-MM-DD`) that contains instant t. */
export function businessDate(t: number, tz: string, dayStart: string): string {
  const w = wallTime(t, tz);
  const date = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  const [h, m] = dayStart.split(':').map(Number) as [number, number];
  return w.hour * 60 + w.minute < h * 60 + m ? addDays(date, -1) : date;
}

// Worst first.
const BADNESS: JobStatus[] = ['failed', 'partial', 'cancelled', 'skipped', 'warning', 'succeeded', 'running'];
const rank = (s: JobStatus) => BADNESS.indexOf(s);

export function rollUp(jobs: HistoryJob[], mode: GridRollup): JobStatus | null {
  const finished = jobs.filter((j) => j.status !== 'running');
  if (finished.length === 0) return jobs.length > 0 ? 'running' : null;
  // Jobs excused from alerting (cancelled by a user, skipped for a concurrent run) show only when nothing else ran.
  const judged = finished.filter((j) => !isExcused(j));
  const pool = judged.length > 0 ? judged : finished;
  const statuses = pool.map((j) => j.status);
  switch (mode) {
    case 'last':
      return pool[pool.length - 1]!.status;
    case 'worst':
      return statuses.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    case 'best':
      return statuses.reduce((a, b) => (rank(b) > rank(a) ? b : a));
    case 'warning_if_mixed': {
      // Good and failed runs on one day: warning. Neutral runs (skipped, excused) do not mix.
      const good = pool.filter(isGoodJob);
      const bad = pool.filter(isFailureJob);
      if (good.length > 0 && bad.length > 0) return 'warning';
      const side = good.length > 0 ? good : bad.length > 0 ? bad : pool;
      return side.map((j) => j.status).reduce((a, b) => (rank(b) < rank(a) ? b : a));
    }
  }
}

export interface GridRowInput {
  schedule: Schedule | null;
  graceMs: number | null;
  graceRatio: number;
  createdAt: number;
  /** The check's jobs from a little before the first day to the last, oldest first. */
  jobs: HistoryJob[];
  /** The last good run before those jobs, if any. */
  goodBefore: { endedAt: number; startedAt: number } | null;
  days: GridDay[];
  rollup: GridRollup;
  now: number;
}

/** A day with no job shows `no_result` if the check was overdue at some moment of that day. */
export function gridRow(input: GridRowInput): GridCell[] {
  const { jobs, days, now } = input;
  const good = jobs.filter(isGoodJob);
  let gi = -1;
  let ji = 0;
  return days.map((day) => {
    while (ji < jobs.length && endOf(jobs[ji]!) < day.start) ji++;
    const inDay: HistoryJob[] = [];
    for (let k = ji; k < jobs.length && endOf(jobs[k]!) < day.end; k++) inDay.push(jobs[k]!);
    if (inDay.length > 0) return rollUp(inDay, input.rollup);
    if (day.start > now || input.schedule === null || day.end <= input.createdAt) return null;
    const until = Math.min(day.end, now);
    while (gi + 1 < good.length && endOf(good[gi + 1]!) <= until) gi++;
    const last = gi >= 0 ? good[gi]! : null;
    const ref = last
      ? input.schedule.type === 'interval' ? endOf(last) : startOf(last)
      : input.goodBefore
        ? input.schedule.type === 'interval' ? input.goodBefore.endedAt : input.goodBefore.startedAt
        : input.createdAt;
    const e = expectation(input.schedule, ref, input.graceMs, input.graceRatio, until, last !== null || input.goodBefore !== null);
    // The day's end belongs to the next day; "now" is inside today.
    return e !== null && e.overdueAt < day.end && e.overdueAt <= now ? 'no_result' : null;
  });
}
