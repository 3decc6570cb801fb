// One sync of a Veeam Service Provider Console: the companies, the backup servers and protected
// machines (for device names, classes and storage), then per company (a few at a time) the jobs
// of its Veeam Backup & Replication servers and of its Veeam agents whose latest session started
// since the company's cursor minus the overlap. A company that fails keeps its old cursor (its
// window is read again next time) and does not stop the others.
import type { NormalisedJob } from '../../domain/job.js';
import { changedJobs } from '../common/changed.js';
import { ConnectorAuthError, ConnectorQuotaError, outcomeOfParts, type PartError, type SyncContext, type SyncResult } from '../types.js';
import type { FilterClause, VspcApi } from './api.js';
import {
  type CompanyContext,
  mapAgentJob,
  mapServerJobAll,
  type VspcAgentJob,
  type VspcBackupServer,
  type VspcCompany,
  type VspcComputer,
  type VspcProtectedVm,
  type VspcServerJob,
} from './map.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const COMPANY_CONCURRENCY = 4;
/** A session seen running is re-read until it finishes, for at most this long after it started. */
const OPEN_MAX_AGE = 7 * DAY;
/** Changed jobs are stored in batches of at least this many (one transaction each), across companies. */
const EMIT_BATCH = 2_000;
/** The cursor key of jobs on backup servers no company owns (the provider's own, hosted ones) assigned to a company. */
export const HOSTED = '~hosted';

export const PATHS = {
  companies: '/organizations/companies',
  backupServers: '/infrastructure/backupServers',
  serverJobs: '/infrastructure/backupServers/jobs',
  agentJobs: '/infrastructure/backupAgents/jobs',
  vms: '/protectedWorkloads/virtualMachines',
  computers: '/protectedWorkloads/computersManagedByConsole',
} as const;

interface CompanyCursor {
  /** The end of the last window read. */
  to: number;
  /** Sessions seen running: [external id, start]. */
  open: Array<[string, number]>;
}

export interface VspcCursor {
  v: 1;
  companies: Record<string, CompanyCursor>;
}

export function readCursor(raw: unknown): VspcCursor {
  const c = raw as Partial<VspcCursor> | null;
  if (c && c.v === 1 && c.companies && typeof c.companies === 'object') return { v: 1, companies: { ...c.companies } };
  return { v: 1, companies: {} };
}

function kindOf(err: unknown): PartError['kind'] {
  if (err instanceof ConnectorAuthError) return 'auth';
  if (err instanceof ConnectorQuotaError) return 'quota';
  return 'other';
}

const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

function group<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = lower(key(it));
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

export class VspcSync {
  readonly counts = {
    companies: 0,
    companies_failed: 0,
    backup_servers: 0,
    protected_vms: 0,
    protected_computers: 0,
    server_jobs_read: 0,
    agent_jobs_read: 0,
    hosted_jobs_read: 0,
    jobs_seen: 0,
    jobs_recorded: 0,
    jobs_created: 0,
    jobs_unchanged: 0,
    jobs_without_session: 0,
  };
  private readonly errors: PartError[] = [];
  /** Changed jobs not yet stored; flushed between companies and at the end (before the cursor is returned). */
  private pending: NormalisedJob[] = [];
  private readonly prev: VspcCursor;
  private readonly next: VspcCursor;

  constructor(
    private readonly api: VspcApi,
    private readonly ctx: SyncContext,
    private readonly overlapMinutes: number,
  ) {
    this.prev = readCursor(ctx.cursor);
    this.next = readCursor(ctx.cursor);
  }

  async run(): Promise<SyncResult> {
    const companies = (await this.api.all<VspcCompany>(PATHS.companies)).filter((c) => typeof c.instanceUid === 'string' && c.instanceUid !== '');
    this.counts.companies = companies.length;
    const [servers, vms, computers] = await Promise.all([
      this.api.all<VspcBackupServer>(PATHS.backupServers),
      this.api.all<VspcProtectedVm>(PATHS.vms),
      this.api.all<VspcComputer>(PATHS.computers),
    ]);
    this.counts.backup_servers = servers.length;
    this.counts.protected_vms = vms.length;
    this.counts.protected_computers = computers.length;
    const serverNames = new Map(servers.filter((s) => s.instanceUid && s.name).map((s) => [lower(s.instanceUid), s.name!.trim()]));
    const vmsByOrg = group(vms, (v) => v.organizationUid);
    const computersByOrg = group(computers, (c) => c.organizationUid);

    const contexts = new Map<string, CompanyContext>();
    for (const company of companies) {
      const uid = lower(company.instanceUid);
      contexts.set(uid, {
        source: this.ctx.source,
        client: this.ctx.clientFor({ id: uid, name: company.name?.trim() || uid }),
        vms: new Map((vmsByOrg.get(uid) ?? []).filter((v) => v.name).map((v) => [v.name!.trim().toLowerCase(), v])),
        computers: new Map((computersByOrg.get(uid) ?? []).filter((c) => c.backupAgentUid).map((c) => [lower(c.backupAgentUid), c])),
        servers: serverNames,
      });
    }

    let i = 0;
    const worker = async () => {
      while (i < companies.length) {
        const company = companies[i++]!;
        const uid = lower(company.instanceUid);
        await this.syncCompany(company, uid, contexts.get(uid)!);
        // Outside the company's own error handling: a failed store fails the sync (no cursor is saved).
        if (this.pending.length >= EMIT_BATCH) await this.flush();
      }
    };
    await Promise.all(Array.from({ length: Math.min(COMPANY_CONCURRENCY, companies.length) }, worker));
    await this.syncHosted(contexts);
    await this.flush();
    this.ctx.signal.throwIfAborted();
    const seen = new Set([...companies.map((c) => lower(c.instanceUid)), HOSTED]);
    for (const k of Object.keys(this.next.companies)) if (!seen.has(k)) delete this.next.companies[k];
    return { cursor: this.next, outcome: this.outcome(), counts: { ...this.counts }, errors: this.errors };
  }

