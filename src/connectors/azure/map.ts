// Azure Backup and Site Recovery payloads to normalised jobs, without I/O. Status, operation
// and reason mapping follow docs/azure.md; the raw payload is kept as the job's `raw`.
import type { HealthLevel, JobStatus, NormalisedJob, Operation, Reason } from '../../domain/job.js';
import { buildJob, type JobInput } from '../../domain/job-build.js';
import { azureTime, parseDuration, parseSize, type VaultRef } from './parse.js';

export const BACKUP_CHECK = 'Azure Backup';
export const REPLICATION_CHECK = 'Site Recovery';
export const VAULT_HEALTH_CHECK = 'Site Recovery vault health';

export interface AzureErrorDetail {
  errorCode?: unknown;
  errorString?: unknown;
  errorTitle?: unknown;
  recommendations?: unknown;
}

export interface AzureJob {
  id?: string;
  name?: string;
  properties?: {
    jobType?: string;
    entityFriendlyName?: string;
    backupManagementType?: string;
    operation?: string;
    status?: string;
    startTime?: string;
    endTime?: string;
    duration?: string;
    isUserTriggered?: boolean;
    errorDetails?: AzureErrorDetail[];
    extendedInfo?: { propertyBag?: Record<string, unknown>; dynamicErrorMessage?: string };
    [k: string]: unknown;
  };
}

/** Where a payload came from and where its jobs go. */
export interface MapContext {
  source: string;
  client: string;
  vault: VaultRef;
}

const STATUS: Record<string, JobStatus> = {
  completed: 'succeeded',
  completedwithwarnings: 'warning',
  failed: 'failed',
  cancelled: 'cancelled',
  inprogress: 'running',
  cancelling: 'running',
};

/** Azure's JobStatus; anything unknown (`Invalid`) is a failure, so it is seen. */
export function jobStatus(status: unknown): JobStatus {
  return STATUS[String(status ?? '').toLowerCase()] ?? 'failed';
}

const OPERATION: Record<string, Operation> = {
  backup: 'backup',
  restore: 'restore',
  crossregionrestore: 'restore',
  configurebackup: 'configure',
  undelete: 'configure',
  updatecustomermanagedkey: 'configure',
  register: 'register',
  unregister: 'unregister',
  disablebackup: 'stop_protection',
  deletebackupdata: 'delete_backup_data',
};

/**
 * Azure's JobOperationType. Stopping protection and deleting the data is usually recorded as a
 * DeleteBackupData job; a DisableBackup job counts as destructive too when its details say the
 * data was deleted (a property-bag entry about deletion that is not "false"/"no").
 */
export function jobOperation(job: AzureJob): Operation {
  const p = job.properties ?? {};
  const op = OPERATION[String(p.operation ?? '').toLowerCase()] ?? 'other';
  if (op === 'stop_protection' && saysDeleted(p.extendedInfo?.propertyBag)) return 'stop_protection_delete';
  return op;
}

function saysDeleted(bag: Record<string, unknown> | undefined): boolean {
  if (!bag) return false;
  return Object.entries(bag).some(([k, v]) => /delete/i.test(k) && !/^(false|no|0)$/i.test(String(v).trim()));
}

