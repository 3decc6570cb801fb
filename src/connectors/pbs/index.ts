// The Proxmox Backup Server connector (issue #19): one PBS server read with an API token; see
// docs/connectors/pbs.md for what it reads and how it maps it.
import { type NormalisedJob, nameKey } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';
import { peerCertificate } from '../../lib/outbound/index.js';
import { emitChanged } from '../common/changed.js';
import { Throttle } from '../http.js';
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
import { PbsApi, type PbsDatastore, type PbsDatastoreUsage, type PbsSnapshot } from './api.js';
import { type PbsConfig, PbsConfigSchema, resolvePbsConfig } from './config.js';
import { BACKUP_CHECK, type Group, groupDevice, type MapContext, mapTask, serverFacts, serverRecord, verificationRecords } from './map.js';

export const THROTTLE_PATIENCE_MS = 5 * 60_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Tasks still running are re-read until they finish, for at most this long after they started. */
const OPEN_TASK_MAX_AGE = 7 * DAY;
/** A backup task's snapshot is the group's snapshot whose backup-time is this close to the task's start. */
const SNAPSHOT_MATCH_S = 600;

export interface PbsCursor {
  v: 1;
  /** The end of the last window read. */
  to: number;
  /** Tasks seen running: [UPID, start ms]. */
  open: Array<[string, number]>;
  /** The last recorded server facts and when. */
  server: { fp: string; at: number } | null;
}

function readCursor(raw: unknown): PbsCursor | null {
  const c = raw as Partial<PbsCursor> | null;
  return c && c.v === 1 && typeof c.to === 'number' ? { v: 1, to: c.to, open: Array.isArray(c.open) ? c.open : [], server: c.server ?? null } : null;
}

function kindOf(err: unknown): PartError['kind'] {
  if (err instanceof ConnectorAuthError) return 'auth';
  if (err instanceof ConnectorQuotaError) return 'quota';
  return 'other';
}

