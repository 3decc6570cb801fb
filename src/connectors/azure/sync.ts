// One sync of a subscription: list its Recovery Services vaults, then per vault (a few at a
// time) its backup jobs since the vault's cursor minus the overlap window, sizes of new backups
// from job details, its protected items, and its Site Recovery health. A vault that fails keeps
// its old cursor (its window is read again next time) and does not stop the others.
import { type NormalisedJob, nameKey } from '../../domain/job.js';
import { ArmError } from './arm.js';
import type { Arm } from './arm.js';
import type { AzureConfig } from './config.js';
import {
  itemRecords,
  type ProtectedItem,
  type ReplicationItem,
  replicationFingerprint,
  replicationKey,
  replicationRecord,
  type VaultHealth,
  vaultHealthRecord,
  vaultHealthSummary,
  vaultTag,
} from './items.js';
import { type AzureJob, type MapContext, mapJob } from './map.js';
import { filterTime, type VaultRef, vaultRef } from './parse.js';
import { ConnectorAuthError, ConnectorQuotaError, type PartError, type SyncContext, type SyncResult, type Tenant } from '../types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const BACKUP_API = '2025-02-01';
export const ASR_API = '2025-01-01';
const VAULT_CONCURRENCY = 4;
/** Jobs still running are re-read until they finish, for at most this long after they started. */
const OPEN_JOB_MAX_AGE = 7 * DAY;
/** Sizes are read for backups that ended this recently. */
const DETAILS_WINDOW = 48 * HOUR;
/** An unchanged Site Recovery health is recorded again after this long (a daily sign of life). */
export const HEALTH_HEARTBEAT = 24 * HOUR;

interface VaultCursor {
  /** Where this vault's history starts: older backups are known only from protected items. */
  horizon: number;
  /** The end of the last window read. */
  to: number;
  /** Jobs seen running: [external id, start]. */
  open: Array<[string, number]>;
}

export interface AzureCursor {
  v: 1;
  vaults: Record<string, VaultCursor>;
  /** The last recorded Site Recovery observation per item / vault key. */
  health: Record<string, { fp: string; at: number }>;
}

export function readCursor(raw: unknown): AzureCursor {
  const c = raw as Partial<AzureCursor> | null;
  if (c && c.v === 1 && c.vaults && c.health) return { v: 1, vaults: { ...c.vaults }, health: { ...c.health } };
  return { v: 1, vaults: {}, health: {} };
}

/** The subscription's Recovery Services vaults. */
export async function listVaults(arm: Arm, subscriptionId: string): Promise<VaultRef[]> {
  const out: VaultRef[] = [];
  const path = `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.RecoveryServices/vaults?api-version=${BACKUP_API}`;
  for await (const page of arm.pages<{ id?: unknown; name?: unknown; tags?: unknown }>(path)) {
    for (const v of page) {
      const ref = vaultRef(v);
      if (ref) out.push(ref);
    }
  }
  return out;
}

/**
 * The platform tenant a vault's devices belong to (docs/connectors.md, "Tenants and clients"): its
 * resource group (`rg:<name>`) or tag value (`tag:<value>`) by `client_by`, else the subscription
 * (`subscription:<id>`, the configured `client`). Its name is the client it goes to without a
 * console mapping: `client_map`'s entry, else the group or tag value itself.
 */
export function tenantOf(v: VaultRef, cfg: AzureConfig): Tenant {
  let key: string | null = null;
  let kind = 'subscription';
  if (cfg.client_by === 'resource_group') {
    key = v.resourceGroup;
    kind = 'rg';
  }
  if (cfg.client_by === 'tag') {
    const tag = Object.keys(v.tags).find((k) => k.toLowerCase() === cfg.client_tag?.toLowerCase());
    key = tag === undefined ? null : (v.tags[tag]!.trim() || null);
    kind = 'tag';
  }
  if (key === null) return { id: `subscription:${cfg.subscription_id.toLowerCase()}`, name: cfg.client };
  const mapped = Object.entries(cfg.client_map).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return { id: `${kind}:${key.toLowerCase()}`, name: mapped ? mapped[1] : key };
}

/** The client name a vault's devices go to without a console mapping. */
export function clientFor(v: VaultRef, cfg: AzureConfig): string {
  return tenantOf(v, cfg).name;
}

function kindOf(err: unknown): PartError['kind'] {
  if (err instanceof ConnectorAuthError) return 'auth';
  if (err instanceof ConnectorQuotaError) return 'quota';
  return 'other';
}

export class AzureSync {
  readonly counts = {
    vaults: 0,
    vaults_failed: 0,
    jobs_seen: 0,
    jobs_recorded: 0,
    jobs_created: 0,
    jobs_unchanged: 0,
    details_read: 0,
    protected_items: 0,
    replication_items: 0,
  };
  private readonly errors: PartError[] = [];
  private detailsLeft: number;
  private readonly prev: AzureCursor;
  private readonly next: AzureCursor;

