// The Datto BCDR connector (issue #19): the Partner Portal REST API's appliances and the agents
// and shares they protect; see docs/connectors/datto.md for what it reads and how it maps it.
import { type NormalisedJob, nameKey } from '../../domain/job.js';
import { emitChanged } from '../common/changed.js';
import { ConnectorHttpError, Throttle } from '../http.js';
import {
  type Connector,
  ConnectorAuthError,
  type ConnectorDeps,
  ConnectorQuotaError,
  type ConnectorType,
  outcomeOfParts,
  type PartError,
  type SyncContext,
  type SyncResult,
  type TestReport,
  type TestStep,
} from '../types.js';
import { DattoApi, type DattoDevice } from './api.js';
import { type DattoConfig, DattoConfigSchema, resolveDattoConfig } from './config.js';
import { applianceFacts, applianceRecord, assetRecords, type MapContext } from './map.js';

export const THROTTLE_PATIENCE_MS = 5 * 60_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const APPLIANCE_CONCURRENCY = 4;
/** An appliance's unchanged storage facts are recorded again after this long. */
const FACTS_HEARTBEAT = DAY;

interface ApplianceCursor {
  /** The end of the last window read for this appliance. */
  to: number;
  /** The last recorded appliance facts and when. */
  fp: string;
  at: number;
}

export interface DattoCursor {
  v: 1;
  appliances: Record<string, ApplianceCursor>;
}

function readCursor(raw: unknown): DattoCursor {
  const c = raw as Partial<DattoCursor> | null;
  return c && c.v === 1 && c.appliances ? { v: 1, appliances: { ...c.appliances } } : { v: 1, appliances: {} };
}

function kindOf(err: unknown): PartError['kind'] {
  if (err instanceof ConnectorAuthError) return 'auth';
  if (err instanceof ConnectorQuotaError) return 'quota';
  return 'other';
}

/** The platform tenant of an appliance: its organisation (id when given), else the connector's own client. */
export function tenantOf(d: DattoDevice, fallback: string): { id: string; name: string } {
  const name = String(d.clientCompanyName ?? d.organizationName ?? '').trim();
  if (name === '') return { id: 'unassigned', name: fallback };
  const id = d.organizationId !== undefined && d.organizationId !== null ? `org:${d.organizationId}` : `name:${nameKey(name)}`;
  return { id, name };
}

class DattoSync {
  readonly counts = { appliances: 0, appliances_failed: 0, assets: 0, jobs_seen: 0, jobs_recorded: 0, jobs_created: 0, jobs_unchanged: 0 };
  readonly errors: PartError[] = [];
  private readonly prev: DattoCursor;
  private readonly next: DattoCursor;

  constructor(
    private readonly cfg: DattoConfig,
    private readonly api: DattoApi,
    private readonly ctx: SyncContext,
  ) {
    this.prev = readCursor(ctx.cursor);
    this.next = { v: 1, appliances: {} };
  }

  async run(): Promise<SyncResult> {
    const appliances: DattoDevice[] = [];
    for await (const page of this.api.devices()) appliances.push(...page.filter((d) => typeof d.serialNumber === 'string' && d.serialNumber !== ''));
    this.counts.appliances = appliances.length;
    let i = 0;
    const worker = async () => {
      while (i < appliances.length) await this.appliance(appliances[i++]!);
    };
    await Promise.all(Array.from({ length: Math.min(APPLIANCE_CONCURRENCY, appliances.length) }, worker));
    this.ctx.signal.throwIfAborted();
    return { cursor: this.next, outcome: this.outcome(), counts: { ...this.counts }, errors: this.errors };
  }

  private outcome(): SyncResult['outcome'] {
    return outcomeOfParts(this.errors);
  }

