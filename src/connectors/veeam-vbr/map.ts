// Veeam Backup & Replication payloads to normalised jobs, without I/O (docs/connectors/veeam-vbr.md).
// A job session's task sessions (one per machine it processed) become one job each, on the
// machine's device and the job's check; a session with no task session becomes one job on the
// backup server itself. Repository states become the facts of one device per repository.
import type { CheckKind, DeviceClass, DeviceFacts, JobStatus, NormalisedJob, Operation } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';

/** SessionResultModel. */
export interface VbrResult {
  result?: string | null;
  message?: string | null;
  isCanceled?: boolean | null;
}

/** SessionModel (`jobId`, `platformName` and `initiatedBy` from API 1.2 on). */
export interface VbrSession {
  id: string;
  name?: string;
  jobId?: string | null;
  sessionType?: string;
  creationTime?: string;
  endTime?: string | null;
  state?: string;
  progressPercent?: number;
  result?: VbrResult | null;
  platformName?: string | null;
  [k: string]: unknown;
}

/** BackupTaskSessionModel / ReplicaTaskSessionModel: one machine of a session. */
export interface VbrTaskSession {
  id: string;
  type?: string;
  sessionId?: string;
  sessionType?: string;
  name?: string;
  creationTime?: string;
  endTime?: string | null;
  state?: string;
  result?: VbrResult | null;
  repositoryId?: string | null;
  progress?: { duration?: string; processedSize?: number | null; readSize?: number | null; transferredSize?: number | null } | null;
  [k: string]: unknown;
}

/** RepositoryStateModel. */
export interface VbrRepositoryState {
  id: string;
  name?: string;
  type?: string;
  hostName?: string;
  path?: string;
  capacityGB?: number;
  freeGB?: number;
  usedSpaceGB?: number;
}

export interface MapContext {
  source: string;
  client: string;
  /** The backup server's host name (the URL's): the device of server-level sessions. */
  server: string;
}

export const CONFIGURATION_BACKUP_CHECK = 'Configuration backup';

interface SessionKind {
  kind: CheckKind;
  operation: Operation;
}

/**
 * What a session type records. API 1.1 calls every job session `Job`; later revisions name the
 * job type (`BackupJob`, `ReplicaJob`, backup copy and SureBackup job types). Restores,
 * infrastructure and maintenance sessions are not backups: null.
 */
export function sessionKind(sessionType: unknown): SessionKind | null {
  const t = String(sessionType ?? '').toLowerCase();
  if (t === 'configurationbackup') return { kind: 'backup', operation: 'backup' };
  if (t.includes('surebackup')) return { kind: 'verification', operation: 'verification' };
  if (t.includes('copy')) return { kind: 'copy', operation: 'copy' };
  if (t.includes('replica')) return { kind: 'replication', operation: 'replication' };
  if (t === 'job' || t.endsWith('backupjob') || t === 'backup' || t.endsWith('agentbackup')) return { kind: 'backup', operation: 'backup' };
  return null;
}

/** ESessionState and ESessionResult: anything but `Stopped` is still running. */
export function vbrStatus(state: unknown, result: VbrResult | null | undefined): JobStatus {
  if (String(state ?? '').toLowerCase() !== 'stopped') return 'running';
  if (result?.isCanceled === true) return 'cancelled';
  switch (String(result?.result ?? '').toLowerCase()) {
    case 'success':
      return 'succeeded';
    case 'warning':
      return 'warning';
    default:
      // `Failed`, and `None` on a stopped session: seen as a failure.
      return 'failed';
  }
}

/** The raw status kept with the job: the result once stopped, else the state. */
export function vbrRawStatus(state: unknown, result: VbrResult | null | undefined): string {
  if (String(state ?? '').toLowerCase() !== 'stopped') return String(state ?? 'unknown');
  const r = String(result?.result ?? 'None');
  return result?.isCanceled === true ? `${r} (canceled)` : r;
}

/** EPlatformType → device class and type. */
export function deviceOf(platform: unknown): { class: DeviceClass; type: string } {
  switch (String(platform ?? '').toLowerCase()) {
    case 'windowsphysical':
    case 'linuxphysical':
    case 'linuxphysicalppc':
      return { class: 'server', type: 'physical' };
    case 'unstructureddata':
      return { class: 'server', type: 'file_share' };
    case 'mongodb':
      return { class: 'server', type: 'database' };
    default:
      // VMware, HyperV, CloudDirector, Nutanix, Proxmox, AWSEC2, AzureCompute, GCE; and API 1.1, which does not say.
      return { class: 'server', type: 'vm' };
  }
}

