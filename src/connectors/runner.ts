// Runs connector syncs. A run claims its connector (a lease in the database, renewed while it
// runs), records a connector_runs row, lets the connector emit jobs into recordJobs, then, only
// if it still holds the claim, saves the new cursor and the next run time, and reports the
// sync's health to IntegrationService (which raises or resolves integration_auth/_quota).
import type { Logger } from 'pino';
import { connectorType } from './registry.js';
import { type Connector, type ConnectorType, outcomeOf, type SyncResult } from './types.js';
import type { Metrics } from '../ops/metrics.js';
import type { ConnectorRepository } from '../db/repositories/connectors.js';
import type { ConnectorRow, ConnectorRunRow } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { clampFuture } from '../domain/job-build.js';
import { type Clock, sleepOn } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { SecretBox } from '../lib/secret-box.js';
import { openSecrets } from '../lib/secret-config.js';
import type { IngestService } from '../ingest/service.js';
import type { IntegrationService, SyncOutcome } from '../engine/integrations.js';
import type { ConnectorTenantService, TenantResolver } from './tenants.js';

export type RunTrigger = 'schedule' | 'manual' | 'cli';

export interface RunnerOptions {
  leaseMs: number;
}

/** A connector's stored config, secrets opened, defaults filled in. */
export function resolvedConfig(type: ConnectorType, row: ConnectorRow, secrets: SecretBox) {
  let config: Record<string, unknown>;
  try {
    config = openSecrets(secrets, JSON.parse(row.config) as Record<string, unknown>, type.secretFields);
  } catch {
    throw new Error(`cannot decrypt the stored ${type.secretFields.join(', ')}: was KEEPWATCH_SECRET_KEY changed? Set the secret again (PATCH the connector)`);
  }
  return type.resolve(config, row.name);
}

function summarise(result: SyncResult | null, error: unknown): string | null {
  if (!result) return error instanceof Error ? error.message : String(error);
  if (result.errors.length === 0) return null;
  return result.errors.map((e) => `${e.scope}: ${e.message}`).join('; ').slice(0, 2000);
}

export interface ConnectorRunnerDeps {
  repo: ConnectorRepository;
  ingest: IngestService;
  integrations: IntegrationService;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  options: RunnerOptions;
  metrics?: Metrics | null;
  /** Tenant → client mapping (docs/connectors.md, "Tenants and clients"); absent: each tenant's name as read. */
  tenants?: ConnectorTenantService;
}

export class ConnectorRunner {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();

  constructor(private readonly d: ConnectorRunnerDeps) {}

  /** Syncs one connector now. ConflictError while a sync of it runs (here or on another instance). */
  async syncNow(id: string, trigger: RunTrigger): Promise<ConnectorRunRow> {
    const runId = newId(this.d.clock.now());
    const row = await this.d.repo.claim(id, runId, this.d.clock.now(), this.d.options.leaseMs);
    if (!row) {
      const exists = await this.d.repo.byId(id);
      if (!exists) throw new NotFoundError('connector', id);
      throw new ConflictError(`a sync of connector "${exists.name}" is already running; try again when it has finished`);
    }
    return this.execute(row, runId, trigger);
  }

  /** Claims up to `limit` connectors that are due; the caller runs each with execute(). */
  async claimDue(limit: number): Promise<Array<{ row: ConnectorRow; runId: string }>> {
    const now = this.d.clock.now();
    const claimed: Array<{ row: ConnectorRow; runId: string }> = [];
    for (const id of await this.d.repo.due(now, limit)) {
      const runId = newId(now);
      const row = await this.d.repo.claim(id, runId, now, this.d.options.leaseMs);
      if (row) claimed.push({ row, runId });
    }
    return claimed;
  }

  /** Runs every connector that is due, one after another (tests, `keepwatch sync --due`). */
  async runDue(): Promise<ConnectorRunRow[]> {
    const runs: ConnectorRunRow[] = [];
    for (const { row, runId } of await this.claimDue(100)) runs.push(await this.execute(row, runId, 'schedule'));
    return runs;
  }

