// run_too_long: a check's latest run started and has not ended within the check's max runtime.
// This tells "started but never finished" (a hung backup, a killed script) apart from "never
// started" (missed_schedule). A newer run of the check supersedes a stuck one: once anything
// newer has arrived, the old run is history, whatever its row still says.
import { type CheckInfo, type Condition, type HistoryJob, startOf } from '../history.js';
import { readableUtc } from '../../lib/time.js';
import { baseSeverity, type EngineConfig } from '../settings.js';

/** A check's max runtime: a minute (shorter runs are pings, not backups) up to a week. */
export const MAX_RUNTIME_MIN_SECONDS = 60;
export const MAX_RUNTIME_MAX_SECONDS = 7 * 86_400;

/** The run the limit applies to: the check's newest job, if it is still running. */
function openRun(jobs: HistoryJob[]): HistoryJob | null {
  const latest = jobs[jobs.length - 1];
  return latest !== undefined && latest.status === 'running' && latest.endedAt === null ? latest : null;
}

/** "2 h 30 min", "45 min", "7 d": limits are whole minutes (60 s at least). */
export function readableDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d > 0 ? `${d} d` : '', h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : ''].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(' ') : '0 min';
}

/**
 * The run_too_long condition of one check, if it holds at `now`. While the run is still within
 * its limit, the moment it runs out goes into `deadlines`, so the evaluator comes back on time
 * even when no job arrives.
 */
export function evaluateRunTooLong(check: CheckInfo, jobs: HistoryJob[], config: EngineConfig, now: number, deadlines: number[]): Condition | null {
  const limit = check.maxRuntimeMs ?? null;
  if (limit === null || limit <= 0 || check.paused) return null;
  const run = openRun(jobs);
  if (run === null) return null;
  const started = startOf(run);
  const due = started + limit;
  if (now < due) {
    deadlines.push(due);
    return null;
  }
  return {
    type: 'run_too_long',
    scope: 'check',
    scopeId: check.id,
    checkId: check.id,
    severity: baseSeverity(config, 'run_too_long', 'warning'),
    // Stable while the run lasts: a changing title would rewrite the alert on every pass.
    title: `${check.name}: started ${readableUtc(started)} and still running after its ${readableDuration(limit)} limit`,
    detail: {
      job_id: run.id,
      started_at: new Date(started).toISOString(),
      max_runtime_seconds: limit / 1000,
      limit_reached_at: new Date(due).toISOString(),
    },
    since: due,
    suppressed: false,
    inhibitedBy: null,
  };
}
