// Veeam Service Provider Console payloads to normalised jobs, without I/O (docs/connectors/veeam-spc.md).
// VSPC keeps the LATEST session of each job (status, lastRun, lastEndTime, lastDuration,
// failureMessage; for VM backup and replication jobs also the session's per-VM tasks): each sync
// records that session, so the history Keepwatch keeps is built sync after sync.
import type { CheckKind, CopyTier, DeviceClass, DeviceFacts, JobStatus, NormalisedJob } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';

export interface VspcCompany {
  instanceUid?: string;
  name?: string;
  status?: string;
}

export interface VspcBackupServer {
  instanceUid?: string;
  name?: string;
  organizationUid?: string;
}

export interface VspcSessionTask {
  instanceUid?: string;
  objectUid?: string | null;
  objectName?: string | null;
  transferredDataSize?: number | null;
  startTime?: string | null;
  endTime?: string | null;
  duration?: number | null;
  failureMessages?: string[] | null;
  status?: string;
}

export interface VspcServerJob {
  instanceUid?: string;
  name?: string;
  backupServerUid?: string;
  organizationUid?: string;
  /** The organization a job of a hosted backup server is assigned to. */
  mappedOrganizationUid?: string | null;
  status?: string;
  type?: string;
  lastRun?: string | null;
  lastEndTime?: string | null;
  lastDuration?: number | null;
  /** The reference's own BackupServerJob example names the end and duration `endTime` and `duration`. */
  endTime?: string | null;
  duration?: number | null;
  transferredData?: number | null;
  failureMessage?: string | null;
  lastSessionTasks?: VspcSessionTask[] | null;
}

export interface VspcAgentJob {
  instanceUid?: string;
  backupAgentUid?: string;
  organizationUid?: string;
  name?: string;
  status?: string;
  lastRun?: string | null;
  lastEndTime?: string | null;
  lastDuration?: number | null;
  failureMessage?: string | null;
  backupPolicyFailureMessage?: string | null;
  backedUpSize?: number | null;
}

export interface VspcProtectedVm {
  instanceUid?: string;
  organizationUid?: string;
  backupServerUid?: string;
  name?: string;
  usedSourceSize?: number | null;
  totalRestorePointSize?: number | null;
}

export interface VspcComputer {
  backupAgentUid?: string;
  organizationUid?: string;
  name?: string;
  operationMode?: string;
}

/** What a company's jobs map against: its client, its machines and its backup servers. */
export interface CompanyContext {
  source: string;
  client: string;
  /** Protected VM by lower-case name. */
  vms: Map<string, VspcProtectedVm>;
  /** Protected computer (Veeam agent) by backup agent UID (lower case). */
  computers: Map<string, VspcComputer>;
  /** Backup server name by UID (lower case). */
  servers: Map<string, string>;
}

const time = (s: string | null | undefined): number | null => {
  if (typeof s !== 'string' || s === '') return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
};

const seconds = (s: number | null | undefined): number | undefined => (typeof s === 'number' ? s * 1000 : undefined);

/** A session outcome; null: the job has no session to record (`None`: never ran; `Idle`, `Enabling`, `Disabling`: no result). */
export function sessionStatus(status: unknown): JobStatus | null {
  switch (String(status ?? '').toLowerCase()) {
    case 'success':
      return 'succeeded';
    case 'warning':
      return 'warning';
    case 'failed':
      return 'failed';
    case 'running':
    case 'starting':
    case 'stopping':
    case 'pending':
    case 'waitingtape':
    case 'waitingrepository':
      return 'running';
    case 'none':
    case 'idle':
    case 'enabling':
    case 'disabling':
    case '':
      return null;
    default:
      // `Unknown` (and anything newer) after a run: failed, so it is seen.
      return 'failed';
  }
}

interface KindOf {
  kind: CheckKind;
  tier: CopyTier | null;
  operation: 'backup' | 'copy' | 'replication' | 'verification';
}

/** The check kind of a Veeam Backup & Replication job type (BackupServerJobType). */
export function jobKind(type: unknown): KindOf {
  switch (String(type ?? '').toLowerCase()) {
    case 'backupcopy':
    case 'simplebackupcopy':
    case 'immediatelybackupcopy':
    case 'backupfilecopy':
    case 'objectstoragebackupcopy':
    case 'copyvm':
    case 'copyfile':
      return { kind: 'copy', tier: 'hot', operation: 'copy' };
    case 'backuptotape':
    case 'filetotape':
      return { kind: 'copy', tier: 'cold', operation: 'copy' };
    case 'replicationvm':
    case 'cdpreplicationvm':
      return { kind: 'replication', tier: null, operation: 'replication' };
    case 'surebackup':
      return { kind: 'verification', tier: null, operation: 'verification' };
    default:
      return { kind: 'backup', tier: null, operation: 'backup' };
  }
}

const VM_JOB_TYPES = new Set(['backupvm', 'replicationvm', 'cdpreplicationvm', 'copyvm', 'ahvstoragesnapshotjob', 'awsbackupjob', 'azurebackupjob', 'googlebackupjob']);

function vmFacts(vm: VspcProtectedVm | undefined): DeviceFacts | null {
  if (!vm || typeof vm.totalRestorePointSize !== 'number') return null;
  return { storageUsedBytes: vm.totalRestorePointSize, storageQuotaBytes: null, freeSpacePercent: null, purgeable: null };
}