/** The server's device name: its host name. */
export function serverName(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

class PbsSync {
  readonly counts = { datastores: 0, datastores_failed: 0, snapshots: 0, tasks_seen: 0, jobs_recorded: 0, jobs_created: 0, jobs_unchanged: 0 };
  readonly errors: PartError[] = [];
  private readonly prev: PbsCursor | null;
  private readonly map: MapContext;
  /** `store:type/id` → its snapshots' [backup-time, size]. */
  private readonly sizes = new Map<string, Array<[number, number | null]>>();

  constructor(
    private readonly cfg: PbsConfig,
    private readonly api: PbsApi,
    private readonly ctx: SyncContext,
  ) {
    this.prev = readCursor(ctx.cursor);
    this.map = { source: ctx.source, client: ctx.clientFor({ id: 'server', name: cfg.client }), server: serverName(cfg.url) };
  }

  async run(): Promise<SyncResult> {
    const now = this.ctx.now;
    const stores = await this.api.datastores();
    this.counts.datastores = stores.length;
    const horizon = now - this.cfg.history_days * DAY;
    let from = this.prev ? Math.max(horizon, this.prev.to - this.cfg.overlap_minutes * MINUTE) : horizon;
    for (const [, start] of this.prev?.open ?? []) if (start >= now - OPEN_TASK_MAX_AGE && start < from) from = start;

    const snapshots = new Map<string, PbsSnapshot[]>();
    for (const s of stores) {
      try {
        snapshots.set(s.store, await this.api.snapshots(s.store));
      } catch (err) {
        if (this.ctx.signal.aborted) throw err;
        this.counts.datastores_failed++;
        this.errors.push({ scope: `datastore ${s.store}`, kind: kindOf(err), message: (err as Error).message });
      }
    }
    for (const [store, list] of snapshots) {
      this.counts.snapshots += list.length;
      for (const snap of list) {
        const key = `${store}:${snap['backup-type']}/${snap['backup-id']}`;
        const arr = this.sizes.get(key) ?? [];
        arr.push([snap['backup-time'], typeof snap.size === 'number' ? snap.size : null]);
        this.sizes.set(key, arr);
      }
    }

    const open: Array<[string, number]> = [];
    const backedUp = new Set<string>();
    for await (const page of this.api.tasks(Math.floor(from / 1000))) {
      this.counts.tasks_seen += page.length;
      const jobs: NormalisedJob[] = [];
      for (const t of page) {
        const job = mapTask(t, this.map, (g, start) => this.sizeOf(g, start));
        if (!job) continue;
        jobs.push(job);
        if (job.status === 'running' && job.startedAt !== null) open.push([job.externalId!, job.startedAt]);
        if (job.operation === 'backup' && (job.status === 'succeeded' || job.status === 'warning')) backedUp.add(nameKey(job.device.name));
      }
      await this.emitChanged(jobs);
    }

    const records: NormalisedJob[] = [];
    for (const [store, list] of snapshots) {
      records.push(...verificationRecords(store, list, this.map, from));
      // The first sync shows every group with its newest snapshot when no good backup task of it is in the window.
      if (!this.prev) records.push(...this.lastSnapshots(store, list, backedUp));
    }
    await this.emitChanged(records);
    const server = await this.serverFacts(stores);
    this.ctx.signal.throwIfAborted();
    return { cursor: { v: 1, to: now, open, server } satisfies PbsCursor, outcome: this.outcome(), counts: { ...this.counts }, errors: this.errors };
  }

  private sizeOf(g: Group, start: number): number | null {
    let best: [number, number | null] | null = null;
    for (const s of this.sizes.get(`${g.store}:${g.type}/${g.id}`) ?? []) {
      const d = Math.abs(s[0] - start);
      if (d <= SNAPSHOT_MATCH_S && (best === null || d < Math.abs(best[0] - start))) best = s;
    }
    return best?.[1] ?? null;
  }

  private lastSnapshots(store: string, list: PbsSnapshot[], backedUp: Set<string>): NormalisedJob[] {
    const newest = new Map<string, PbsSnapshot>();
    for (const s of list) {
      const key = `${s['backup-type']}/${s['backup-id']}`;
      const cur = newest.get(key);
      if (!cur || cur['backup-time'] < s['backup-time']) newest.set(key, s);
    }
    const out: NormalisedJob[] = [];
    for (const [key, s] of newest) {
      const device = groupDevice(s['backup-type'], s['backup-id']);
      if (backedUp.has(nameKey(device.name))) continue;
      const at = s['backup-time'] * 1000;
      out.push(
        buildJob({
          source: this.ctx.source,
          externalId: `snapshot:${store}:${key}/${s['backup-time']}`,
          clientName: this.map.client,
          device: { class: 'server', ...device },
          check: { name: BACKUP_CHECK, kind: 'backup' },
          status: 'succeeded',
          rawStatus: 'snapshot',
          operation: 'backup',
          startedAt: at,
          endedAt: at,
          durationMs: null,
          bytes: typeof s.size === 'number' ? s.size : null,
          message: `Newest snapshot in datastore ${store} (no backup task of it in the task log read)`,
          raw: s,
        }),
      );
    }
    return out;
  }

  /** The server device's usage facts, recorded when they change or daily. */
  private async serverFacts(stores: PbsDatastore[]): Promise<PbsCursor['server']> {
    const prev = this.prev?.server ?? null;
    let usage: PbsDatastoreUsage[];
    try {
      usage = await this.api.usage();
    } catch (err) {
      if (this.ctx.signal.aborted) throw err;
      this.errors.push({ scope: 'datastore usage', kind: kindOf(err), message: (err as Error).message });
      return prev;
    }
    const visible = new Set(stores.map((s) => s.store));
    usage = usage.filter((u) => visible.size === 0 || visible.has(u.store));
    const fp = JSON.stringify([serverFacts(usage), usage.map((u) => u.error ?? '')]);
    if (prev && prev.fp === fp && this.ctx.now - prev.at < DAY) return prev;
    await this.emitChanged([serverRecord(usage, this.map, this.ctx.now)]);
    return { fp, at: this.ctx.now };
  }

  private outcome(): SyncResult['outcome'] {
    return outcomeOfParts(this.errors);
  }

  private async emitChanged(jobs: NormalisedJob[]): Promise<void> {
    await emitChanged(this.ctx, jobs, this.counts);
  }
}

class PbsConnector implements Connector {
  constructor(
    private readonly cfg: PbsConfig,
    private readonly deps: ConnectorDeps,
  ) {}

  private client(signal?: AbortSignal): { api: PbsApi; throttle: Throttle } {
    const throttle = new Throttle(THROTTLE_PATIENCE_MS);
    const http = { now: this.deps.now, sleep: this.deps.sleep, signal, tls: this.cfg.tls };
    return { api: new PbsApi(this.cfg.url, this.cfg.token_id, this.cfg.token_secret, http, throttle), throttle };
  }

  async sync(ctx: SyncContext): Promise<SyncResult> {
    const { api, throttle } = this.client(ctx.signal);
    const sync = new PbsSync(this.cfg, api, ctx);
    const result = await sync.run();
    this.deps.logger.debug({ counts: sync.counts, requests: api.requests }, 'pbs sync finished');
    return { ...result, counts: { ...result.counts, requests: api.requests, throttled: throttle.throttled, throttle_wait_ms: throttle.waitedMs } };
  }

  /** The certificate (https), the token, then what it may read: the first failure says what is wrong. */
  async test(): Promise<TestReport> {
    const { api } = this.client();
    const steps: TestStep[] = [];
    const done = () => ({ ok: steps.every((s) => s.ok), steps });
    const url = new URL(this.cfg.url);
    if (url.protocol === 'https:') {
      const step = await this.certificateStep(url);
      steps.push(step);
      if (!step.ok) return done();
    }
    try {
      const v = await api.version();
      steps.push({ step: 'token', ok: true, message: `Proxmox Backup Server ${v.data?.version ?? '?'}${v.data?.release ? `.${v.data.release}` : ''} accepted token ${this.cfg.token_id}` });
    } catch (err) {
      steps.push({ step: err instanceof ConnectorAuthError ? 'token' : 'connect', ok: false, message: (err as Error).message });
      return done();
    }
    try {
      const stores = await api.datastores();
      if (stores.length === 0) {
        steps.push({ step: 'permission', ok: false, message: `token ${this.cfg.token_id} sees no datastore: give it (and its user) the DatastoreAudit role on /datastore` });
        return done();
      }
      const denied: string[] = [];
      for (const s of stores) {
        try {
          await api.snapshots(s.store);
        } catch (err) {
          denied.push(`${s.store}: ${(err as Error).message}`);
        }
      }
      await api.get('/nodes/localhost/tasks?limit=1');
      steps.push(
        denied.length === 0
          ? { step: 'permission', ok: true, message: `reads ${stores.length} datastore(s) (${stores.map((s) => s.store).join(', ')}) and the task list (all tasks need Sys.Audit on /system/tasks)` }
          : { step: 'permission', ok: false, message: `cannot read ${denied.length} datastore(s): ${denied.join('; ')}` },
      );
    } catch (err) {
      steps.push({ step: 'permission', ok: false, message: (err as Error).message });
    }
    return done();
  }

  private async certificateStep(url: URL): Promise<TestStep> {
    let cert: Awaited<ReturnType<typeof peerCertificate>>;
    try {
      cert = await peerCertificate(url);
    } catch (err) {
      return { step: 'connect', ok: false, message: `cannot reach ${url.host}: ${(err as Error).message}` };
    }
    const pinned = this.cfg.tls.fingerprint ?? null;
    const shown = cert.fingerprint;
    if (pinned !== null) {
      const same = shown.replace(/:/g, '').toLowerCase() === pinned;
      return same
        ? { step: 'certificate', ok: true, message: `certificate matches the pinned fingerprint ${shown}` }
        : { step: 'certificate', ok: false, message: `the server presents SHA-256 fingerprint ${shown}, not the pinned one: check it on the server's dashboard before pinning it again` };
    }
    if (cert.trusted) return { step: 'certificate', ok: true, message: `certificate trusted (SHA-256 fingerprint ${shown})` };
    if (this.cfg.tls.insecure) return { step: 'certificate', ok: true, message: `certificate not trusted (${cert.reason ?? 'unknown reason'}), accepted because insecure_tls is set; its SHA-256 fingerprint is ${shown}` };
    return {
      step: 'certificate',
      ok: false,
      message: `certificate not trusted (${cert.reason ?? 'unknown reason'}; PBS makes a self-signed one at install). Its SHA-256 fingerprint is ${shown}: compare it with the fingerprint on the server's dashboard and set it as \`fingerprint\` to pin it`,
    };
  }
}

export const pbsConnector: ConnectorType<PbsConfig> = {
  type: 'pbs',
  secretFields: ['token_secret'],
  configSchema: PbsConfigSchema,
  resolve: resolvePbsConfig,
  // The client is the connector's name when it is created: renaming it later must not move devices.
  initialConfig: (config, name) => ({ ...config, client: typeof config.client === 'string' && config.client.trim() !== '' ? config.client : name }),
  intervalMs: (c) => c.interval_minutes * 60_000,
  create: (config, deps) => new PbsConnector(config, deps),
};
