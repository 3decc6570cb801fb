// Records Keepwatch makes from state rather than jobs: a protected item's last known backup
// (for items whose last backup is older than the history Keepwatch pulled), and Site Recovery
// health observations of replicated items and of a vault. See docs/azure.md for why each exists.
import type { HealthLevel, JobStatus, NormalisedJob } from '../../domain/job.js';
import {
  BACKUP_CHECK,
  deviceType,
  healthLevel,
  jobStatus,
  type MapContext,
  REPLICATION_CHECK,
  recordJob,
  VAULT_HEALTH_CHECK,
  worse,
} from './map.js';
import { azureTime } from './parse.js';

export interface ProtectedItem {
  id?: string;
  name?: string;
  properties?: {
    friendlyName?: string;
    protectionState?: string;
    healthStatus?: string;
    lastBackupStatus?: string;
    lastBackupTime?: string;
    lastRecoveryPoint?: string;
    backupManagementType?: string;
    [k: string]: unknown;
  };
}

export interface HealthError {
  errorCode?: unknown;
  errorMessage?: unknown;
  summaryMessage?: unknown;
  errorLevel?: unknown;
}

export interface ReplicationItem {
  id?: string;
  name?: string;
  properties?: {
    friendlyName?: string;
    protectionState?: string;
    replicationHealth?: string;
    failoverHealth?: string;
    healthErrors?: HealthError[];
    [k: string]: unknown;
  };
}

export interface VaultHealth {
  properties?: {
    vaultErrors?: HealthError[];
    protectedItemsHealth?: { resourceCount?: number; issues?: Array<{ severity?: string; summaryMessage?: string; summaryCode?: string }> };
    fabricsHealth?: { resourceCount?: number; issues?: Array<{ severity?: string; summaryMessage?: string; summaryCode?: string }> };
  };
}

/** `<resource group>/<vault>` lower-cased: how records made here name their vault. */
export function vaultTag(ctx: MapContext): string {
  return `${ctx.vault.resourceGroup}/${ctx.vault.name}`.toLowerCase();
}

/** lastBackupStatus: job statuses on VM items, Healthy/Unhealthy on workload items; null if unknown. */
function lastBackupStatus(value: unknown): JobStatus | null {
  const s = String(value ?? '').toLowerCase();
  if (s === 'healthy') return 'succeeded';
  if (s === 'unhealthy') return 'failed';
  if (['completed', 'completedwithwarnings', 'failed'].includes(s)) return jobStatus(s);
  return null;
}

/**
 * What a protected item adds to the jobs. Its last backup (and its last recovery point, if that
 * backup failed) becomes a record when it is older than the history Keepwatch pulled (`horizon`),
 * or when `covered` is false (a vault's first sync saw no backup job of this device): then the
 * device and its check show their last known state. Otherwise the job itself is there: nothing.
 * An item never backed up gets one `skipped` "no backup yet" record, so it is listed too.
 */
export function itemRecords(item: ProtectedItem, ctx: MapContext, horizon: number, covered = true): NormalisedJob[] {
  const p = item.properties ?? {};
  const device = (p.friendlyName ?? '').trim();
  if (device === '' || !item.name) return [];
  const key = `item:${vaultTag(ctx)}/${item.name.toLowerCase()}`;
  const base = { device: { name: device, type: deviceType(p.backupManagementType) }, check: { name: BACKUP_CHECK, kind: 'backup' as const }, operation: 'backup' as const, raw: item };
  const state = `protection state ${p.protectionState ?? 'unknown'}, health ${p.healthStatus ?? 'unknown'}`;
  const last = azureTime(p.lastBackupTime);
  if (last === null) {
    return [recordJob(ctx, { ...base, externalId: `${key}:no-backup-yet`, status: 'skipped', rawStatus: p.protectionState ?? 'NoBackupYet', at: null, message: `Protected, no backup yet (${state})` })];
  }
  if (last >= horizon && covered) return [];
  const status = lastBackupStatus(p.lastBackupStatus) ?? 'skipped';
  const out = [
    recordJob(ctx, {
      ...base,
      externalId: `${key}:last-backup:${last}`,
      status,
      rawStatus: p.lastBackupStatus ?? 'unknown',
      at: last,
      message: `Last backup as the protected item reports it (${state})`,
    }),
  ];
  const point = azureTime(p.lastRecoveryPoint);
  if (status === 'failed' && point !== null && point < last) {
    out.push(
      recordJob(ctx, {
        ...base,
        externalId: `${key}:recovery-point:${point}`,
        status: 'succeeded',
        rawStatus: 'RecoveryPoint',
        at: point,
        message: 'Last recovery point, as the protected item reports it',
      }),
    );
  }
  return out;
}

