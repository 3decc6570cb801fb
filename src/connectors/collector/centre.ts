// The centre's side of collector mode (docs/collector.md): a `keepwatch collect` process at a
// client's site calls in after every cycle with what each of its connectors did. Here each call
// updates the collector's row, reports each connector's outcome to IntegrationService (so an
// `auth` outcome raises integration_auth for `collector:<id>:<connector>` exactly as a connector
// run here does, and `ok` resolves it), and resolves a collector_stale alert. A periodic check
// (the connector scheduler's loop) raises collector_stale for a collector silent too long.
import type { AlertRepository } from '../../db/repositories/alerts.js';
import type { CollectorRepository } from '../../db/repositories/collectors.js';
import type { CollectorRow } from '../../db/schema.js';
import type { Transactor } from '../../db/transaction.js';
import type { Principal } from '../../domain/access.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Condition } from '../../domain/history.js';
import { nameKey } from '../../domain/job.js';
import { baseSeverity } from '../../domain/settings.js';
import type { AlertNames, AlertWriter } from '../../engine/alert-writer.js';
import type { IntegrationService, SyncOutcome } from '../../engine/integrations.js';
import type { SettingsService } from '../../engine/settings.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';

export const COLLECTOR_OUTCOMES = ['ok', 'auth', 'quota', 'other'] as const;
export type CollectorOutcome = (typeof COLLECTOR_OUTCOMES)[number];

/** A collector is stale after 3 × its longest connector interval, and never sooner than this. */
export const MIN_STALE_MS = 15 * 60_000;
/** Interval assumed for a connector whose heartbeat does not say (the connectors' default). */
const DEFAULT_INTERVAL_MINUTES = 60;

export interface HeartbeatConnector {
  name: string;
  type: string;
  last_run_at: string | null;
  /** null: not run yet. */
  outcome: CollectorOutcome | null;
  error: string | null;
  interval_minutes?: number | null;
}

export interface Heartbeat {
  name: string;
  version?: string | null;
  connectors: HeartbeatConnector[];
}

export interface CollectorView {
  id: string;
  name: string;
  client_id: string | null;
  client_name: string | null;
  version: string | null;
  last_contact_at: number;
  stale_after_ms: number;
  stale: boolean;
  connectors: HeartbeatConnector[];
  created_at: number;
}

/** The integration a collector connector reports as (integration_auth/_quota, GET /integrations). */
export function collectorIntegration(collector: Pick<CollectorRow, 'id' | 'name'>, c: Pick<HeartbeatConnector, 'name' | 'type'>) {
  return { id: `collector:${collector.id}:${c.name}`, name: `${collector.name}: ${c.name}`, type: c.type, source: collectorSource(collector.name, c.name) };
}

/** The `source` of a collector connector's jobs: stable per collector and connector, so re-sent jobs are idempotent. */
export function collectorSource(collectorName: string, connectorName: string): string {
  return `collector:${collectorName}:${connectorName}`;
}

/** The integration id of a collector's own (stale) alert. */
export const staleId = (collectorId: string) => `collector:${collectorId}`;

function outcomeOf(c: HeartbeatConnector): SyncOutcome | null {
  if (c.outcome === null) return null;
  if (c.outcome === 'ok') return { ok: true };
  return { ok: false, kind: c.outcome, error: c.error?.trim() || `the collector reported ${c.outcome}` } as SyncOutcome;
}

export interface CollectorServiceDeps {
  repo: CollectorRepository;
  integrations: IntegrationService;
  db: Transactor;
  alerts: AlertRepository;
  writer: AlertWriter;
  settings: SettingsService;
  clock: Clock;
}

export class CollectorService {
  constructor(private readonly d: CollectorServiceDeps) {}