  private outcome(): SyncResult['outcome'] {
    return outcomeOfParts(this.errors);
  }

  /** The window's start: null on a company's first sync (every job's latest session). */
  private windowStart(uid: string): number | null {
    const prev = this.prev.companies[uid];
    if (!prev) return null;
    let from = prev.to - this.overlapMinutes * MINUTE;
    for (const [, start] of prev.open) if (start >= this.ctx.now - OPEN_MAX_AGE && start < from) from = start;
    return from;
  }

  private async syncCompany(company: VspcCompany, uid: string, ctx: CompanyContext): Promise<void> {
    const from = this.windowStart(uid);
    const filter: FilterClause[] = [{ property: 'organizationUid', operation: 'equals', value: company.instanceUid }];
    if (from !== null) filter.push({ property: 'lastRun', operation: 'greaterThanOrEqual', value: new Date(from).toISOString() });
    const open: Array<[string, number]> = [];
    try {
      for await (const page of this.api.pages<VspcServerJob>(PATHS.serverJobs, filter)) {
        this.counts.server_jobs_read += page.length;
        await this.record(page.flatMap((j) => this.counted(mapServerJobAll(j, ctx))), open);
      }
      for await (const page of this.api.pages<VspcAgentJob>(PATHS.agentJobs, filter)) {
        this.counts.agent_jobs_read += page.length;
        await this.record(page.flatMap((j) => this.counted(mapAgentJob(j, ctx))), open);
      }
      this.next.companies[uid] = { to: this.ctx.now, open };
    } catch (err) {
      if (this.ctx.signal.aborted) throw err;
      this.counts.companies_failed++;
      this.errors.push({ scope: `company ${company.name ?? uid}`, kind: kindOf(err), message: (err as Error).message });
    }
  }

  /**
   * Jobs of backup servers that belong to no company (the provider's hosted Veeam Backup &
   * Replication) but are assigned to one (`mappedOrganizationUid`): one read of every server
   * job in the window, keeping those. Their failure is one part, `hosted backup servers`.
   */
  private async syncHosted(contexts: Map<string, CompanyContext>): Promise<void> {
    const from = this.windowStart(HOSTED);
    const filter: FilterClause[] = from === null ? [] : [{ property: 'lastRun', operation: 'greaterThanOrEqual', value: new Date(from).toISOString() }];
    const open: Array<[string, number]> = [];
    try {
      for await (const page of this.api.pages<VspcServerJob>(PATHS.serverJobs, filter)) {
        const hosted = page.filter((j) => !contexts.has(lower(j.organizationUid)) && contexts.has(lower(j.mappedOrganizationUid ?? undefined)));
        this.counts.hosted_jobs_read += hosted.length;
        await this.record(hosted.flatMap((j) => this.counted(mapServerJobAll(j, contexts.get(lower(j.mappedOrganizationUid ?? undefined))!))), open);
      }
      this.next.companies[HOSTED] = { to: this.ctx.now, open };
    } catch (err) {
      if (this.ctx.signal.aborted) throw err;
      this.errors.push({ scope: 'hosted backup servers', kind: kindOf(err), message: (err as Error).message });
    }
  }

  private counted(jobs: NormalisedJob | NormalisedJob[] | null): NormalisedJob[] {
    const list = jobs === null ? [] : Array.isArray(jobs) ? jobs : [jobs];
    if (list.length === 0) this.counts.jobs_without_session++;
    return list;
  }

  /** Queues what is new or changed (status differs from the stored one) for storing; notes running sessions. */
  private async record(jobs: NormalisedJob[], open: Array<[string, number]>): Promise<void> {
    this.counts.jobs_seen += jobs.length;
    for (const j of jobs) if (j.status === 'running' && j.startedAt !== null) open.push([j.externalId!, j.startedAt]);
    const { changed } = await changedJobs(this.ctx, jobs);
    this.counts.jobs_unchanged += jobs.length - changed.length;
    this.pending.push(...changed);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const { created } = await this.ctx.emit(batch);
    this.counts.jobs_recorded += batch.length;
    this.counts.jobs_created += created;
  }
}
