// Rules whose scope is the device (backup_overdue, saas_overdue, saas_degraded, storage_quota,
// purge_blocked, destructive_operation, device_silent), and copy_overdue, which is a copy
// check's but is measured from the device's backups.
import { type CheckInfo, type Condition, type DeviceSnapshot, endOf, type HistoryJob, isExcused, isGoodJob } from '../history.js';
import { readableUtc } from '../../lib/time.js';
import { DESTRUCTIVE_OPERATIONS } from '../job.js';
import { periodMs } from '../schedule.js';
import { baseSeverity, type EngineConfig } from '../settings.js';
import type { CheckEvaluation } from './checks.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DeviceContext {
  snap: DeviceSnapshot;
  config: EngineConfig;
  now: number;
  byCheck: Map<string, HistoryJob[]>;
  checkEvals: Map<string, CheckEvaluation>;
  /** Schedules restart from here (end of the latest window on the client or device). */
  restartAt: number | null;
  /** The device has reported at least once. */
  hasReported: boolean;
  deadlines: number[];
}

type DeviceConditionFields = Omit<Condition, 'scope' | 'scopeId' | 'checkId' | 'suppressed' | 'inhibitedBy'>;

function deviceCond(ctx: DeviceContext, partial: DeviceConditionFields): Condition {
  return { scope: 'device', scopeId: ctx.snap.device.id, checkId: null, suppressed: false, inhibitedBy: null, ...partial };
}

/** A device condition that holds from `limit` on (its fields made only then); until then, the device is evaluated again at `limit`. */
function fromLimit(ctx: DeviceContext, limit: number, fields: () => Omit<DeviceConditionFields, 'since'>): Condition | null {
  ctx.deadlines.push(limit);
  if (ctx.now < limit) return null;
  return deviceCond(ctx, { ...fields(), since: limit });
}

const hours = (ms: number) => Math.round(ms / HOUR);

/** The end of the newest good run among these checks (in the window, or before it). */
function lastGoodEnd(ctx: DeviceContext, checks: CheckInfo[]): number | null {
  let best: number | null = null;
  for (const c of checks) {
    const e = ctx.checkEvals.get(c.id)?.lastGoodAt ?? null;
    if (e !== null && (best === null || e > best)) best = e;
  }
  return best;
}

export function backupOverdue(ctx: DeviceContext): Condition | null {
  const { snap, config, now } = ctx;
  const cls = snap.device.class;
  if (cls === 'saas' || !ctx.hasReported) return null;
  const backups = snap.checks.filter((c) => c.kind === 'backup' && !c.paused);
  if (backups.length === 0) return null;
  const last = lastGoodEnd(ctx, backups);
  const ref = Math.max(last ?? snap.device.createdAt, ctx.restartAt ?? Number.NEGATIVE_INFINITY);
  const sla = config.thresholds.sla_hours[cls] * HOUR;
  ctx.deadlines.push(ref + sla);
  if (now - ref < sla) return null;
  return deviceCond(ctx, {
    type: 'backup_overdue',
    severity: baseSeverity(config, 'backup_overdue', 'critical'),
    // Titles stay the same while a condition lasts (a changing title would be an update each pass).
    title: last === null ? `${snap.device.name}: no good backup yet (SLA ${hours(sla)} h)` : `${snap.device.name}: no good backup within its ${hours(sla)} h SLA`,
    detail: { last_good_at: last === null ? null : new Date(last).toISOString(), sla_hours: sla / HOUR },
    since: ref + sla,
    fromChecks: backups.map((c) => c.id),
  });
}

