// evaluateDevice: the whole truth about one device, as a pure function of its snapshot, the
// configuration and now. The same inputs always give the same result, so a history backfilled at
// once and the same history received job by job end in the same alerts.
import { type Condition, type DeviceSnapshot, endOf, type HistoryJob, relevantFinished } from './history.js';
import { type CheckContext, type CheckEvaluation, evaluateAnomaly, evaluateOutcome, evaluateSchedule } from './rules/checks.js';
import { evaluateRunTooLong } from './rules/run-too-long.js';
import { backupOverdue, copyOverdue, type DeviceContext, destructive, saasDegraded, saasOverdue, silent, storage } from './rules/device.js';
import { type Inhibition, inhibit } from './inhibit.js';
import { type DeviceStatus, healthScore, type Score } from './score.js';
import type { AlertType, EngineConfig } from './settings.js';
import { activeAt, appliesTo, lastEndBefore, type MaintenanceWindow, nextBoundary } from './windows.js';
import { getOrCreate } from '../lib/maps.js';

const DAY = 86_400_000;

export interface DeviceEvaluation {
  status: DeviceStatus;
  score: Score;
  retiredAt: number | null;
  lastJobAt: number | null;
  lastGoodAt: number | null;
  /** Meets its SLA now; null when no SLA applies (retired, or nothing that backs up). */
  compliant: boolean | null;
  checks: CheckEvaluation[];
  /** Every condition that holds (categories, windows and broken integrations applied). */
  conditions: Condition[];
  /** The conditions to hold alerts for: `conditions` less those a stronger one already says (domain/inhibit.ts). */
  alerts: Condition[];
  /** The conditions held back by inhibition, each with the condition that says it. */
  inhibited: Inhibition[];
  /** The earliest moment after now when the answer can change without a new job. */
  nextEvalAt: number | null;
}

/** Alerts a broken integration causes rather than the device: held back while it is broken (a run's
 * end that cannot be fetched is a run_too_long of the integration's making). */
const SCHEDULE_TYPES: ReadonlySet<AlertType> = new Set(['missed_schedule', 'backup_overdue', 'copy_overdue', 'saas_overdue', 'device_silent', 'run_too_long']);

function groupByCheck(jobs: HistoryJob[]): Map<string, HistoryJob[]> {
  const by = new Map<string, HistoryJob[]>();
  for (const j of jobs) {
    if (j.checkId === null) continue;
    const list = getOrCreate(by, j.checkId, () => []);
    list.push(j);
  }
  return by;
}

/** The device is retired when its latest finished job failed because the protected resource is gone. */
function retiredAt(jobs: HistoryJob[]): number | null {
  for (let i = jobs.length - 1; i >= 0; i--) {
    const j = jobs[i]!;
    if (j.status === 'running') continue;
    return j.reason === 'source_deleted' ? j.occurredAt : null;
  }
  return null;
}

function windowsFor(snap: DeviceSnapshot, checkId: string | null): MaintenanceWindow[] {
  const target = { clientId: snap.device.clientId, deviceId: snap.device.id, checkId };
  return snap.windows.filter((w) => (checkId === null ? w.scope !== 'check' : true) && appliesTo(w, target));
}

/**
 * "First seen" comes from the history, not from when a row was inserted: a device whose history
 * is backfilled today was first seen at its oldest job, as it would have been live.
 */
function firstSeenFromHistory(snap: DeviceSnapshot): DeviceSnapshot {
  const older = snap.lastBefore !== null || snap.goodBefore.size > 0 ? snap.windowStart : Number.POSITIVE_INFINITY;
  const first = new Map<string, number>();
  let deviceFirst = Math.min(snap.device.createdAt, older);
  for (const j of snap.jobs) {
    deviceFirst = Math.min(deviceFirst, j.occurredAt);
    if (j.checkId !== null && !first.has(j.checkId)) first.set(j.checkId, j.occurredAt);
  }
  return {
    ...snap,
    device: { ...snap.device, createdAt: deviceFirst },
    checks: snap.checks.map((c) => ({
      ...c,
      createdAt: Math.min(c.createdAt, first.get(c.id) ?? Number.POSITIVE_INFINITY, snap.goodBefore.has(c.id) ? snap.windowStart : Number.POSITIVE_INFINITY),
    })),
  };
}

