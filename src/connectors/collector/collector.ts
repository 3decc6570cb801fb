// `keepwatch collect` (docs/collector.md): runs pull connectors at a client's site with no
// database — a state file (cursors) and an on-disk buffer — and pushes what they read to a central
// Keepwatch over POST /api/v1/jobs with an ingest token limited to that client. Every connector
// type runs the same way, through the ConnectorType interface only.
//
// Guarantees: emit() resolves only once its jobs are fsync'd in the buffer, and a connector's
// cursor is saved only after its sync returned — so the cursor never passes a job that is not on
// disk. A buffered batch is deleted only after the centre answered 202; until then it is re-sent
// (after a restart too). Re-sending is harmless: jobs are idempotent on (source, external_id), and
// the source is fixed per collector connector (`collector:<collector>:<connector>`).
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { JobReport } from '../../domain/job.js';
import { clampFuture } from '../../domain/job-build.js';
import type { IntegrationService } from '../../engine/integrations.js';
import { type Clock, sleepOn, systemClock } from '../../lib/clock.js';
import { outcomeOf, type SyncResult } from '../types.js';
import { JobBuffer, toReport } from './buffer.js';
import { collectorSource, type Heartbeat } from './centre.js';
import type { CollectorConfig, CollectorConnectorConfig } from './config.js';
import { StateFile } from './state.js';

type SyncOutcome = Parameters<IntegrationService['report']>[1];

export const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The centre cannot be reached, or answered 5xx/429: try again later. */
export class CentreUnavailableError extends Error {
  override name = 'CentreUnavailableError';
}
/** The centre refused the token (401/403): sending stops until a person fixes it. */
export class CentreRefusedError extends Error {
  override name = 'CentreRefusedError';
}

export interface CollectorOptions {
  clock?: Clock;
  logger: Logger;
  /** First retry after this long while the centre is unreachable; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** `--once`: how many times to try delivering before giving up (the buffer keeps the rest). */
  onceAttempts?: number;
  /** Per request to the centre. */
  timeoutMs?: number;
}

export interface SyncReport {
  connector: string;
  type: string;
  outcome: 'ok' | 'auth' | 'quota' | 'other';
  error: string | null;
  emitted: number;
  counts: Record<string, number>;
}

export interface CycleReport {
  syncs: SyncReport[];
  delivered: number;
  /** Jobs still in the buffer. */
  buffered: number;
  /** Why the centre could not be reached or refused (null: it took everything). */
  centreError: string | null;
  refused: boolean;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

export class Collector {
  readonly buffer: JobBuffer;
  readonly state: StateFile;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly running = new Set<AbortController>();
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private loopDone: Promise<void> | null = null;
  /** Set once the centre refused the token: nothing more is sent until a restart. */
  private refused: string | null = null;
  private attempts = 0;
  private retryAt = 0;

  constructor(
    readonly config: CollectorConfig,
    private readonly options: CollectorOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.logger.child({ collector: config.name });
    this.buffer = new JobBuffer(config.bufferDir);
    this.state = StateFile.open(config.stateFile);
  }

  /** `--once`: every connector once, then deliver the buffer (retrying a few times) and report. */
  async runOnce(): Promise<CycleReport> {
    await this.learnClient();
    const syncs: SyncReport[] = [];
    for (const c of this.config.connectors) syncs.push(await this.syncConnector(c));
    const attempts = this.options.onceAttempts ?? 4;
    let delivery = await this.contact();
    for (let i = 1; i < attempts && delivery.centreError !== null && !delivery.refused; i++) {
      await sleepOn(this.clock, this.backoff(i - 1));
      delivery = await this.contact();
    }
    return { syncs, ...delivery };
  }