// Error codes and texts Azure Backup uses when the protected VM or data source is gone, and when
// a job could not run because another operation held the item.
const SOURCE_DELETED = [
  /\b(BCMV2VMNotFound|UserErrorBCMDatasourceNotPresent|UserErrorVmNotFound\w*|VMNotFound|UserErrorDatasourceNotFound|ResourceNotFound)\b/i,
  /\b(virtual machine|vm|resource|data ?source|item)\b[^.]*?\b(doesn'?t exist|does not exist|no longer exists?|not found|(?:was|has been) deleted)/i,
];
const CONCURRENT = [
  /\b(UserErrorAnotherOperationInProgress|AnotherOperationInProgress|UserErrorBackupOperationInProgress|BackupOperationInProgress|OperationInProgress)\b/i,
  /\banother (?:backup |restore )?(?:operation|job)\b[^.]*?\bin progress/i,
];

function errorText(job: AzureJob): string {
  const p = job.properties ?? {};
  const parts = (p.errorDetails ?? []).flatMap((e) => [e.errorCode, e.errorString, e.errorTitle]);
  parts.push(p.extendedInfo?.dynamicErrorMessage);
  return parts.filter((x) => x !== undefined && x !== null && x !== '').join(' | ');
}

export function jobReason(job: AzureJob, status: JobStatus): Reason | null {
  if (status === 'cancelled') return 'cancelled_by_user';
  if (status !== 'failed') return null;
  const text = errorText(job);
  if (SOURCE_DELETED.some((r) => r.test(text))) return 'source_deleted';
  if (CONCURRENT.some((r) => r.test(text))) return 'concurrent_job';
  return null;
}

/** The device type Keepwatch shows, from Azure's backup management type. */
export function deviceType(backupManagementType: unknown): string {
  switch (String(backupManagementType ?? '').toLowerCase()) {
    case 'azureworkload':
    case 'azuresql':
      return 'database';
    case 'azurestorage':
      return 'file_share';
    case 'mab':
    case 'dpm':
    case 'azurebackupserver':
      return 'server';
    default:
      return 'vm';
  }
}

/** A job's id within its source: Azure's job name (a GUID), lower-cased. */
export function jobExternalId(job: AzureJob): string | null {
  const name = job.name ?? job.id?.split('/').pop();
  return name ? name.toLowerCase() : null;
}

function message(job: AzureJob): { message: string | null; errorCode: string | null; log: string | null } {
  const details = job.properties?.errorDetails ?? [];
  const texts = details.map((e) => String(e.errorString ?? e.errorTitle ?? '')).filter((s) => s !== '');
  const dynamic = job.properties?.extendedInfo?.dynamicErrorMessage;
  if (dynamic) texts.push(dynamic);
  const code = details.find((e) => e.errorCode !== undefined && e.errorCode !== null)?.errorCode;
  const recs = details.flatMap((e) => (Array.isArray(e.recommendations) ? e.recommendations.map(String) : []));
  return {
    message: texts.length > 0 ? texts.join('; ') : null,
    errorCode: code === undefined ? null : String(code),
    log: recs.length > 0 ? `Recommendations:\n${recs.map((r) => `- ${r}`).join('\n')}` : null,
  };
}

/** One backup job; null when it names no protected entity or has no id (it could not be deduplicated). */
export function mapJob(job: AzureJob, ctx: MapContext): NormalisedJob | null {
  const p = job.properties ?? {};
  const externalId = jobExternalId(job);
  const device = typeof p.entityFriendlyName === 'string' ? p.entityFriendlyName.trim() : '';
  if (externalId === null || device === '') return null;
  const status = jobStatus(p.status);
  const operation = jobOperation(job);
  const startedAt = azureTime(p.startTime);
  const duration = parseDuration(p.duration);
  let endedAt = status === 'running' ? null : azureTime(p.endTime);
  if (endedAt === null && status !== 'running' && startedAt !== null && duration !== null) endedAt = startedAt + duration;
  const bag = p.extendedInfo?.propertyBag;
  return buildJob({
    source: ctx.source,
    externalId,
    clientName: ctx.client,
    device: { name: device, type: deviceType(p.backupManagementType) },
    check: operation === 'backup' ? { name: BACKUP_CHECK, kind: 'backup' } : null,
    status,
    rawStatus: String(p.status ?? 'unknown'),
    operation,
    trigger: p.isUserTriggered === true ? 'manual' : 'scheduled',
    startedAt,
    endedAt,
    // Azure's own duration when it gives one; a running job has none yet.
    durationMs: status === 'running' ? null : (duration ?? undefined),
    bytes: bag ? parseSize(bag['Backup Size']) : null,
    ...message(job),
    reason: jobReason(job, status),
    raw: job,
  });
}

/** What Keepwatch knows of a record it makes itself: a job input with one time, `at`. */
export type RecordInput = Omit<JobInput, 'source' | 'clientName' | 'startedAt' | 'endedAt' | 'durationMs'> & { externalId: string; at: number | null };

/** A job for records Keepwatch makes itself (protected items, Site Recovery health). */
export function recordJob(ctx: MapContext, { at, ...r }: RecordInput): NormalisedJob {
  return buildJob({
    ...r,
    source: ctx.source,
    clientName: ctx.client,
    startedAt: at,
    endedAt: r.status === 'running' || r.status === 'skipped' ? null : at,
    durationMs: null,
  });
}

/** Site Recovery's health strings (`Normal`, `Warning`, `Critical`); `None` or absent: unknown. */
export function healthLevel(value: unknown): HealthLevel | null {
  switch (String(value ?? '').toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'warning':
      return 'warning';
    case 'critical':
      return 'critical';
    default:
      return null;
  }
}

/** The worse of two levels (null counts as unknown, better than anything reported). */
export function worse(a: HealthLevel | null, b: HealthLevel | null): HealthLevel | null {
  const rank = (l: HealthLevel | null) => (l === null ? -1 : ['normal', 'warning', 'critical'].indexOf(l));
  return rank(a) >= rank(b) ? a : b;
}