  /** Stops running syncs (shutdown) and waits for them to record how far they got; they keep their old cursors. */
  async abortAll(): Promise<void> {
    for (const r of this.running.values()) r.controller.abort(new Error('keepwatch is stopping'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  execute(row: ConnectorRow, runId: string, trigger: RunTrigger): Promise<ConnectorRunRow> {
    const controller = new AbortController();
    const done = this.run(row, runId, trigger, controller).finally(() => this.running.delete(runId));
    this.running.set(runId, { controller, done });
    return done;
  }

  private async run(row: ConnectorRow, runId: string, trigger: RunTrigger, controller: AbortController): Promise<ConnectorRunRow> {
    const startedAt = this.d.clock.now();
    await this.d.repo.abandonRuns(row.id, startedAt);
    const run: ConnectorRunRow = { id: runId, connector_id: row.id, trigger, status: 'running', outcome: null, started_at: startedAt, finished_at: null, counts: '{}', errors: '[]', error: null };
    await this.d.repo.insertRun(run);
    const heartbeat = setInterval(() => void this.renew(row.id, runId, controller), Math.max(1000, this.d.options.leaseMs / 4));
    heartbeat.unref();
    let result: SyncResult | null = null;
    let error: unknown = null;
    try {
      result = await this.sync(row, startedAt, controller.signal);
    } catch (err) {
      error = err;
    } finally {
      clearInterval(heartbeat);
    }
    return this.finish(row, run, result, error, controller.signal.aborted);
  }

  private async renew(id: string, runId: string, controller: AbortController): Promise<void> {
    try {
      const held = await this.d.repo.renew(id, runId, this.d.clock.now() + this.d.options.leaseMs);
      if (!held) controller.abort(new Error('this sync lost its claim on the connector (another instance took it over)'));
    } catch (err) {
      this.d.logger.warn({ err, connector: id }, 'could not renew the connector claim');
    }
  }

  private async sync(row: ConnectorRow, startedAt: number, signal: AbortSignal): Promise<SyncResult> {
    const type = connectorType(row.type);
    if (!type) throw new Error(`unknown connector type "${row.type}"`);
    const connector = type.create(resolvedConfig(type, row, this.d.secrets), {
      now: () => this.d.clock.now(),
      sleep: (ms) => sleepOn(this.d.clock, ms),
      logger: this.d.logger.child({ connector: row.id }),
    });
    const tenants: TenantResolver | null = this.d.tenants ? await this.d.tenants.resolver(row.id) : null;
    try {
      return await this.syncWith(connector, row, startedAt, signal, tenants);
    } finally {
      // The tenants seen are recorded whatever became of the sync (a partial one saw them too).
      if (tenants) await this.d.tenants?.recordSeen(row.id, tenants).catch((err: unknown) => this.d.logger.warn({ err, connector: row.id }, 'could not record the tenants seen'));
    }
  }

  private syncWith(connector: Connector, row: ConnectorRow, startedAt: number, signal: AbortSignal, tenants: TenantResolver | null): Promise<SyncResult> {
    return connector.sync({
      source: row.source,
      cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as unknown),
      now: startedAt,
      emit: async (jobs) => {
        // A vendor cannot be refused: a time ahead of our clock is stored as received, flagged.
        const now = this.d.clock.now();
        const recorded = await this.d.ingest.recordJobs(jobs.map((j) => clampFuture(j, now)));
        return { created: recorded.filter((r) => r.created).length };
      },
      known: (ids) => this.d.repo.knownJobs(row.source, ids),
      clientFor: (tenant) => (tenants ? tenants.clientFor(tenant) : tenant.name),
      signal,
    });
  }

  private async finish(row: ConnectorRow, run: ConnectorRunRow, result: SyncResult | null, error: unknown, aborted: boolean): Promise<ConnectorRunRow> {
    const finishedAt = this.d.clock.now();
    const outcome: SyncOutcome = result ? result.outcome : outcomeOf(error);
    const status = result ? (result.errors.length > 0 ? 'partial' : 'succeeded') : aborted ? 'abandoned' : 'failed';
    const lastError = summarise(result, error);
    // The next run is one interval after this one started, so a schedule does not drift by sync time.
    const held = await this.d.repo.release(row.id, run.id, {
      cursor: result ? JSON.stringify(result.cursor) : row.cursor,
      // A sync stopped by shutdown is due again at once (another instance may take it).
      next_run_at: status === 'abandoned' ? finishedAt : Math.max(run.started_at + row.interval_ms, finishedAt),
      last_run_id: run.id,
      last_run_at: finishedAt,
      last_status: status,
      last_error: lastError,
    });
    const done: ConnectorRunRow = {
      ...run,
      status: held ? status : 'abandoned',
      outcome: outcome.ok ? 'ok' : outcome.kind,
      finished_at: finishedAt,
      counts: JSON.stringify(result?.counts ?? {}),
      errors: JSON.stringify(result?.errors ?? []),
      error: held ? lastError : `${lastError ?? ''} (the claim was lost: the cursor was not saved)`.trim(),
    };
    await this.d.repo.finishRun(run.id, done);
    this.d.metrics?.connectorSyncs.inc({ type: row.type, outcome: outcome.ok ? 'ok' : outcome.kind === 'other' ? 'error' : outcome.kind });
    this.d.metrics?.connectorSyncDuration.observe({ type: row.type }, Math.max(0, finishedAt - run.started_at) / 1000);
    if (held) await this.d.integrations.report({ id: row.id, name: row.name, type: row.type, source: row.source }, outcome);
    if (status !== 'succeeded') this.d.logger.warn({ connector: row.id, run: run.id, status, error: lastError }, 'connector sync did not fully succeed');
    return done;
  }
}