  private async appliance(d: DattoDevice): Promise<void> {
    const serial = d.serialNumber!;
    const name = String(d.name ?? '').trim() || serial;
    const ctx: MapContext = { source: this.ctx.source, client: this.ctx.clientFor(tenantOf(d, this.cfg.client)), serial, appliance: name };
    const prev = this.prev.appliances[serial];
    const now = this.ctx.now;
    const from = prev ? prev.to - this.cfg.overlap_minutes * MINUTE : now - this.cfg.history_days * DAY;
    try {
      const assets = await this.api.assets(serial);
      this.counts.assets += assets.length;
      const jobs = assets.flatMap((a) => assetRecords(a, ctx, from, now, !prev));
      // The appliance's storage facts, when they changed or a day after they were last recorded.
      const fp = JSON.stringify(applianceFacts(d));
      let facts = prev ? { fp: prev.fp, at: prev.at } : { fp: '', at: 0 };
      if (!prev || prev.fp !== fp || now - prev.at >= FACTS_HEARTBEAT) {
        jobs.push(applianceRecord(d, ctx, now));
        facts = { fp, at: now };
      }
      this.counts.jobs_seen += jobs.length;
      await this.emitChanged(jobs);
      this.next.appliances[serial] = { to: now, ...facts };
    } catch (err) {
      if (this.ctx.signal.aborted) throw err;
      this.counts.appliances_failed++;
      // Its window is read again next time.
      if (prev) this.next.appliances[serial] = prev;
      this.errors.push({ scope: `appliance ${name} (${serial})`, kind: kindOf(err), message: (err as Error).message });
    }
  }

  private async emitChanged(jobs: NormalisedJob[]): Promise<void> {
    await emitChanged(this.ctx, jobs, this.counts);
  }
}

class DattoConnector implements Connector {
  constructor(
    private readonly cfg: DattoConfig,
    private readonly deps: ConnectorDeps,
  ) {}

  private client(signal?: AbortSignal): { api: DattoApi; throttle: Throttle } {
    const throttle = new Throttle(THROTTLE_PATIENCE_MS);
    const http = { now: this.deps.now, sleep: this.deps.sleep, signal, tls: this.cfg.tls };
    return { api: new DattoApi(this.cfg.url, this.cfg.public_key, this.cfg.private_key, http, throttle), throttle };
  }

  async sync(ctx: SyncContext): Promise<SyncResult> {
    const { api, throttle } = this.client(ctx.signal);
    const sync = new DattoSync(this.cfg, api, ctx);
    const result = await sync.run();
    this.deps.logger.debug({ counts: sync.counts, requests: api.requests }, 'datto sync finished');
    return { ...result, counts: { ...result.counts, requests: api.requests, throttled: throttle.throttled, throttle_wait_ms: throttle.waitedMs } };
  }

  /** The keys (the appliance list), then the asset list of the first appliance: the first failure says what is wrong. */
  async test(): Promise<TestReport> {
    const { api } = this.client();
    const steps: TestStep[] = [];
    const done = () => ({ ok: steps.every((s) => s.ok), steps });
    let first: DattoDevice | undefined;
    let count = 0;
    try {
      for await (const page of api.devices()) {
        first ??= page[0];
        count += page.length;
        break;
      }
      steps.push({ step: 'keys', ok: true, message: `${this.cfg.url} accepted public key ${this.cfg.public_key}` });
      steps.push({ step: 'devices', ok: true, message: count === 0 ? 'no BCDR appliances are visible to these keys' : `BCDR appliances listed (first page: ${count})` });
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof ConnectorAuthError) steps.push({ step: 'keys', ok: false, message: `${message} — check the public and secret key of the REST API key pair` });
      else if (err instanceof ConnectorHttpError && err.status === null) steps.push({ step: 'connect', ok: false, message });
      else steps.push({ step: 'devices', ok: false, message });
      return done();
    }
    if (first?.serialNumber) {
      try {
        const assets = await api.assets(first.serialNumber);
        steps.push({ step: 'assets', ok: true, message: `${first.name ?? first.serialNumber}: ${assets.length} agent(s) and share(s)` });
      } catch (err) {
        steps.push({ step: 'assets', ok: false, message: `${first.name ?? first.serialNumber}: ${(err as Error).message}` });
      }
    }
    return done();
  }
}

export const dattoConnector: ConnectorType<DattoConfig> = {
  type: 'datto',
  secretFields: ['private_key'],
  configSchema: DattoConfigSchema,
  resolve: resolveDattoConfig,
  // The client of appliances without a client company is the connector's name when it is created: renaming it later must not move devices.
  initialConfig: (config, name) => ({ ...config, client: typeof config.client === 'string' && config.client.trim() !== '' ? config.client : name }),
  intervalMs: (c) => c.interval_minutes * 60_000,
  create: (config, deps) => new DattoConnector(config, deps),
};