  constructor(
    private readonly cfg: AzureConfig,
    private readonly arm: Arm,
    private readonly ctx: SyncContext,
  ) {
    this.detailsLeft = cfg.max_job_details;
    this.prev = readCursor(ctx.cursor);
    this.next = readCursor(ctx.cursor);
  }

  async run(): Promise<SyncResult> {
    const vaults = await listVaults(this.arm, this.cfg.subscription_id);
    this.counts.vaults = vaults.length;
    let i = 0;
    const worker = async () => {
      while (i < vaults.length) await this.syncVault(vaults[i++]!);
    };
    await Promise.all(Array.from({ length: Math.min(VAULT_CONCURRENCY, vaults.length) }, worker));
    this.ctx.signal.throwIfAborted();
    this.forgetGone(vaults);
    return { cursor: this.next, outcome: this.outcome(), counts: { ...this.counts }, errors: this.errors };
  }

  /** Vaults no longer listed (deleted, or another subscription configured) leave the cursor. */
  private forgetGone(vaults: VaultRef[]): void {
    const keys = new Set(vaults.map((v) => v.key));
    for (const k of Object.keys(this.next.vaults)) if (!keys.has(k)) delete this.next.vaults[k];
    const tags = vaults.map((v) => `${v.resourceGroup}/${v.name}`.toLowerCase());
    for (const k of Object.keys(this.next.health)) {
      const tag = k.replace(/^asr(-vault)?:/, '');
      if (!tags.some((t) => tag === t || tag.startsWith(`${t}/`))) delete this.next.health[k];
    }
  }

  private outcome(): SyncResult['outcome'] {
    const first = (kind: PartError['kind']) => this.errors.find((e) => e.kind === kind);
    const auth = first('auth');
    if (auth) return { ok: false, kind: 'auth', error: `${auth.scope}: ${auth.message}` };
    const quota = first('quota');
    if (quota) return { ok: false, kind: 'quota', error: quota.message };
    return { ok: true };
  }

  private async syncVault(v: VaultRef): Promise<void> {
    const ctx: MapContext = { source: this.ctx.source, client: this.ctx.clientFor(tenantOf(v, this.cfg)), vault: v };
    const prev = this.prev.vaults[v.key];
    const now = this.ctx.now;
    const horizon = prev?.horizon ?? now - this.cfg.history_days * DAY;
    let from = prev ? Math.max(horizon, prev.to - this.cfg.overlap_minutes * MINUTE) : horizon;
    for (const [, start] of prev?.open ?? []) if (start >= now - OPEN_JOB_MAX_AGE && start < from) from = start;
    try {
      const backedUp = new Set<string>();
      const open = await this.jobs(v, ctx, from, now, backedUp);
      // On a vault's first sync the window is its whole history: an item without a backup job in it is known only from the item.
      await this.items(v, ctx, horizon, prev ? null : backedUp);
      await this.replication(v, ctx);
      this.next.vaults[v.key] = { horizon, to: now, open };
    } catch (err) {
      if (this.ctx.signal.aborted) throw err;
      this.counts.vaults_failed++;
      this.errors.push({ scope: `vault ${v.name}`, kind: kindOf(err), message: (err as Error).message });
    }
  }

  private async emit(jobs: NormalisedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const { created } = await this.ctx.emit(jobs);
    this.counts.jobs_recorded += jobs.length;
    this.counts.jobs_created += created;
  }

  /** Records what is new or changed; answers the jobs stored before with their known state. */
  private async emitChanged(jobs: NormalisedJob[]): Promise<Map<string, { rawStatus: string; hasBytes: boolean }>> {
    const known = await this.ctx.known(jobs.map((j) => j.externalId!));
    const changed = jobs.filter((j) => known.get(j.externalId!)?.rawStatus !== j.rawStatus);
    this.counts.jobs_unchanged += jobs.length - changed.length;
    await this.emit(changed);
    return known;
  }

  /** Backup jobs that started in [from, to]; answers those still running. */
  private async jobs(v: VaultRef, ctx: MapContext, from: number, to: number, backedUp: Set<string>): Promise<Array<[string, number]>> {
    const filter = `startTime eq '${filterTime(from)}' and endTime eq '${filterTime(to)}'`;
    const path = `${v.id}/backupJobs?api-version=${BACKUP_API}&$filter=${encodeURIComponent(filter)}`;
    const open: Array<[string, number]> = [];
    const wantSize: Array<{ name: string }> = [];
    for await (const page of this.arm.pages<AzureJob>(path)) {
      this.counts.jobs_seen += page.length;
      const mapped: Array<{ job: NormalisedJob; name: string }> = [];
      for (const raw of page) {
        const job = mapJob(raw, ctx);
        if (job) mapped.push({ job, name: raw.name ?? job.externalId! });
      }
      for (const { job } of mapped) {
        if (job.status === 'running' && job.startedAt !== null) open.push([job.externalId!, job.startedAt]);
        if (job.operation === 'backup') backedUp.add(nameKey(job.device.name));
      }
      const known = await this.emitChanged(mapped.map((m) => m.job));
      for (const { job, name } of mapped) if (this.wantsSize(job, known.get(job.externalId!)?.hasBytes ?? false)) wantSize.push({ name });
    }
    await this.sizes(v, ctx, wantSize);
    return open;
  }

