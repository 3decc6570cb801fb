// Builders for the engine's domain tests: devices, checks, jobs and snapshots with defaults, so a
// test reads like a scenario. Fixed epoch times only (never Date.now()).
import { type DeviceEvaluation, evaluateDevice } from './evaluate.js';
import type { CheckInfo, Condition, DeviceInfo, DeviceSnapshot, HistoryJob } from './history.js';
import { DESTRUCTIVE_OPERATIONS } from './job.js';
import type { Schedule } from './schedule.js';
import { type AlertType, DEFAULT_CONFIG, type EngineConfig } from './settings.js';
import type { MaintenanceWindow } from './windows.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const MB = 1_000_000;

/** The start of every scenario unless a test says otherwise: devices and checks are first seen here. */
export const T0 = Date.parse('2026-11-01T00:00:00Z');

export const at = (iso: string): number => Date.parse(iso);
export const iso = (t: number): string => new Date(t).toISOString();

export const every = (hours: number): Schedule => ({ type: 'interval', intervalMs: hours * HOUR });
export const cron = (pattern: string, tz = 'UTC'): Schedule => ({ type: 'cron', cron: pattern, tz });

export function device(overrides: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    id: 'dev-1',
    clientId: 'client-1',
    name: 'SRV01',
    class: 'server',
    type: 'server',
    createdAt: T0,
    facts: { storageUsedBytes: null, storageQuotaBytes: null, freeSpacePercent: null, purgeable: null, updatedAt: null },
    ...overrides,
  };
}

export function check(overrides: Partial<CheckInfo> = {}): CheckInfo {
  const kind = overrides.kind ?? 'backup';
  return {
    id: 'chk-backup',
    name: 'Nightly',
    kind,
    tier: kind === 'copy' ? 'hot' : null,
    schedule: null,
    graceMs: null,
    paused: false,
    createdAt: T0,
    ...overrides,
  };
}

let jobSeq = 0;

export interface JobSpec extends Partial<HistoryJob> {
  /** When the job ended (or, for a running job, started). Sets endedAt/startedAt/occurredAt. */
  at?: number;
}

/**
 * A job of a check. `at` is when it finished; it started `durationMs` (default 10 min) earlier.
 * A running job started at `at` and has no end.
 */
export function job(spec: JobSpec = {}): HistoryJob {
  const { at: when = T0 + HOUR, ...rest } = spec;
  const status = rest.status ?? 'succeeded';
  const durationMs = rest.durationMs !== undefined ? rest.durationMs : 10 * MINUTE;
  const running = status === 'running';
  const endedAt = running ? null : when;
  const startedAt = running ? when : when - (durationMs ?? 0);
  return {
    id: `job-${++jobSeq}`,
    checkId: 'chk-backup',
    source: 'veeam',
    status,
    operation: 'backup',
    reason: null,
    startedAt,
    endedAt,
    occurredAt: endedAt ?? startedAt,
    durationMs: running ? null : durationMs,
    bytes: 100_000_000,
    message: null,
    errorCode: null,
    healthReplication: null,
    healthFailover: null,
    ...rest,
  };
}

/** `n` good runs of a check, one every `everyMs`, the first ending at `first`. */
export function series(n: number, first: number, everyMs: number, spec: JobSpec = {}): HistoryJob[] {
  return Array.from({ length: n }, (_, i) => job({ ...spec, at: first + i * everyMs }));
}

export function oneOffWindow(overrides: Partial<MaintenanceWindow> & { startsAt: number; endsAt: number }): MaintenanceWindow {
  return { id: 'win-1', scope: 'device', scopeId: 'dev-1', kind: 'maintenance', cron: null, tz: null, durationMs: null, ...overrides };
}

export function recurringWindow(overrides: Partial<MaintenanceWindow> & { cron: string; durationMs: number }): MaintenanceWindow {
  return { id: 'win-r', scope: 'device', scopeId: 'dev-1', kind: 'maintenance', startsAt: null, endsAt: null, tz: 'UTC', ...overrides };
}

export interface SnapshotSpec extends Partial<Omit<DeviceSnapshot, 'device'>> {
  device?: Partial<DeviceInfo>;
}

/** A device snapshot; jobs are put oldest first as the engine expects. */
export function snapshot(spec: SnapshotSpec = {}): DeviceSnapshot {
  const { device: d, jobs = [], checks = [check()], ...rest } = spec;
  const sorted = [...jobs].sort((a, b) => a.occurredAt - b.occurredAt);
  return {
    device: device(d),
    checks,
    jobs: sorted,
    // As the service loads them: every destructive operation, whatever its age.
    destructiveOps: sorted.filter((j) => DESTRUCTIVE_OPERATIONS.has(j.operation)),
    windowStart: T0 - 45 * DAY,
    goodBefore: new Map(),
    lastBefore: null,
    windows: [],
    brokenSources: new Map(),
    destructiveAckedThrough: null,
    ...rest,
  };
}

export function evaluate(snap: DeviceSnapshot, now: number, config: EngineConfig = DEFAULT_CONFIG): DeviceEvaluation {
  return evaluateDevice(snap, config, now);
}

/** The alert types of an evaluation's conditions, sorted. */
export function typesOf(e: DeviceEvaluation): AlertType[] {
  return e.conditions.map((c) => c.type).sort();
}

export function conditionOf(e: DeviceEvaluation, type: AlertType, scopeId?: string): Condition | undefined {
  return e.conditions.find((c) => c.type === type && (scopeId === undefined || c.scopeId === scopeId));
}

export function checkEval(e: DeviceEvaluation, id = 'chk-backup') {
  const c = e.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no evaluation for check ${id}`);
  return c;
}
