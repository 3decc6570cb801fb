// Rules whose scope is one check: its schedule (state and missed_schedule), the outcome of its
// latest job (job_failed, job_warning, verification_failed, replication_unhealthy) and the shape
// of its latest good run (size_anomaly).
import {
  type CheckInfo,
  type Condition,
  consecutiveFailures,
  endOf,
  type HistoryJob,
  isFailureJob,
  isGoodJob,
  lastGood,
  median,
  relevantFinished,
  startOf,
} from '../history.js';
import { readableUtc } from '../../lib/time.js';
import { inferInterval } from '../inference.js';
import type { JobStatus } from '../job.js';
import { type CheckState, type Expectation, expectation, type Schedule } from '../schedule.js';
import { type AlertType, baseSeverity, type EngineConfig, type Severity } from '../settings.js';

export interface CheckEvaluation {
  id: string;
  state: CheckState;
  lastJobAt: number | null;
  lastGoodAt: number | null;
  lastStatus: JobStatus | null;
  consecutiveFailures: number;
  /** When the next good run is expected (null: no schedule). */
  nextDueAt: number | null;
  /** When it became overdue, if it is. */
  overdueSince: number | null;
  lastSource: string | null;
  /** The schedule used: the user's, or a learned one. */
  schedule: Schedule | null;
  scheduleInferred: boolean;
}

export interface CheckContext {
  check: CheckInfo;
  jobs: HistoryJob[];
  goodBefore: { endedAt: number; startedAt: number } | undefined;
  /** Schedules restart from here (the end of the latest maintenance window), if later than the last good run. */
  restartAt: number | null;
  config: EngineConfig;
  now: number;
}

function cond(c: CheckInfo, partial: Omit<Condition, 'scope' | 'scopeId' | 'checkId' | 'suppressed' | 'inhibitedBy'>): Condition {
  return { scope: 'check', scopeId: c.id, checkId: c.id, suppressed: false, inhibitedBy: null, ...partial };
}

function scheduleOf(ctx: CheckContext): { schedule: Schedule | null; inferred: boolean } {
  if (ctx.check.schedule) return { schedule: ctx.check.schedule, inferred: false };
  const interval = inferInterval(ctx.jobs);
  return interval === null ? { schedule: null, inferred: false } : { schedule: { type: 'interval', intervalMs: interval }, inferred: true };
}

/** Where the check stands against its schedule, and the missed_schedule condition if it is overdue. */
export function evaluateSchedule(ctx: CheckContext, deadlines: number[]): { evaluation: CheckEvaluation; missed: Condition | null; expectation: Expectation | null } {
  const { check, jobs, now } = ctx;
  const good = lastGood(jobs);
  const { schedule, inferred } = scheduleOf(ctx);
  const relevant = relevantFinished(jobs);
  const last = jobs[jobs.length - 1] ?? null;
  const evaluation: CheckEvaluation = {
    id: check.id,
    state: 'up',
    lastJobAt: last ? last.occurredAt : null,
    lastGoodAt: good ? endOf(good) : (ctx.goodBefore?.endedAt ?? null),
    lastStatus: last ? last.status : null,
    consecutiveFailures: consecutiveFailures(relevant),
    nextDueAt: null,
    overdueSince: null,
    lastSource: last ? last.source : null,
    schedule,
    scheduleInferred: inferred,
  };
  // A failed run keeps the check down until a good one; only a missed deadline outranks it.
  const down = evaluation.consecutiveFailures > 0;
  if (jobs.length === 0 && !ctx.goodBefore) evaluation.state = 'new';
  else if (down) evaluation.state = 'down';
  if (check.paused) evaluation.state = 'paused';
  if (schedule === null || evaluation.state === 'new' || check.paused) return { evaluation, missed: null, expectation: null };

  // Interval schedules count from the last good run's end, cron from its start; a check that
  // never ran well counts from when it was first seen; a maintenance window restarts both.
  const goodRef = good ? (schedule.type === 'interval' ? endOf(good) : startOf(good)) : ctx.goodBefore
    ? schedule.type === 'interval' ? ctx.goodBefore.endedAt : ctx.goodBefore.startedAt
    : check.createdAt;
  const restart = ctx.restartAt ?? Number.NEGATIVE_INFINITY;
  const ref = Math.max(goodRef, restart);
  const refIsRun = (good !== null || ctx.goodBefore !== undefined) && goodRef >= restart;
  const e = expectation(schedule, ref, check.graceMs, ctx.config.thresholds.grace_ratio, now, refIsRun);
  if (e === null) return { evaluation, missed: null, expectation: null };
  evaluation.state = down && e.state !== 'overdue' ? 'down' : e.state;
  evaluation.nextDueAt = e.dueAt;
  if (e.state === 'overdue') evaluation.overdueSince = e.overdueAt;
  // The score's band changes 48 h past due.
  deadlines.push(e.dueAt, e.overdueAt, e.dueAt + 48 * 3_600_000);
  const missed =
    e.state === 'overdue'
      ? cond(check, {
          type: 'missed_schedule',
          severity: baseSeverity(ctx.config, 'missed_schedule', 'warning'),
          title: `${check.name}: no good run since ${readableUtc(goodRef)}`,
          detail: { expected_at: new Date(e.dueAt).toISOString(), grace_seconds: e.graceMs / 1000, schedule_inferred: inferred },
          since: e.overdueAt,
        })
      : null;
  return { evaluation, missed, expectation: e };
}

