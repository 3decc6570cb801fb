// Job vocabulary: statuses, kinds, operations, the report the API takes and the NormalisedJob every
// source produces. Every source builds its jobs with buildJob (job-build.ts), where the defaults
// and limits live; the API's reports go through normaliseJob (job-report.ts) first.

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
    tags?: string[] | null;
  };
  check?: { name: string; kind?: CheckKind | null; tier?: CopyTier | null; tags?: string[] | null } | null;
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
  /** tags (normalised, domain/tags.ts): added to the device's; absent when the source gave none. */
  device: { name: string; class: DeviceClass; type: string; facts: DeviceFacts | null; tags?: string[] };
  /** null: a management operation on the device that belongs to no check. */
  check: { name: string; kind: CheckKind; tier: CopyTier | null; tags?: string[] } | null;
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
  /** The payload exactly as received (a report with its extra fields included), as JSON text. */
  raw: string;
  /** A reported time was ahead of the server's clock and was replaced by the received time
   * (sources that cannot be refused: e-mail, connectors; see clampFuture in job-build.ts). */
  clockSkew: boolean;
}

/** Natural key of a client, device or check name: trimmed, whitespace collapsed, lower case. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