export function evaluateDevice(input: DeviceSnapshot, config: EngineConfig, now: number): DeviceEvaluation {
  const snap = firstSeenFromHistory(input);
  const deadlines: number[] = [];
  const byCheck = groupByCheck(snap.jobs);
  const deviceWindows = windowsFor(snap, null);
  const conditions: Condition[] = [];
  const checkEvals = new Map<string, CheckEvaluation>();

  for (const check of snap.checks) {
    const ctx: CheckContext = {
      check,
      jobs: byCheck.get(check.id) ?? [],
      goodBefore: snap.goodBefore.get(check.id),
      restartAt: lastEndBefore(windowsFor(snap, check.id), now),
      config,
      now,
    };
    const { evaluation, missed } = evaluateSchedule(ctx, deadlines);
    checkEvals.set(check.id, evaluation);
    if (check.paused) continue;
    if (missed) conditions.push(missed);
    conditions.push(...evaluateOutcome(ctx));
    const anomaly = evaluateAnomaly(ctx);
    if (anomaly) conditions.push(anomaly);
    const tooLong = evaluateRunTooLong(check, ctx.jobs, config, now, deadlines);
    if (tooLong) conditions.push(tooLong);
  }

  const hasReported = snap.jobs.length > 0 || snap.lastBefore !== null;
  const dctx: DeviceContext = { snap, config, now, byCheck, checkEvals, restartAt: lastEndBefore(deviceWindows, now), hasReported, deadlines };
  const backup = backupOverdue(dctx);
  for (const c of [backup, ...copyOverdue(dctx), saasOverdue(dctx), saasDegraded(dctx), ...storage(dctx), destructive(dctx), silent(dctx)]) {
    if (c) conditions.push(c);
  }

  const retired = snap.device.retiredManuallyAt ?? retiredAt(snap.jobs);
  const protecting = snap.checks.filter((c) => c.kind !== 'verification' && !c.paused);
  const protectingIds = new Set(protecting.map((c) => c.id));
  const backupKinds = snap.checks.filter((c) => c.kind === (snap.device.class === 'saas' ? 'saas_backup' : 'backup'));
  const restoreJobs = relevantFinished(snap.jobs.filter((j) => snap.checks.some((c) => c.id === j.checkId && c.kind === 'verification' && !c.paused)));
  const slaBreached = backup !== null || conditions.some((c) => c.type === 'saas_overdue');
  const score = healthScore({
    hasReported,
    protecting: protecting.map((c) => checkEvals.get(c.id)!),
    recentJobs: relevantFinished(snap.jobs.filter((j) => j.checkId !== null && protectingIds.has(j.checkId) && endOf(j) > now - 7 * DAY)),
    lastRestoreTest: restoreJobs[restoreJobs.length - 1] ?? null,
    facts: snap.device.facts,
    slaBreached,
    storageWarnings: conditions.filter((c) => c.type === 'storage_quota' || c.type === 'purge_blocked').map((c) => c.title.replace(`${snap.device.name}: `, '')),
    now,
  });
  // Jobs leaving the 7-day window change the success rate.
  const oldestRecent = snap.jobs.find((j) => endOf(j) > now - 7 * DAY);
  if (oldestRecent) deadlines.push(endOf(oldestRecent) + 7 * DAY);

  // A retired device raises nothing — except the deletion of its backup data, which matters most
  // exactly when the resource is gone.
  const kept = retired !== null ? conditions.filter((c) => c.type === 'destructive_operation') : conditions;
  const finalConditions = decorate(kept, snap, config, now);
  const { raise, inhibited } = inhibit(finalConditions);
  const boundary = nextBoundary(snap.windows, now);
  if (boundary !== null) deadlines.push(boundary);
  const future = deadlines.filter((d) => d > now);
  const lastGoodAts = [...checkEvals.values()].map((c) => c.lastGoodAt).filter((t): t is number => t !== null);
  return {
    status: retired !== null ? 'retired' : score.status,
    score,
    retiredAt: retired,
    lastJobAt: snap.jobs.length > 0 ? snap.jobs[snap.jobs.length - 1]!.occurredAt : snap.lastBefore,
    lastGoodAt: lastGoodAts.length > 0 ? Math.max(...lastGoodAts) : null,
    compliant: retired !== null || backupKinds.length === 0 ? null : hasReported && !slaBreached,
    checks: [...checkEvals.values()],
    conditions: finalConditions,
    alerts: raise,
    inhibited,
    nextEvalAt: future.length > 0 ? Math.min(...future) : null,
  };
}

/** Applies categories, maintenance windows (suppressed) and broken integrations (inhibited). */
function decorate(conditions: Condition[], snap: DeviceSnapshot, config: EngineConfig, now: number): Condition[] {
  const out: Condition[] = [];
  const lastSourceOf = (checkId: string | null): string | null => {
    for (let i = snap.jobs.length - 1; i >= 0; i--) {
      const j = snap.jobs[i]!;
      if (checkId === null || j.checkId === checkId) return j.source;
    }
    return null;
  };
  for (const c of conditions) {
    if (!config.categories[c.type]) continue;
    const suppressed =
      activeAt(windowsFor(snap, c.checkId), now) !== null ||
      (c.fromChecks !== undefined && c.fromChecks.length > 0 && c.fromChecks.every((id) => activeAt(windowsFor(snap, id), now) !== null));
    let inhibitedBy: string | null = null;
    if (SCHEDULE_TYPES.has(c.type)) {
      const source = lastSourceOf(c.checkId);
      inhibitedBy = source === null ? null : (snap.brokenSources.get(source) ?? null);
    }
    out.push({ ...c, suppressed, inhibitedBy });
  }
  return out;
}