function errorSummary(errors: HealthError[] | undefined): { text: string | null; codes: string[] } {
  const list = errors ?? [];
  const texts = list.map((e) => String(e.summaryMessage || e.errorMessage || '')).filter((s) => s !== '');
  return { text: texts.length > 0 ? texts.join('; ') : null, codes: list.map((e) => String(e.errorCode ?? '')).sort() };
}

/** What must change for a replicated item's health to be recorded again. */
export function replicationFingerprint(item: ReplicationItem): string {
  const p = item.properties ?? {};
  return [p.replicationHealth ?? '', p.failoverHealth ?? '', p.protectionState ?? '', ...errorSummary(p.healthErrors).codes].join('|').toLowerCase();
}

export function replicationKey(item: ReplicationItem, ctx: MapContext): string | null {
  return item.name ? `asr:${vaultTag(ctx)}/${item.name.toLowerCase()}` : null;
}

/** One observation of a replicated item's health, at `at`, as a replication job with `health`. */
export function replicationRecord(item: ReplicationItem, ctx: MapContext, key: string, at: number): NormalisedJob | null {
  const p = item.properties ?? {};
  const device = (p.friendlyName ?? '').trim();
  if (device === '') return null;
  const { text } = errorSummary(p.healthErrors);
  const code = p.healthErrors?.find((e) => e.errorCode !== undefined)?.errorCode;
  return recordJob(ctx, {
    externalId: `${key}:${at}`,
    device: { name: device, type: 'vm' },
    check: { name: REPLICATION_CHECK, kind: 'replication' },
    // The observation itself succeeded; replication_unhealthy judges the health it carries.
    status: 'succeeded',
    rawStatus: `replication ${p.replicationHealth ?? 'unknown'}, failover ${p.failoverHealth ?? 'unknown'}`,
    at,
    operation: 'replication',
    message: text,
    errorCode: code === undefined ? null : String(code),
    healthReplication: healthLevel(p.replicationHealth),
    healthFailover: healthLevel(p.failoverHealth),
    raw: item,
  });
}

function severityLevel(severity: unknown): HealthLevel {
  const s = String(severity ?? '').toLowerCase();
  if (s === 'error' || s === 'critical') return 'critical';
  if (s === 'warning') return 'warning';
  return 'normal';
}

/** A vault's Site Recovery health: the worst of its issues; null when the vault has no Site Recovery at all. */
export function vaultHealthSummary(h: VaultHealth): { level: HealthLevel; issues: string[] } | null {
  const p = h.properties ?? {};
  const issues = [...(p.protectedItemsHealth?.issues ?? []), ...(p.fabricsHealth?.issues ?? [])];
  const errors = p.vaultErrors ?? [];
  const resources = (p.protectedItemsHealth?.resourceCount ?? 0) + (p.fabricsHealth?.resourceCount ?? 0);
  if (resources === 0 && issues.length === 0 && errors.length === 0) return null;
  let level: HealthLevel = 'normal';
  for (const i of issues) level = worse(level, severityLevel(i.severity)) ?? level;
  for (const e of errors) level = worse(level, severityLevel(e.errorLevel ?? 'Error')) ?? level;
  const texts = [...issues.map((i) => `${i.summaryMessage ?? 'issue'}${i.summaryCode ? ` (${i.summaryCode})` : ''}`), ...errors.map((e) => String(e.summaryMessage || e.errorMessage || 'vault error'))];
  return { level, issues: texts.sort() };
}

export function vaultHealthRecord(h: VaultHealth, ctx: MapContext, key: string, at: number, summary: { level: HealthLevel; issues: string[] }): NormalisedJob {
  return recordJob(ctx, {
    externalId: `${key}:${at}`,
    device: { name: ctx.vault.name, type: 'vault' },
    check: { name: VAULT_HEALTH_CHECK, kind: 'replication' },
    status: 'succeeded',
    rawStatus: `vault health ${summary.level}`,
    at,
    operation: 'replication',
    message: summary.issues.length > 0 ? summary.issues.join('; ') : null,
    healthReplication: summary.level,
    raw: h,
  });
}