export function copyOverdue(ctx: DeviceContext): Condition[] {
  const { snap, config, now } = ctx;
  const window = config.thresholds.copy_window_hours * HOUR;
  const backups = snap.checks.filter((c) => c.kind === 'backup');
  const backupEnds = backups.flatMap((c) => (ctx.byCheck.get(c.id) ?? []).filter(isGoodJob).map(endOf)).sort((a, b) => a - b);
  const out: Condition[] = [];
  for (const copy of snap.checks.filter((c) => c.kind === 'copy' && c.tier !== 'cold' && !c.paused)) {
    // A maintenance window restarts the copy clock too.
    const dueAt = (b: number) => Math.max(b, ctx.restartAt ?? Number.NEGATIVE_INFINITY) + window;
    const ends = backupEnds.filter((b) => b >= copy.createdAt && dueAt(b) <= now);
    const next = backupEnds.find((b) => b >= copy.createdAt && dueAt(b) > now);
    if (next !== undefined) ctx.deadlines.push(dueAt(next));
    const b = ends[ends.length - 1];
    if (b === undefined) continue;
    const copied = (ctx.byCheck.get(copy.id) ?? []).some((j) => isGoodJob(j) && endOf(j) > b);
    if (copied) continue;
    out.push({
      type: 'copy_overdue',
      scope: 'check',
      scopeId: copy.id,
      checkId: copy.id,
      severity: baseSeverity(config, 'copy_overdue', 'warning'),
      title: `${copy.name}: no good copy within ${window / HOUR} h of the backup that ended ${readableUtc(b)}`,
      detail: { backup_ended_at: new Date(b).toISOString(), window_hours: window / HOUR },
      since: b + window,
      suppressed: false,
      inhibitedBy: null,
    });
  }
  return out;
}

export function saasOverdue(ctx: DeviceContext): Condition | null {
  const { snap, config } = ctx;
  if (snap.device.class !== 'saas' || !ctx.hasReported) return null;
  const checks = snap.checks.filter((c) => c.kind === 'saas_backup' && !c.paused);
  if (checks.length === 0) return null;
  const last = lastGoodEnd(ctx, checks);
  const ref = Math.max(last ?? snap.device.createdAt, ctx.restartAt ?? Number.NEGATIVE_INFINITY);
  const schedule = checks.map((c) => ctx.checkEvals.get(c.id)?.schedule).find((s) => s) ?? null;
  const expected = ref + (schedule ? periodMs(schedule, ref) : DAY);
  return fromLimit(ctx, expected + config.thresholds.saas_overdue_hours * HOUR, () => ({
    type: 'saas_overdue',
    severity: baseSeverity(config, 'saas_overdue', 'warning'),
    title: `${snap.device.name}: no good SaaS backup within ${config.thresholds.saas_overdue_hours} h of its scheduled time`,
    detail: { last_good_at: last === null ? null : new Date(last).toISOString(), expected_at: new Date(expected).toISOString() },
    fromChecks: checks.map((c) => c.id),
  }));
}

/**
 * saas_degraded: a failed or partial SaaS backup in the last N days, held for M hours. The
 * condition "some bad run in the last N days" has held since the start of the unbroken stretch
 * of [bad run, bad run + N days) intervals that reaches now.
 */
export function saasDegraded(ctx: DeviceContext): Condition | null {
  const { snap, config, now } = ctx;
  if (snap.device.class !== 'saas') return null;
  const windowMs = config.thresholds.saas_window_days * DAY;
  const hold = config.thresholds.saas_hold_hours * HOUR;
  const ids = new Set(snap.checks.filter((c) => c.kind === 'saas_backup').map((c) => c.id));
  const bad = snap.jobs.filter(
    (j) => j.checkId !== null && ids.has(j.checkId) && (j.status === 'failed' || j.status === 'partial') && !isExcused(j) && endOf(j) <= now,
  );
  const recent = bad.filter((j) => endOf(j) > now - windowMs);
  if (recent.length === 0) return null;
  const ends = bad.map(endOf).sort((a, b) => a - b);
  let start = ends[ends.length - 1]!;
  for (let i = ends.length - 2; i >= 0; i--) {
    if (ends[i]! + windowMs >= start) start = ends[i]!;
    else break;
  }
  ctx.deadlines.push(start + hold, ends[ends.length - 1]! + windowMs);
  if (now - start < hold) return null;
  const failed = recent.some((j) => j.status === 'failed');
  return deviceCond(ctx, {
    type: 'saas_degraded',
    severity: failed ? 'critical' : baseSeverity(config, 'saas_degraded', 'warning'),
    title: `${snap.device.name}: ${failed ? 'failed' : 'partial'} SaaS backups in the last ${config.thresholds.saas_window_days} days`,
    detail: { failed: recent.filter((j) => j.status === 'failed').length, partial: recent.filter((j) => j.status !== 'failed').length, degraded_since: new Date(start).toISOString() },
    since: start + hold,
    fromChecks: [...ids],
  });
}