const clean = (s: string | null | undefined): string | null => {
  const t = typeof s === 'string' ? s.replace(/\r\n/g, '\n').trim() : '';
  return t === '' ? null : t;
};

/** The session of a VM backup or replication job, one record per task (per VM). */
export function mapTask(job: VspcServerJob, task: VspcSessionTask, ctx: CompanyContext): NormalisedJob | null {
  const uid = task.instanceUid?.toLowerCase();
  const name = clean(task.objectName);
  const status = sessionStatus(task.status);
  if (!uid || !name || status === null) return null;
  const k = jobKind(job.type);
  const vm = ctx.vms.get(name.toLowerCase());
  const startedAt = time(task.startTime) ?? time(job.lastRun);
  const endedAt = status === 'running' ? null : time(task.endTime);
  const messages = (task.failureMessages ?? []).map((m) => clean(m)).filter((m): m is string => m !== null);
  return buildJob({
    source: ctx.source,
    externalId: `task:${uid}`,
    clientName: ctx.client,
    device: { name, class: 'server', type: vm || VM_JOB_TYPES.has(String(job.type ?? '').toLowerCase()) ? 'vm' : 'server', facts: vmFacts(vm) },
    check: { name: job.name?.trim() || 'Veeam job', kind: k.kind, tier: k.tier },
    status,
    rawStatus: String(task.status),
    operation: k.operation,
    startedAt,
    endedAt,
    durationMs: status === 'running' ? null : typeof task.duration === 'number' ? task.duration * 1000 : undefined,
    bytes: typeof task.transferredDataSize === 'number' ? task.transferredDataSize : null,
    message: status === 'failed' || status === 'warning' ? (messages.join('\n') || clean(job.failureMessage)) : null,
    raw: { job: { ...job, lastSessionTasks: undefined }, task },
  });
}

/** A job's latest session as one record, on its backup server (copies, tape, SureBackup: jobs without per-VM tasks). */
export function mapServerJob(job: VspcServerJob, ctx: CompanyContext): NormalisedJob | null {
  const uid = job.instanceUid?.toLowerCase();
  const startedAt = time(job.lastRun);
  const status = sessionStatus(job.status);
  if (!uid || startedAt === null || status === null) return null;
  const k = jobKind(job.type);
  const server = (job.backupServerUid && ctx.servers.get(job.backupServerUid.toLowerCase())) || null;
  return buildJob({
    source: ctx.source,
    externalId: `job:${uid}@${new Date(startedAt).toISOString()}`,
    clientName: ctx.client,
    device: { name: server ?? job.name?.trim() ?? uid, class: 'server', type: 'backup_server' },
    check: { name: job.name?.trim() || 'Veeam job', kind: k.kind, tier: k.tier },
    status,
    rawStatus: String(job.status),
    operation: k.operation,
    startedAt,
    endedAt: status === 'running' ? null : time(job.lastEndTime ?? job.endTime),
    durationMs: status === 'running' ? null : seconds(job.lastDuration ?? job.duration),
    bytes: typeof job.transferredData === 'number' ? job.transferredData : null,
    message: status === 'failed' || status === 'warning' ? clean(job.failureMessage) : null,
    raw: job,
  });
}

/** The device class of a Veeam agent's computer (operationMode Server / Workstation). */
export function computerClass(mode: unknown): DeviceClass {
  return String(mode ?? '').toLowerCase() === 'workstation' ? 'workstation' : 'server';
}

/** A Veeam agent job's latest session, on its computer; null when the computer is unknown or the job never ran. */
export function mapAgentJob(job: VspcAgentJob, ctx: CompanyContext): NormalisedJob | null {
  const uid = job.instanceUid?.toLowerCase();
  const startedAt = time(job.lastRun);
  const status = sessionStatus(job.status);
  const computer = job.backupAgentUid ? ctx.computers.get(job.backupAgentUid.toLowerCase()) : undefined;
  const name = clean(computer?.name);
  if (!uid || startedAt === null || status === null || !name) return null;
  return buildJob({
    source: ctx.source,
    externalId: `agent:${uid}@${new Date(startedAt).toISOString()}`,
    clientName: ctx.client,
    device: {
      name,
      class: computerClass(computer?.operationMode),
      type: 'veeam_agent',
      facts: typeof job.backedUpSize === 'number' ? { storageUsedBytes: job.backedUpSize, storageQuotaBytes: null, freeSpacePercent: null, purgeable: null } : null,
    },
    check: { name: job.name?.trim() || 'Veeam Agent backup', kind: 'backup', tier: null },
    status,
    rawStatus: String(job.status),
    operation: 'backup',
    startedAt,
    endedAt: status === 'running' ? null : time(job.lastEndTime),
    durationMs: status === 'running' ? null : typeof job.lastDuration === 'number' ? job.lastDuration * 1000 : undefined,
    message: status === 'failed' || status === 'warning' ? (clean(job.failureMessage) ?? clean(job.backupPolicyFailureMessage)) : null,
    raw: job,
  });
}

/** Every record of a backup server job: its tasks when the session has them, else the job itself. */
export function mapServerJobAll(job: VspcServerJob, ctx: CompanyContext): NormalisedJob[] {
  const tasks = job.lastSessionTasks ?? [];
  if (tasks.length > 0) {
    const mapped = tasks.map((t) => mapTask(job, t, ctx)).filter((j): j is NormalisedJob => j !== null);
    if (mapped.length > 0) return mapped;
  }
  const one = mapServerJob(job, ctx);
  return one ? [one] : [];
}
