// Stored rows as the pure engine sees them (history jobs, checks, windows, active alerts), and
// the check columns an evaluation writes back. Shared by evaluation and reports.
import type { HistoryRow } from '../db/repositories/evaluation.js';
import type { AlertRow, CheckRow, MaintenanceWindowRow } from '../db/schema.js';
import type { CheckInfo, HistoryJob } from '../domain/history.js';
import type { CheckKind, CopyTier, HealthLevel, JobStatus, Operation, Reason } from '../domain/job.js';
import type { ActiveAlert } from '../domain/lifecycle.js';
import type { CheckEvaluation } from '../domain/rules/checks.js';
import type { Schedule } from '../domain/schedule.js';
import type { AlertType, Severity } from '../domain/settings.js';
import type { MaintenanceWindow } from '../domain/windows.js';

export function toHistoryJob(r: HistoryRow): HistoryJob {
  return {
    id: r.id,
    checkId: r.check_id,
    source: r.source,
    status: r.status as JobStatus,
    operation: r.operation as Operation,
    reason: r.reason as Reason | null,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    occurredAt: r.occurred_at,
    durationMs: r.duration_ms,
    bytes: r.bytes,
    message: r.message,
    errorCode: r.error_code,
    healthReplication: r.health_replication as HealthLevel | null,
    healthFailover: r.health_failover as HealthLevel | null,
  };
}

/** The schedule a user set on a check; learned schedules are not one. */
export function userSchedule(c: CheckRow): Schedule | null {
  if (c.schedule_inferred === 1 || c.schedule_type === null) return null;
  if (c.schedule_type === 'interval' && c.interval_ms !== null) return { type: 'interval', intervalMs: c.interval_ms };
  if (c.schedule_type === 'cron' && c.cron !== null) return { type: 'cron', cron: c.cron, tz: c.tz ?? 'UTC' };
  return null;
}

export function toCheckInfo(c: CheckRow): CheckInfo {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind as CheckKind,
    tier: c.tier as CopyTier | null,
    schedule: userSchedule(c),
    graceMs: c.grace_ms,
    maxRuntimeMs: c.max_runtime_ms,
    paused: c.paused === 1,
    createdAt: c.created_at,
  };
}

export function toWindow(w: MaintenanceWindowRow): MaintenanceWindow {
  return {
    id: w.id,
    scope: w.scope as MaintenanceWindow['scope'],
    scopeId: w.scope_id,
    kind: w.kind as MaintenanceWindow['kind'],
    startsAt: w.starts_at,
    endsAt: w.ends_at,
    cron: w.cron,
    tz: w.tz,
    durationMs: w.duration_ms,
  };
}

export function activeAlert(a: AlertRow): ActiveAlert {
  return {
    id: a.id,
    type: a.type as AlertType,
    scopeId: a.scope_id,
    severity: a.severity as Severity,
    state: a.state as ActiveAlert['state'],
    title: a.title,
    detail: a.detail,
    dismissedUntil: a.dismissed_until,
  };
}

/** Only what changed: most evaluations change little, and every write is paid for. */
export function changed<T extends object>(current: T, next: Partial<T>): Partial<T> | null {
  const out: Partial<T> = {};
  let any = false;
  for (const [k, v] of Object.entries(next) as Array<[keyof T, T[keyof T]]>) {
    if (current[k] !== v) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : null;
}

export function checkColumns(row: CheckRow, e: CheckEvaluation): Partial<CheckRow> {
  const cols: Partial<CheckRow> = {
    state: e.state,
    last_job_at: e.lastJobAt,
    last_good_at: e.lastGoodAt,
    last_status: e.lastStatus,
    consecutive_failures: e.consecutiveFailures,
    next_due_at: e.nextDueAt,
    last_source: e.lastSource ?? row.last_source,
  };
  if (userSchedule(row) === null) {
    const learned = e.scheduleInferred && e.schedule?.type === 'interval' ? e.schedule.intervalMs : null;
    cols.schedule_type = learned === null ? null : 'interval';
    cols.interval_ms = learned;
    cols.schedule_inferred = learned === null ? 0 : 1;
  }
  return cols;
}