  /** Runs until stop(): connectors when due, then a heartbeat and delivery; backs off while the centre is away. */
  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.running) c.abort(new Error('the collector is stopping'));
    this.wakeUp?.();
    await this.loopDone;
  }

  /**
   * Before the first sync: ask the centre which client the token writes to, so ctx.clientFor
   * answers it. Unreachable or refused: the syncs run anyway (the jobs wait in the buffer; the
   * centre files them under the token's client whatever they say) and contact() reports why.
   */
  private async learnClient(): Promise<void> {
    if (this.state.state.client !== null) return;
    try {
      await this.heartbeat();
    } catch (err) {
      this.log.debug({ err: errorText(err) }, 'could not ask the centre for the token’s client before syncing');
    }
  }

  private async loop(): Promise<void> {
    await this.learnClient();
    while (!this.stopped) {
      const now = this.clock.now();
      const due = this.config.connectors.filter((c) => this.state.connector(c.name, c.type, now).next_run_at <= now);
      for (const c of due) {
        if (this.stopped) break;
        await this.syncConnector(c);
      }
      // After a sync, at once (unless backing off from an unreachable centre); otherwise a heartbeat a minute.
      const contactDue = this.clock.now() >= this.retryAt || (due.length > 0 && this.attempts === 0);
      if (!this.stopped && this.refused === null && contactDue) {
        const r = await this.contact();
        if (r.centreError !== null && !r.refused) {
          this.retryAt = this.clock.now() + this.backoff(this.attempts++);
          this.log.warn({ err: r.centreError, buffered: r.buffered, retry_in_s: Math.round((this.retryAt - this.clock.now()) / 1000) }, 'the central Keepwatch is unreachable; jobs stay buffered on disk');
        } else if (r.centreError === null) {
          this.attempts = 0;
          this.retryAt = this.clock.now() + 60_000;
        }
      }
      if (this.stopped) break;
      const nextDue = Math.min(...this.config.connectors.map((c) => this.state.connector(c.name, c.type, this.clock.now()).next_run_at));
      const wait = Math.max(1000, Math.min(nextDue, this.refused === null ? this.retryAt : Number.POSITIVE_INFINITY, this.clock.now() + 60_000) - this.clock.now());
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffMs ?? 5000;
    const max = this.options.maxBackoffMs ?? 5 * 60_000;
    const ms = Math.min(max, base * 2 ** Math.min(attempt, 20));
    return Math.round(ms * (0.8 + Math.random() * 0.4));
  }

  /** One sync of one connector: jobs into the buffer, then (only if it returned) the cursor into the state file. */
  async syncConnector(c: CollectorConnectorConfig): Promise<SyncReport> {
    const startedAt = this.clock.now();
    const st = this.state.connector(c.name, c.type, startedAt);
    const controller = new AbortController();
    this.running.add(controller);
    let emitted = 0;
    let result: SyncResult | null = null;
    let error: unknown = null;
    try {
      const connector = c.connectorType.create(c.config, { now: () => this.clock.now(), sleep: (ms) => sleepOn(this.clock, ms), logger: this.log.child({ connector: c.name }) });
      result = await connector.sync({
        source: collectorSource(this.config.name, c.name),
        cursor: st.cursor,
        now: startedAt,
        emit: async (jobs) => {
          const now = this.clock.now();
          this.buffer.append(jobs.map((j) => toReport(clampFuture(j, now))));
          emitted += jobs.length;
          // The centre says what was new when it takes them; here, every job is "new".
          return { created: jobs.length };
        },
        // No database here: nothing is known, so overlapping windows are re-sent; the centre keeps one copy.
        known: async () => new Map(),
        // The centre files every job under the token's client (docs/collector.md).
        clientFor: (tenant) => this.state.state.client?.name ?? tenant.name,
        signal: controller.signal,
      });
    } catch (err) {
      error = err;
    } finally {
      this.running.delete(controller);
    }
    const outcome: SyncOutcome = result ? result.outcome : outcomeOf(error);
    const message = result ? (result.errors.length > 0 ? result.errors.map((e) => `${e.scope}: ${e.message}`).join('; ') : null) : errorText(error);
    const finishedAt = this.clock.now();
    if (result) st.cursor = result.cursor;
    st.last_run_at = finishedAt;
    st.next_run_at = controller.signal.aborted && !result ? finishedAt : Math.max(startedAt + c.intervalMs, finishedAt);
    st.outcome = outcome.ok ? 'ok' : outcome.kind;
    st.error = outcome.ok ? message : (message ?? outcome.error);
    this.state.save();
    const report: SyncReport = { connector: c.name, type: c.type, outcome: st.outcome, error: st.error, emitted, counts: result?.counts ?? {} };
    if (outcome.ok && !message) this.log.info({ connector: c.name, jobs: emitted, counts: report.counts }, 'sync done; jobs buffered');
    else this.log.warn({ connector: c.name, jobs: emitted, outcome: st.outcome, error: st.error, cursor_saved: result !== null }, 'sync did not fully succeed');
    return report;
  }

  /** Heartbeat, then the buffer, oldest batch first. */
  private async contact(): Promise<Omit<CycleReport, 'syncs'>> {
    let delivered = 0;
    if (this.refused !== null) return { delivered, buffered: this.buffer.count(), centreError: this.refused, refused: true };
    try {
      await this.heartbeat();
      for (const file of this.buffer.pending()) {
        // Stopping: the rest stays buffered for the next start.
        if (this.stopped) break;
        delivered += await this.send(file);
      }
      return { delivered, buffered: this.buffer.count(), centreError: null, refused: false };
    } catch (err) {
      if (err instanceof CentreRefusedError) {
        this.refused = err.message;
        this.log.error({ err: err.message, central_url: this.config.centralUrl }, 'THE CENTRAL KEEPWATCH REFUSED THIS COLLECTOR\'S TOKEN: nothing more is sent until the token is fixed and the collector restarted; jobs stay buffered on disk');
        return { delivered, buffered: this.buffer.count(), centreError: err.message, refused: true };
      }
      return { delivered, buffered: this.buffer.count(), centreError: errorText(err), refused: false };
    }
  }

  private async heartbeat(): Promise<void> {
    const body: Heartbeat = {
      name: this.config.name,
      version: VERSION,
      connectors: this.config.connectors.map((c) => {
        const st = this.state.state.connectors[c.name];
        return {
          name: c.name,
          type: c.type,
          last_run_at: st?.last_run_at ? new Date(st.last_run_at).toISOString() : null,
          outcome: st?.outcome ?? null,
          error: st?.error ? st.error.slice(0, 2000) : null,
          interval_minutes: Math.max(1, Math.round(c.intervalMs / 60_000)),
        };
      }),
    };
    const answer = (await this.post('/api/v1/collectors/heartbeat', JSON.stringify(body), 200)) as { client: { id: string; name: string } | null };
    const client = answer.client ?? null;
    if (JSON.stringify(client) !== JSON.stringify(this.state.state.client)) {
      this.state.state.client = client;
      this.state.save();
    }
  }

  /** One buffered batch to the centre; answers how many jobs it took. */
  private async send(file: string): Promise<number> {
    const batch = this.buffer.read(file);
    // A token limited to one client: the centre files the jobs there (a job naming another client would be refused).
    const limited = this.state.state.client !== null;
    const jobs: JobReport[] = limited ? batch.jobs.map((j) => ({ ...j, client: null })) : batch.jobs;
    try {
      await this.post('/api/v1/jobs', JSON.stringify({ jobs }), 202);
    } catch (err) {
      if (err instanceof CentreInvalidError) {
        const where = this.buffer.reject(file);
        this.log.error({ err: err.message, file: where, jobs: jobs.length }, 'the central Keepwatch refused a buffered batch as invalid; it is kept aside for a person and not re-sent');
        return 0;
      }
      throw err;
    }
    this.buffer.remove(file);
    return jobs.length;
  }

  private async post(path: string, body: string, expect: number): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.config.centralUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.config.token}`, 'content-type': 'application/json', 'user-agent': `keepwatch-collector/${VERSION}` },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (err) {
      throw new CentreUnavailableError(`cannot reach ${this.config.centralUrl}: ${errorText(err)}`);
    }
    const text = await res.text().catch(() => '');
    if (res.status === expect) return text === '' ? null : (JSON.parse(text) as unknown);
    const detail = (() => {
      try {
        const p = JSON.parse(text) as { detail?: string; title?: string };
        return p.detail ?? p.title ?? text.slice(0, 300);
      } catch {
        return text.slice(0, 300);
      }
    })();
    const what = `${this.config.centralUrl}${path} answered ${res.status}: ${detail}`;
    if (res.status === 401 || res.status === 403) throw new CentreRefusedError(what);
    if (res.status === 400 || res.status === 413 || res.status === 422) throw new CentreInvalidError(what);
    throw new CentreUnavailableError(what);
  }
}

/** The centre refused a batch as invalid (400/413/422): re-sending it would never work. */
export class CentreInvalidError extends Error {
  override name = 'CentreInvalidError';
}