export function storage(ctx: DeviceContext): Condition[] {
  const { snap, config } = ctx;
  const f = snap.device.facts;
  const out: Condition[] = [];
  const since = f.updatedAt ?? ctx.now;
  if (f.storageUsedBytes !== null && f.storageQuotaBytes !== null && f.storageQuotaBytes > 0) {
    const used = (f.storageUsedBytes / f.storageQuotaBytes) * 100;
    if (used > config.thresholds.quota_percent) {
      out.push(
        deviceCond(ctx, {
          type: 'storage_quota',
          severity: baseSeverity(config, 'storage_quota', 'warning'),
          title: `${snap.device.name}: storage ${used.toFixed(1)} % of quota used`,
          detail: { used_bytes: f.storageUsedBytes, quota_bytes: f.storageQuotaBytes, used_percent: Number(used.toFixed(2)) },
          since,
        }),
      );
    }
  }
  if (f.freeSpacePercent !== null && f.freeSpacePercent < config.thresholds.free_space_percent && f.purgeable === false) {
    out.push(
      deviceCond(ctx, {
        type: 'purge_blocked',
        severity: baseSeverity(config, 'purge_blocked', 'warning'),
        title: `${snap.device.name}: ${f.freeSpacePercent} % free and nothing can be purged under retention`,
        detail: { free_space_percent: f.freeSpacePercent, purgeable: false },
        since,
      }),
    );
  }
  return out;
}

export function destructive(ctx: DeviceContext): Condition | null {
  const { snap, config } = ctx;
  const after = snap.destructiveAckedThrough ?? Number.NEGATIVE_INFINITY;
  const ops = snap.destructiveOps.filter((j) => DESTRUCTIVE_OPERATIONS.has(j.operation) && j.occurredAt > after);
  if (ops.length === 0) return null;
  const latest = ops[ops.length - 1]!;
  return deviceCond(ctx, {
    type: 'destructive_operation',
    severity: baseSeverity(config, 'destructive_operation', 'critical'),
    title: `${snap.device.name}: ${latest.operation === 'delete_backup_data' ? 'backup data deleted' : 'protection stopped and data deleted'}${ops.length > 1 ? ` (${ops.length} operations)` : ''}`,
    detail: {
      operations: ops.map((j) => ({ job_id: j.id, operation: j.operation, status: j.status, at: new Date(j.occurredAt).toISOString(), message: j.message })),
    },
    since: ops[0]!.occurredAt,
    coversUntil: latest.occurredAt,
  });
}

export function silent(ctx: DeviceContext): Condition | null {
  const { snap, config } = ctx;
  if (!ctx.hasReported) return null;
  const lastJob = snap.jobs.length > 0 ? snap.jobs[snap.jobs.length - 1]!.occurredAt : snap.lastBefore;
  const last = Math.max(lastJob ?? Number.NEGATIVE_INFINITY, snap.device.facts.updatedAt ?? Number.NEGATIVE_INFINITY);
  return fromLimit(ctx, last + config.thresholds.silent_days * DAY, () => ({
    type: 'device_silent',
    severity: baseSeverity(config, 'device_silent', 'warning'),
    title: `${snap.device.name}: silent for more than ${config.thresholds.silent_days} days`,
    detail: { last_seen_at: new Date(last).toISOString() },
  }));
}