const time = (s: unknown): number | null => {
  if (typeof s !== 'string' || s === '') return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
};

const text = (s: unknown): string | null => (typeof s === 'string' && s.trim() !== '' ? s.trim() : null);

function common(status: JobStatus, start: unknown, end: unknown) {
  return {
    startedAt: time(start),
    endedAt: status === 'running' ? null : time(end),
    durationMs: status === 'running' ? null : undefined,
    reason: status === 'cancelled' ? ('cancelled_by_user' as const) : null,
  };
}

/** One machine of a job session. Null without a name or id (it could not be deduplicated). */
export function mapTask(task: VbrTaskSession, session: VbrSession, ctx: MapContext): NormalisedJob | null {
  const kind = sessionKind(session.sessionType ?? task.sessionType);
  const device = text(task.name);
  if (!kind || !device || typeof task.id !== 'string' || task.id === '') return null;
  const status = vbrStatus(task.state, task.result);
  const transferred = task.progress?.transferredSize;
  return buildJob({
    source: ctx.source,
    externalId: `task:${task.id.toLowerCase()}`,
    clientName: ctx.client,
    device: { name: device, ...deviceOf(session.platformName) },
    check: { name: text(session.name) ?? 'Veeam job', kind: kind.kind },
    status,
    rawStatus: vbrRawStatus(task.state, task.result),
    operation: kind.operation,
    ...common(status, task.creationTime ?? session.creationTime, task.endTime),
    bytes: typeof transferred === 'number' && transferred >= 0 && status !== 'running' ? transferred : null,
    message: text(task.result?.message) ?? (status === 'failed' || status === 'warning' ? text(session.result?.message) : null),
    raw: { session, taskSession: task },
  });
}

/** A session without task sessions (configuration backup, a job that failed before any machine): on the backup server. */
export function mapSession(session: VbrSession, ctx: MapContext): NormalisedJob | null {
  const kind = sessionKind(session.sessionType);
  if (!kind || typeof session.id !== 'string' || session.id === '') return null;
  const status = vbrStatus(session.state, session.result);
  const configuration = String(session.sessionType).toLowerCase() === 'configurationbackup';
  return buildJob({
    source: ctx.source,
    externalId: `session:${session.id.toLowerCase()}`,
    clientName: ctx.client,
    device: { name: ctx.server, class: 'server', type: 'backup_server' },
    check: { name: configuration ? CONFIGURATION_BACKUP_CHECK : (text(session.name) ?? 'Veeam job'), kind: kind.kind },
    status,
    rawStatus: vbrRawStatus(session.state, session.result),
    operation: kind.operation,
    ...common(status, session.creationTime, session.endTime),
    message: text(session.result?.message),
    raw: session,
  });
}

const GB = 1024 ** 3;

/** A repository's space as the facts of its own device; null without a capacity. */
export function repositoryFacts(repo: VbrRepositoryState): DeviceFacts | null {
  const capacity = repo.capacityGB;
  if (typeof capacity !== 'number' || !(capacity > 0)) return null;
  const free = typeof repo.freeGB === 'number' ? repo.freeGB : null;
  const used = typeof repo.usedSpaceGB === 'number' ? repo.usedSpaceGB : free === null ? null : capacity - free;
  return {
    storageUsedBytes: used === null ? null : Math.round(used * GB),
    storageQuotaBytes: Math.round(capacity * GB),
    freeSpacePercent: free === null ? null : Math.max(0, Math.min(100, Math.round((free / capacity) * 10_000) / 100)),
    purgeable: null,
  };
}

/** The record that carries a repository's facts: no check, one per repository, updated each sync. */
export function repositoryRecord(repo: VbrRepositoryState, ctx: MapContext, now: number): NormalisedJob | null {
  const name = text(repo.name);
  const facts = repositoryFacts(repo);
  if (!name || !facts || typeof repo.id !== 'string') return null;
  return buildJob({
    source: ctx.source,
    externalId: `repository:${repo.id.toLowerCase()}`,
    clientName: ctx.client,
    device: { name, class: 'server', type: 'backup_repository', facts },
    check: null,
    status: 'succeeded',
    rawStatus: `${repo.freeGB ?? '?'} GB free of ${repo.capacityGB} GB`,
    operation: 'other',
    startedAt: now,
    endedAt: now,
    durationMs: null,
    raw: repo,
  });
}
