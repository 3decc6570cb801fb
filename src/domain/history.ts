// What the engine knows about a device: its checks, its recent jobs and its facts. Everything the
// rules decide is a function of this snapshot, the configuration and `now`.
import type { CheckKind, CopyTier, DeviceClass, HealthLevel, JobStatus, Operation, Reason } from './job.js';
import type { Schedule } from './schedule.js';
import type { AlertType, Severity } from './settings.js';
import type { MaintenanceWindow } from './windows.js';

export interface HistoryJob {
  id: string;
  checkId: string | null;
  source: string;
  status: JobStatus;
  operation: Operation;
  reason: Reason | null;
  startedAt: number | null;
  endedAt: number | null;
  occurredAt: number;
  durationMs: number | null;
  bytes: number | null;
  message: string | null;
  errorCode: string | null;
  healthReplication: HealthLevel | null;
  healthFailover: HealthLevel | null;
}

export interface CheckInfo {
  id: string;
  name: string;
  kind: CheckKind;
  tier: CopyTier | null;
  /** A schedule a user set; null when none (then one is learned from the history). */
  schedule: Schedule | null;
  graceMs: number | null;
  /** run_too_long: a started run may take this long before it alerts; null or absent: no limit. */
  maxRuntimeMs?: number | null;
  paused: boolean;
  createdAt: number;
}

export interface DeviceFactsInfo {
  storageUsedBytes: number | null;
  storageQuotaBytes: number | null;
  freeSpacePercent: number | null;
  purgeable: boolean | null;
  updatedAt: number | null;
}

export interface DeviceInfo {
  id: string;
  clientId: string;
  name: string;
  class: DeviceClass;
  type: string;
  createdAt: number;
  /** Retired by a person: evaluated as retired whatever its jobs say. */
  retiredManuallyAt?: number | null;
  facts: DeviceFactsInfo;
}

export interface DeviceSnapshot {
  device: DeviceInfo;
  checks: CheckInfo[];
  /**
   * The device's jobs with occurredAt ≥ windowStart, oldest first — plus, for checks that need a
   * longer memory (learning a schedule, judging sizes) and run rarely, their older jobs.
   */
  jobs: HistoryJob[];
  windowStart: number;
  /** Every destructive operation of the device, whatever its age (rare, and it must not be missed). */
  destructiveOps: HistoryJob[];
  /** For checks with no good job inside the window: the end (and start) of the last good one before it. */
  goodBefore: Map<string, { endedAt: number; startedAt: number }>;
  /** The device's jobs before the window, if any (for device_silent and "has reported before"). */
  lastBefore: number | null;
  /** Maintenance windows and snoozes on the device's client, the device, or its checks. */
  windows: MaintenanceWindow[];
  /** Sources whose integration is broken (open auth or quota alert), with the integration id. */
  brokenSources: Map<string, string>;
  /** Destructive operations up to this time were acknowledged already. */
  destructiveAckedThrough: number | null;
}

export interface Condition {
  type: AlertType;
  scope: 'check' | 'device' | 'integration';
  scopeId: string;
  checkId: string | null;
  severity: Severity;
  title: string;
  detail: Record<string, unknown>;
  /** When the condition began, according to the history. */
  since: number;
  /** Held back by a maintenance window or snooze. */
  suppressed: boolean;
  /** Held back because the integration feeding it is broken. */
  inhibitedBy: string | null;
  /** destructive_operation: the newest operation it covers. */
  coversUntil?: number;
  /** A device condition drawn from these checks: snoozing all of them holds it back too. */
  fromChecks?: string[];
}

// ---- helpers over a check's or a device's jobs ---------------------------------------------

/** Jobs that never alert: cancelled by a user, or skipped because another run was in progress. */
export function isExcused(j: HistoryJob): boolean {
  return j.reason === 'cancelled_by_user' || j.reason === 'concurrent_job';
}

export function isGoodJob(j: HistoryJob): boolean {
  return j.status === 'succeeded' || j.status === 'warning';
}

/** A failure for alerting: failed, partial, or cancelled by something other than a user. */
export function isFailureJob(j: HistoryJob): boolean {
  return j.status === 'failed' || j.status === 'partial' || (j.status === 'cancelled' && j.reason === null);
}

export function endOf(j: HistoryJob): number {
  return j.endedAt ?? j.occurredAt;
}

export function startOf(j: HistoryJob): number {
  return j.startedAt ?? j.occurredAt;
}

/** Finished jobs that count for alerting, oldest first. */
export function relevantFinished(jobs: HistoryJob[]): HistoryJob[] {
  return jobs.filter((j) => j.status !== 'running' && !isExcused(j) && j.status !== 'skipped' && j.reason !== 'source_deleted');
}

/** Consecutive failures at the end of a history (neutral jobs neither count nor break the run). */
export function consecutiveFailures(relevant: HistoryJob[]): number {
  let n = 0;
  for (let i = relevant.length - 1; i >= 0; i--) {
    const j = relevant[i]!;
    if (isGoodJob(j)) break;
    if (isFailureJob(j)) n++;
  }
  return n;
}

export function lastGood(jobs: HistoryJob[]): HistoryJob | null {
  for (let i = jobs.length - 1; i >= 0; i--) if (isGoodJob(jobs[i]!)) return jobs[i]!;
  return null;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