  /** A good backup that ended recently and has no size yet, stored or given. */
  private wantsSize(job: NormalisedJob, storedWithBytes: boolean): boolean {
    const recent = job.endedAt !== null && job.endedAt >= this.ctx.now - DETAILS_WINDOW;
    return job.operation === 'backup' && recent && (job.status === 'succeeded' || job.status === 'warning') && job.bytes === null && !storedWithBytes;
  }

  /** Job details carry the backup size ("Backup Size": "2332 MB"); read them for new backups, within the budget. */
  private async sizes(v: VaultRef, ctx: MapContext, jobs: Array<{ name: string }>): Promise<void> {
    const withSize: NormalisedJob[] = [];
    for (const { name } of jobs) {
      if (this.detailsLeft <= 0) break;
      this.detailsLeft--;
      let detail: AzureJob;
      try {
        detail = await this.arm.get<AzureJob>(`${v.id}/backupJobs/${encodeURIComponent(name)}?api-version=${BACKUP_API}`);
      } catch (err) {
        // A size is a nicety: a job whose details cannot be read keeps none; refusals and throttling still count.
        if (err instanceof ConnectorAuthError || err instanceof ConnectorQuotaError || this.ctx.signal.aborted) throw err;
        continue;
      }
      this.counts.details_read++;
      const job = mapJob(detail, ctx);
      if (job && job.bytes !== null) withSize.push(job);
    }
    await this.emit(withSize);
  }

  /** `backedUp`: devices with a backup job in this window, when the window is the vault's whole history; null otherwise. */
  private async items(v: VaultRef, ctx: MapContext, horizon: number, backedUp: Set<string> | null): Promise<void> {
    for await (const page of this.arm.pages<ProtectedItem>(`${v.id}/backupProtectedItems?api-version=${BACKUP_API}`)) {
      this.counts.protected_items += page.length;
      const covered = (item: ProtectedItem) => backedUp === null || backedUp.has(nameKey(item.properties?.friendlyName ?? ''));
      await this.emitChanged(page.flatMap((item) => itemRecords(item, ctx, horizon, covered(item))));
    }
  }

  /** Site Recovery: each replicated item's health, and the vault's, recorded when changed or a day old. */
  private async replication(v: VaultRef, ctx: MapContext): Promise<void> {
    const seen = new Set<string>();
    const records: NormalisedJob[] = [];
    const recorded: Array<[string, string]> = [];
    const observe = (key: string, fp: string, make: () => NormalisedJob | null) => {
      seen.add(key);
      const last = this.prev.health[key];
      if (last && last.fp === fp && this.ctx.now - last.at < HEALTH_HEARTBEAT) return;
      const job = make();
      if (job) records.push(job);
      recorded.push([key, fp]);
    };
    for await (const page of this.optional(() => this.arm.pages<ReplicationItem>(`${v.id}/replicationProtectedItems?api-version=${ASR_API}`))) {
      this.counts.replication_items += page.length;
      for (const item of page) {
        const key = replicationKey(item, ctx);
        if (key) observe(key, replicationFingerprint(item), () => replicationRecord(item, ctx, key, this.ctx.now));
      }
    }
    const health = await this.optionalGet<VaultHealth>(`${v.id}/replicationVaultHealth?api-version=${ASR_API}`);
    const summary = health ? vaultHealthSummary(health) : null;
    if (health && summary) {
      const key = `asr-vault:${vaultTag(ctx)}`;
      observe(key, `${summary.level}|${summary.issues.join('|')}`, () => vaultHealthRecord(health, ctx, key, this.ctx.now, summary));
    }
    await this.emit(records);
    // Only what is stored moves the health cursor.
    for (const [key, fp] of recorded) this.next.health[key] = { fp, at: this.ctx.now };
    const prefixes = [`asr:${vaultTag(ctx)}/`, `asr-vault:${vaultTag(ctx)}`];
    for (const key of Object.keys(this.next.health)) {
      if (!seen.has(key) && prefixes.some((p) => key.startsWith(p))) delete this.next.health[key];
    }
  }

  /** A vault without Site Recovery may answer 404 to its Site Recovery lists: that is "none". */
  private async *optional<T>(pages: () => AsyncGenerator<T[]>): AsyncGenerator<T[]> {
    try {
      yield* pages();
    } catch (err) {
      if (!(err instanceof ArmError && err.status === 404)) throw err;
    }
  }

  private async optionalGet<T>(path: string): Promise<T | null> {
    try {
      return await this.arm.get<T>(path);
    } catch (err) {
      if (err instanceof ArmError && err.status === 404) return null;
      throw err;
    }
  }
}