  /** A collector calls in. Its client is its token's (a token limited to one client) or none (an unlimited token). */
  async heartbeat(p: Principal, hb: Heartbeat): Promise<{ collector: CollectorView; client: { id: string; name: string } | null }> {
    if (p.clientIds !== null && p.clientIds.length !== 1) {
      throw new ForbiddenError("a collector's token must be limited to exactly one client (or to none): this one has several");
    }
    const seen = new Set<string>();
    hb.connectors.forEach((c, i) => {
      if (seen.has(nameKey(c.name))) throw ValidationError.field(`connectors[${i}].name`, `"${c.name}" is named twice`);
      seen.add(nameKey(c.name));
    });
    const now = this.d.clock.now();
    const key = nameKey(hb.name);
    const before = await this.d.repo.byTokenAndName(p.id, key);
    const longest = Math.max(0, ...hb.connectors.map((c) => c.interval_minutes ?? DEFAULT_INTERVAL_MINUTES)) || DEFAULT_INTERVAL_MINUTES;
    const row = await this.d.repo.upsert({
      id: before?.id ?? newId(now),
      name: hb.name.trim(),
      name_key: key,
      client_id: p.clientIds === null ? null : p.clientIds[0]!,
      token_id: p.id,
      version: hb.version ?? null,
      last_contact_at: now,
      stale_after_ms: Math.max(MIN_STALE_MS, 3 * longest * 60_000),
      last_report: JSON.stringify(hb.connectors),
      created_at: before?.created_at ?? now,
    });
    // A run the centre has not heard of yet is reported once (ok moves last_success_at; auth raises).
    const previous = new Map((before ? (JSON.parse(before.last_report) as HeartbeatConnector[]) : []).map((c) => [nameKey(c.name), c]));
    for (const c of hb.connectors) {
      const outcome = outcomeOf(c);
      const old = previous.get(nameKey(c.name));
      if (outcome === null || (old && old.last_run_at === c.last_run_at && old.outcome === c.outcome)) continue;
      await this.d.integrations.report(collectorIntegration(row, c), outcome);
    }
    await this.resolveStale(row, 'the collector called in');
    const [view] = (await this.d.repo.list(null, row.id)).map((r) => this.view(r, now));
    return { collector: view!, client: view!.client_id === null ? null : { id: view!.client_id, name: view!.client_name ?? '' } };
  }

  /**
   * Forgets a decommissioned collector: its stale alert and its connectors' integration alerts
   * resolve, and it leaves the lists. Its jobs, devices and checks stay. If it calls in again, it
   * is back (as a new row).
   */
  async remove(id: string): Promise<void> {
    const row = await this.d.repo.byId(id);
    if (!row) throw new NotFoundError('collector', id);
    await this.resolveStale(row, 'the collector was removed');
    for (const c of JSON.parse(row.last_report) as HeartbeatConnector[]) await this.d.integrations.remove(collectorIntegration(row, c));
    await this.d.repo.delete(id);
  }

  async list(p: Principal): Promise<CollectorView[]> {
    const now = this.d.clock.now();
    return (await this.d.repo.list(p.clientIds)).map((r) => this.view(r, now));
  }

  /** Raises collector_stale for each collector silent past its limit. Answers how many it raised. */
  async checkStale(): Promise<number> {
    const now = this.d.clock.now();
    let raised = 0;
    for (const r of await this.d.repo.list(null)) {
      if (now - r.last_contact_at <= r.stale_after_ms) continue;
      const config = await this.d.settings.effective(r.client_id);
      if (!config.categories.collector_stale) continue;
      const minutes = Math.round((now - r.last_contact_at) / 60_000);
      const condition: Condition = {
        type: 'collector_stale',
        scope: 'integration',
        scopeId: staleId(r.id),
        checkId: null,
        severity: baseSeverity(config, 'collector_stale', 'warning'),
        title: `Collector ${r.name} has not called in for ${minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`}`,
        detail: {
          collector_id: r.id,
          last_contact_at: new Date(r.last_contact_at).toISOString(),
          stale_after_minutes: Math.round(r.stale_after_ms / 60_000),
          connectors: (JSON.parse(r.last_report) as HeartbeatConnector[]).map((c) => c.name),
        },
        since: r.last_contact_at + r.stale_after_ms,
        suppressed: false,
        inhibitedBy: null,
      };
      raised += await this.d.db.run(async (tx) => {
        const open = (await this.d.alerts.activeForIntegration(tx, staleId(r.id))).find((a) => a.type === 'collector_stale');
        if (open) return 0;
        await this.d.writer.raise(tx, condition, this.names(r), null, this.d.clock.now());
        return 1;
      });
    }
    return raised;
  }

  private async resolveStale(r: CollectorRow, note: string): Promise<void> {
    await this.d.db.run(async (tx) => {
      const now = this.d.clock.now();
      for (const a of await this.d.alerts.activeForIntegration(tx, staleId(r.id))) {
        if (a.type === 'collector_stale') await this.d.writer.resolve(tx, a, true, this.names(r), now, undefined, note);
      }
    });
  }

  private names(r: Pick<CollectorRow, 'id' | 'name' | 'client_id'> & { client_name?: string | null }): AlertNames {
    return {
      clientId: r.client_id,
      clientName: r.client_name ?? null,
      deviceId: null,
      deviceName: null,
      checkNames: new Map(),
      integrationId: staleId(r.id),
      integrationName: `Collector ${r.name}`,
    };
  }

  private view(r: CollectorRow & { client_name: string | null }, now: number): CollectorView {
    return {
      id: r.id,
      name: r.name,
      client_id: r.client_id,
      client_name: r.client_name,
      version: r.version,
      last_contact_at: r.last_contact_at,
      stale_after_ms: r.stale_after_ms,
      stale: now - r.last_contact_at > r.stale_after_ms,
      connectors: JSON.parse(r.last_report) as HeartbeatConnector[],
      created_at: r.created_at,
    };
  }
}