/** job_failed / job_warning / verification_failed / replication_unhealthy, from the latest relevant job. */
export function evaluateOutcome(ctx: CheckContext): Condition[] {
  const { check, config } = ctx;
  const relevant = relevantFinished(ctx.jobs);
  const latest = relevant[relevant.length - 1];
  const out: Condition[] = [];
  if (check.kind === 'verification') {
    if (latest && isFailureJob(latest)) out.push(latestJobCond(ctx, latest, 'verification_failed', 'critical', 'restore test failed'));
    return out;
  }
  if (check.kind === 'replication') {
    const withHealth = [...ctx.jobs].reverse().find((j) => j.healthReplication !== null || j.healthFailover !== null);
    if (withHealth) {
      const levels = [withHealth.healthReplication, withHealth.healthFailover];
      if (levels.some((l) => l !== null && l !== 'normal')) {
        out.push(
          cond(check, {
            type: 'replication_unhealthy',
            severity: levels.includes('critical') ? 'critical' : baseSeverity(config, 'replication_unhealthy', 'warning'),
            title: `${check.name}: replication health ${withHealth.healthReplication ?? 'unknown'}, failover health ${withHealth.healthFailover ?? 'unknown'}`,
            detail: { replication: withHealth.healthReplication, failover: withHealth.healthFailover, reported_at: new Date(withHealth.occurredAt).toISOString() },
            since: sinceUnhealthy(ctx.jobs),
          }),
        );
      }
    }
  }
  // SaaS tenants report partial runs daily; saas_degraded judges them over days instead.
  if (check.kind === 'saas_backup' || !latest) return out;
  if (isFailureJob(latest)) {
    const n = consecutiveFailures(relevant);
    const critical = n >= config.thresholds.failure_critical_after;
    out.push(
      cond(check, {
        type: 'job_failed',
        severity: critical ? 'critical' : baseSeverity(config, 'job_failed', 'warning'),
        title: `${check.name}: ${latest.status === 'partial' ? 'partly failed' : 'failed'}${n > 1 ? ` ${n} times in a row` : ''}`,
        detail: { ...jobDetail(latest), consecutive_failures: n },
        since: endOf(relevant[relevant.length - n] ?? latest),
      }),
    );
  } else if (latest.status === 'warning') {
    out.push(latestJobCond(ctx, latest, 'job_warning', 'warning', 'finished with warnings'));
  }
  return out;
}

/** A condition on the check's latest job, at the type's configured severity, since the job ended. */
function latestJobCond(ctx: CheckContext, latest: HistoryJob, type: AlertType, fallback: Severity, what: string): Condition {
  return cond(ctx.check, { type, severity: baseSeverity(ctx.config, type, fallback), title: `${ctx.check.name}: ${what}`, detail: jobDetail(latest), since: endOf(latest) });
}

function sinceUnhealthy(jobs: HistoryJob[]): number {
  let since = Number.POSITIVE_INFINITY;
  for (let i = jobs.length - 1; i >= 0; i--) {
    const j = jobs[i]!;
    if (j.healthReplication === null && j.healthFailover === null) continue;
    if (j.healthReplication !== 'warning' && j.healthReplication !== 'critical' && j.healthFailover !== 'warning' && j.healthFailover !== 'critical') break;
    since = j.occurredAt;
  }
  return Number.isFinite(since) ? since : (jobs[jobs.length - 1]?.occurredAt ?? 0);
}

/** size_anomaly: the latest good run's size or duration far from the recent median. */
export function evaluateAnomaly(ctx: CheckContext): Condition | null {
  const { check, config } = ctx;
  if (check.kind === 'verification' || check.kind === 'replication') return null;
  const t = config.thresholds;
  const good = ctx.jobs.filter(isGoodJob);
  const latest = good[good.length - 1];
  if (!latest) return null;
  const earlier = good.slice(Math.max(0, good.length - 11), -1);
  const reasons: string[] = [];
  const sizes = earlier.map((j) => j.bytes).filter((b): b is number => b !== null && b > 0);
  if (latest.bytes !== null && sizes.length >= t.anomaly_min_history) {
    const m = median(sizes);
    if (latest.bytes <= m * t.size_drop_ratio) reasons.push(`size ${pct(latest.bytes / m)} of its usual ${human(m)}`);
    else if (latest.bytes >= m * t.size_jump_ratio) reasons.push(`size ${(latest.bytes / m).toFixed(1)}× its usual ${human(m)}`);
  }
  const durations = earlier.map((j) => j.durationMs).filter((d): d is number => d !== null && d > 0);
  if (latest.durationMs !== null && durations.length >= t.anomaly_min_history) {
    const m = median(durations);
    if (m >= 60_000 && latest.durationMs <= m * t.duration_drop_ratio) reasons.push(`finished in ${pct(latest.durationMs / m)} of its usual time`);
  }
  if (reasons.length === 0) return null;
  return cond(check, {
    type: 'size_anomaly',
    severity: baseSeverity(config, 'size_anomaly', 'warning'),
    title: `${check.name}: ${reasons.join('; ')}`,
    detail: { ...jobDetail(latest), reasons },
    since: endOf(latest),
  });
}

const pct = (r: number) => `${Math.round(r * 100)} %`;
function human(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function jobDetail(j: HistoryJob): Record<string, unknown> {
  return {
    job_id: j.id,
    status: j.status,
    message: j.message,
    error_code: j.errorCode,
    ended_at: new Date(endOf(j)).toISOString(),
    bytes: j.bytes,
    duration_seconds: j.durationMs === null ? null : j.durationMs / 1000,
  };
}

