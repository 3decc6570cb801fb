// One sync of a partner's Acronis tenant: its tenant tree (partners and folders walked down to
// the customers, whose units count as theirs), each customer reported through ctx.clientFor, then
// the backup activities completed since the cursor minus the overlap window, across the partner's
// scope, each placed under the customer that owns its tenant. A tenant whose details cannot be
// read is named in the errors and the rest goes on.
import type { NormalisedJob } from '../../domain/job.js';
import { emitChanged } from '../common/changed.js';
import { ConnectorAuthError, ConnectorQuotaError, outcomeOfParts, type PartError, type SyncContext, type SyncResult, type Tenant } from '../types.js';
import type { AcronisApi } from './api.js';
import type { AcronisConfig } from './config.js';
import { type AcronisActivity, mapActivity } from './map.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const HISTORY_DAYS = 30;
export const ACTIVITIES_PATH = '/api/task_manager/v2/activities';

export interface AcronisCursor {
  v: 1;
  horizon: number;
  to: number;
}

export function readCursor(raw: unknown): AcronisCursor | null {
  const c = raw as Partial<AcronisCursor> | null;
  return c && c.v === 1 && typeof c.to === 'number' && typeof c.horizon === 'number' ? { v: 1, horizon: c.horizon, to: c.to } : null;
}

interface TenantInfo {
  id?: string;
  name?: string;
  kind?: string;
}

/** An Acronis filter time: RFC 3339 in UTC. */
const rfc3339 = (ms: number) => new Date(ms).toISOString();

function kindOf(err: unknown): PartError['kind'] {
  return err instanceof ConnectorAuthError ? 'auth' : 'other';
}

/** The API client's own tenant (GET /api/2/clients/{client_id} → tenant_id). */
export async function ownTenant(api: AcronisApi, clientId: string): Promise<TenantInfo & { id: string }> {
  const client = await api.get<{ tenant_id?: unknown }>(`/api/2/clients/${encodeURIComponent(clientId)}`);
  if (typeof client?.tenant_id !== 'string') throw new Error(`the API client ${clientId} has no tenant_id`);
  const tenant = await api.get<TenantInfo>(`/api/2/tenants/${encodeURIComponent(client.tenant_id)}`);
  return { ...tenant, id: client.tenant_id };
}

export class AcronisSync {
  readonly counts = {
    tenants: 0,
    customers: 0,
    tenants_failed: 0,
    activities_seen: 0,
    activities_unplaced: 0,
    jobs_recorded: 0,
    jobs_created: 0,
    jobs_unchanged: 0,
  };
  private readonly errors: PartError[] = [];
  /** Every tenant id read → the customer owning it (itself for a customer, the customer for its units). */
  private readonly owner = new Map<string, Tenant>();
  private readonly client = new Map<string, string>();

  constructor(
    private readonly cfg: AcronisConfig,
    private readonly api: AcronisApi,
    private readonly ctx: SyncContext,
  ) {}

  async run(): Promise<SyncResult> {
    const prev = readCursor(this.ctx.cursor);
    const now = this.ctx.now;
    const horizon = prev?.horizon ?? now - HISTORY_DAYS * DAY;
    const from = prev ? Math.max(horizon, prev.to - this.cfg.overlap_minutes * MINUTE) : horizon;

    const root = await ownTenant(this.api, this.cfg.client_id);
    await this.walk(root, null);
    for await (const page of this.api.pages<AcronisActivity>(ACTIVITIES_PATH, { completedAt: `gt(${rfc3339(from)})`, policyType: 'backup' })) {
      this.counts.activities_seen += page.length;
      const jobs: NormalisedJob[] = [];
      for (const a of page) {
        const customer = a.tenant?.id ? this.owner.get(a.tenant.id) : undefined;
        const job = customer ? mapActivity(a, this.ctx.source, this.clientOf(customer)) : null;
        if (job) jobs.push(job);
        else this.counts.activities_unplaced++;
      }
      await this.emitChanged(jobs);
    }
    this.ctx.signal.throwIfAborted();
    return { cursor: { v: 1, horizon, to: now } satisfies AcronisCursor, outcome: this.outcome(), counts: { ...this.counts }, errors: this.errors };
  }

  private clientOf(t: Tenant): string {
    let name = this.client.get(t.id);
    if (name === undefined) {
      name = this.ctx.clientFor(t);
      this.client.set(t.id, name);
    }
    return name;
  }

  /** A tenant and everything under it; `customer` is the customer above it (null above the customers). */
  private async walk(t: TenantInfo & { id: string }, customer: Tenant | null): Promise<void> {
    this.counts.tenants++;
    let owner = customer;
    if (!owner && t.kind === 'customer') {
      owner = { id: t.id, name: t.name ?? t.id };
      this.counts.customers++;
      this.clientOf(owner);
    }
    if (owner) this.owner.set(t.id, owner);
    let children: string[] = [];
    try {
      const res = await this.api.get<{ items?: unknown[] }>(`/api/2/tenants/${encodeURIComponent(t.id)}/children`);
      children = (res?.items ?? []).filter((x): x is string => typeof x === 'string');
    } catch (err) {
      this.fail(`tenant ${t.name ?? t.id}`, err);
      return;
    }
    for (const id of children) {
      let child: TenantInfo;
      try {
        child = await this.api.get<TenantInfo>(`/api/2/tenants/${encodeURIComponent(id)}`);
      } catch (err) {
        this.fail(`tenant ${id}`, err);
        continue;
      }
      await this.walk({ ...child, id }, owner);
    }
  }

  private fail(scope: string, err: unknown): void {
    // Throttled past patience: every further call would fail the same way; the sync stops (integration_quota).
    if (this.ctx.signal.aborted || err instanceof ConnectorQuotaError) throw err;
    this.counts.tenants_failed++;
    this.errors.push({ scope, kind: kindOf(err), message: (err as Error).message });
  }

  private outcome(): SyncResult['outcome'] {
    return outcomeOfParts(this.errors);
  }

  private async emitChanged(jobs: NormalisedJob[]): Promise<void> {
    await emitChanged(this.ctx, jobs, this.counts);
  }
}
