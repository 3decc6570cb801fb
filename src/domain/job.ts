// Job vocabulary and normalisation: every source's report becomes one NormalisedJob.
import { ValidationError, type FieldProblem } from './errors.js';

export const JOB_STATUSES = ['succeeded', 'warning', 'partial', 'failed', 'cancelled', 'skipped', 'running'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const CHECK_KINDS = ['backup', 'copy', 'replication', 'verification', 'saas_backup'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const COPY_TIERS = ['hot', 'cold'] as const;
export type CopyTier = (typeof COPY_TIERS)[number];

export const DEVICE_CLASSES = ['server', 'workstation', 'saas'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const OPERATIONS = [
  'backup',
  'copy',
  'replication',
  'verification',
  'restore',
  'configure',
  'register',
  'unregister',
  'delete_backup_data',
  'stop_protection',
  'stop_protection_delete',
  'other',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const DESTRUCTIVE_OPERATIONS: ReadonlySet<Operation> = new Set(['delete_backup_data', 'stop_protection_delete']);

export const TRIGGERS = ['scheduled', 'manual'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const REASONS = ['cancelled_by_user', 'concurrent_job', 'source_deleted'] as const;
export type Reason = (typeof REASONS)[number];

export const HEALTH_LEVELS = ['normal', 'warning', 'critical'] as const;
export type HealthLevel = (typeof HEALTH_LEVELS)[number];

export function isGood(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'warning';
}

export function isFinished(status: JobStatus): boolean {
  return status !== 'running';
}

/** A job as a source reports it (SPEC §8 payload). Times are ISO-8601 strings. */
export interface JobReport {
  source: string;
  external_id?: string | null;
  client?: string | null;
  device: {
    name: string;
    class?: DeviceClass | null;
    type?: string | null;
    storage_used_bytes?: number | null;
    storage_quota_bytes?: number | null;
    free_space_percent?: number | null;
    purgeable?: boolean | null;
  };
  check?: { name: string; kind?: CheckKind | null; tier?: CopyTier | null } | null;
  status: JobStatus;
  raw_status?: string | null;
  operation?: Operation | null;
  trigger?: Trigger | null;
  started_at?: string | null;
  ended_at?: string | null;
  duration_seconds?: number | null;
  bytes?: number | null;
  message?: string | null;
  error_code?: string | null;
  reason?: Reason | null;
  health?: { replication?: HealthLevel | null; failover?: HealthLevel | null } | null;
  log?: string | null;
  [extra: string]: unknown;
}

export interface DeviceFacts {
  storageUsedBytes: number | null;
  storageQuotaBytes: number | null;
  freeSpacePercent: number | null;
  purgeable: boolean | null;
}

export interface NormalisedJob {
  source: string;
  /** null: the source gave no id; a fresh one is assigned and the job is never deduplicated. */
  externalId: string | null;
  clientName: string | null;
  device: { name: string; class: DeviceClass; type: string; facts: DeviceFacts | null };
  /** null: a management operation on the device that belongs to no check. */
  check: { name: string; kind: CheckKind; tier: CopyTier | null } | null;
  status: JobStatus;
  rawStatus: string;
  operation: Operation;
  trigger: Trigger;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  bytes: number | null;
  message: string | null;
  errorCode: string | null;
  reason: Reason | null;
  healthReplication: HealthLevel | null;
  healthFailover: HealthLevel | null;
  log: string | null;
  /** The report exactly as received (extra fields included), as JSON text. */
  raw: string;
}

const DEFAULT_CHECK_BY_OPERATION: Partial<Record<Operation, { name: string; kind: CheckKind }>> = {
  backup: { name: 'Backup', kind: 'backup' },
  copy: { name: 'Backup copy', kind: 'copy' },
  replication: { name: 'Replication', kind: 'replication' },
  verification: { name: 'Restore test', kind: 'verification' },
};

const KIND_BY_OPERATION: Partial<Record<Operation, CheckKind>> = {
  copy: 'copy',
  replication: 'replication',
  verification: 'verification',
};

export const MAX_NAME_LENGTH = 200;

/** Natural key of a client, device or check name: trimmed, whitespace collapsed, lower case. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

function cleanName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

function time(value: string | null | undefined, field: string, problems: FieldProblem[]): number | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    problems.push({ field, message: 'must be an ISO-8601 date-time' });
    return null;
  }
  return ms;
}

function facts(device: JobReport['device']): DeviceFacts | null {
  const f: DeviceFacts = {
    storageUsedBytes: device.storage_used_bytes ?? null,
    storageQuotaBytes: device.storage_quota_bytes ?? null,
    freeSpacePercent: device.free_space_percent ?? null,
    purgeable: device.purgeable ?? null,
  };
  return Object.values(f).every((v) => v === null) ? null : f;
}

function resolveCheck(report: JobReport, operation: Operation): NormalisedJob['check'] {
  if (report.check) {
    const kind = report.check.kind ?? KIND_BY_OPERATION[operation] ?? 'backup';
    return { name: cleanName(report.check.name), kind, tier: kind === 'copy' ? (report.check.tier ?? 'hot') : null };
  }
  const fallback = DEFAULT_CHECK_BY_OPERATION[operation];
  return fallback ? { ...fallback, tier: fallback.kind === 'copy' ? 'hot' : null } : null;
}

/**
 * Turns a validated report into a NormalisedJob. `path` prefixes field names in errors
 * (`jobs[3]`). Shape and enum checks happen at the edge; this checks what a schema cannot.
 */
export function normaliseJob(report: JobReport, path = ''): NormalisedJob {
  const problems: FieldProblem[] = [];
  const at = (f: string) => (path ? `${path}.${f}` : f);
  const startedAt = time(report.started_at, at('started_at'), problems);
  const endedAt = time(report.ended_at, at('ended_at'), problems);
  if (startedAt !== null && endedAt !== null && endedAt < startedAt) {
    problems.push({ field: at('ended_at'), message: 'must not be before started_at' });
  }
  for (const [field, value] of [
    ['source', report.source],
    ['device.name', report.device.name],
    ['check.name', report.check?.name],
  ] as const) {
    if (value !== undefined && cleanName(value) === '') problems.push({ field: at(field), message: 'must not be blank' });
  }
  if (report.client !== undefined && report.client !== null && cleanName(report.client) === '') {
    problems.push({ field: at('client'), message: 'must not be blank' });
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const operation = report.operation ?? 'backup';
  const durationMs =
    report.duration_seconds != null
      ? Math.round(report.duration_seconds * 1000)
      : startedAt !== null && endedAt !== null
        ? endedAt - startedAt
        : null;
  return {
    source: report.source.trim(),
    externalId: report.external_id ?? null,
    clientName: report.client ? cleanName(report.client) : null,
    device: {
      name: cleanName(report.device.name),
      class: report.device.class ?? 'server',
      type: report.device.type ?? report.device.class ?? 'server',
      facts: facts(report.device),
    },
    check: resolveCheck(report, operation),
    status: report.status,
    rawStatus: report.raw_status ?? report.status,
    operation,
    trigger: report.trigger ?? 'scheduled',
    startedAt,
    endedAt,
    durationMs,
    bytes: report.bytes ?? null,
    message: report.message ?? null,
    errorCode: report.error_code ?? null,
    reason: report.reason ?? null,
    healthReplication: report.health?.replication ?? null,
    healthFailover: report.health?.failover ?? null,
    log: report.log ?? null,
    raw: JSON.stringify(report),
  };
}
