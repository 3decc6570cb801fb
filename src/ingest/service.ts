// recordJobs: the one entry point for every job, whatever its source (API, ping, e-mail,
// connector). Adapters parse; this resolves clients, devices and checks by natural key
// (auto-discovery), stores the jobs, marks devices for evaluation, and answers after commit.

import type { Dialect } from '../db/connection.js';
import type { IngestRepository, JobWrite, PingTarget } from '../db/repositories/ingest.js';
import { addTags } from '../db/repositories/tags.js';
import type { Transactor, Tx } from '../db/transaction.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { type NormalisedJob, nameKey } from '../domain/job.js';
import { BoundedCache } from '../lib/bounded-cache.js';
import type { Clock } from '../lib/clock.js';
import { GroupCommitter } from '../lib/group-commit.js';
import { newId, randomKey } from '../lib/ids.js';
import { HOUR } from '../lib/time.js';
import type { Metrics } from '../ops/metrics.js';

export const DEFAULT_CLIENT_NAME = 'default';
/** A success ping completes the newest `start` of its check if that started this recently. */
export const PING_RUN_WINDOW_MS = 24 * HOUR;

export interface IngestJob extends NormalisedJob {
  /** Set by the ping adapter: the check is known by its key, not by names. */
  target?: PingTarget;
  /** A ping without a run id: pair it with the check's open `start`, if any. */
  pairWithOpenRun?: boolean;
}

/** Tags jobs reported add to their checks (docs/api.md "Tags"), after the devices and in check id
 * order, so concurrent batches lock check rows in one order. */
async function addCheckTags(tx: Tx, jobs: NormalisedJob[], writes: JobWrite[], now: number): Promise<void> {
  const adds: Array<{ id: string; tags: string[] }> = [];
  jobs.forEach((job, i) => {
    const checkId = writes[i]!.checkId;
    if (job.check?.tags && checkId !== null) adds.push({ id: checkId, tags: job.check.tags });
  });
  for (const a of adds.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))) await addTags(tx, 'check', a.id, a.tags, now);
}

type DeviceReport = Pick<NormalisedJob['device'], 'facts' | 'tags'> & { deviceId: string };

/** The device facts and tags the jobs report, with their devices (most jobs, and every ping, have none). */
function deviceFacts(requests: Request[], writes: JobWrite[]): DeviceReport[] {
  const out: DeviceReport[] = [];
  let i = 0;
  for (const r of requests) {
    for (const job of r.jobs) {
      const { facts, tags } = job.device;
      if (facts || tags) out.push({ deviceId: writes[i]!.deviceId, facts, tags });
      i++;
    }
  }
  return out;
}

/** Who is writing: a token limited to clients may only write to those, and never creates one. */
export interface WriterScope {
  clientIds: readonly string[] | null;
}

export interface RecordedJob {
  id: string;
  client_id: string;
  device_id: string;
  check_id: string | null;
  created: boolean;
}

interface Request {
  jobs: IngestJob[];
  scope: WriterScope;
}

interface BatchState {
  now: number;
  clients: Map<string, string>;
  devices: Map<string, string>;
  checks: Map<string, string>;
  due: Set<string>;
  /** Devices with a job that may raise an alert: evaluated ahead of a deep queue. */
  urgent: Set<string>;
  /** Ping runs started in this batch, by check, so a success in the same batch finds its start. */
  openRuns: Map<string, string>;
  /** Ping runs open in the database when the batch began, by check (read once for the batch). */
  storedOpenRuns: Map<string, string>;
}

/** Every job named by client, device and check (not a ping's, whose check is known) with its
 * writer, in name order (stable). */
function byNaturalKey(requests: Request[]): Array<{ job: IngestJob; scope: WriterScope }> {
  const named: Array<{ job: IngestJob; scope: WriterScope; k: string }> = [];
  for (const r of requests) for (const job of r.jobs) if (!job.target) named.push({ job, scope: r.scope, k: naturalKey(job) });
  return named.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
}

function naturalKey(job: IngestJob): string {
  return [nameKey(job.clientName ?? DEFAULT_CLIENT_NAME), nameKey(job.device.name), job.check ? nameKey(job.check.name) : ''].join('\u0000');
}

export class IngestService {
  private readonly clients = new BoundedCache<string, string>(50_000);
  private readonly devices = new BoundedCache<string, string>(500_000);
  private readonly checks = new BoundedCache<string, string>(1_000_000);
  private readonly pingTargets = new BoundedCache<string, PingTarget>(500_000);
  private readonly committer: GroupCommitter<Request, RecordedJob[]>;

  constructor(
    private readonly db: Transactor,
    dialect: Dialect,
    private readonly repo: IngestRepository,
    private readonly clock: Clock,
    private readonly onCommitted: (deviceIds: string[]) => void = () => {},
    private readonly metrics: Metrics | null = null,
  ) {
    this.committer = new GroupCommitter<Request, RecordedJob[]>({
      runBatch: (requests) => this.write(requests),
      runOne: async (request) => {
        try {
          return (await this.write([request]))[0]!;
        } catch (err) {
          // A cached id may point at something deleted since: forget them and try once more.
          if (err instanceof ForbiddenError || err instanceof ValidationError) throw err;
          this.forget();
          return (await this.write([request]))[0]!;
        }
      },
      weight: (request) => request.jobs.length,
      maxWeight: 5000,
      concurrency: dialect === 'sqlite' ? 1 : 4,
    });
  }

  /** Stores the jobs durably and answers once they are committed. */
  recordJobs(jobs: IngestJob[], scope: WriterScope = { clientIds: null }): Promise<RecordedJob[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    if (this.metrics === null) return this.committer.submit({ jobs, scope });
    const end = this.metrics.ingestDuration.startTimer();
    return this.committer.submit({ jobs, scope }).then((recorded) => {
      end();
      return recorded;
    });
  }

  /** Counts a committed batch's jobs by status, kind and source: one increment a combination
   * rather than one a job (prom-client hashes and checks the labels on every call). */
  private countIngested(requests: Request[]): void {
    if (this.metrics === null) return;
    const counts = new Map<string, { labels: { status: string; kind: string; source: string }; n: number }>();
    for (const r of requests) {
      for (const j of r.jobs) {
        const kind = j.check?.kind ?? j.target?.kind ?? 'none';
        const k = `${j.status}\u0000${kind}\u0000${j.source}`;
        const c = counts.get(k);
        if (c) c.n++;
        else counts.set(k, { labels: { status: j.status, kind, source: j.source }, n: 1 });
      }
    }
    for (const { labels, n } of counts.values()) this.metrics.jobsIngested.inc(labels, n);
  }

  /** Resolves a ping key to its check; NotFoundError for an unknown key. */
  async pingTarget(pingKey: string): Promise<PingTarget> {
    const cached = this.pingTargets.get(pingKey);
    if (cached) return cached;
    const target = await this.repo.pingTarget(this.db.plain, pingKey);
    if (!target) throw new NotFoundError('check', pingKey);
    this.pingTargets.set(pingKey, target);
    return target;
  }

  drain(): Promise<void> {
    return this.committer.drain();
  }

  /** Drops every cached id (after a rename, delete or merge, and on a failed write). */
  forget(): void {
    this.clients.clear();
    this.devices.clear();
    this.checks.clear();
    this.pingTargets.clear();
  }

  /**
   * One transaction for the requests. On PostgreSQL, concurrent transactions (here and on other
   * instances) must take their row locks in one order or they deadlock (docs/deploy.md): new
   * clients, devices and checks are created in name order, jobs are written in key order, then
   * device facts and tags, check tags and, last, queue entries, each in id order.
   */
  private async write(requests: Request[]): Promise<RecordedJob[][]> {
    const state: BatchState = {
      now: this.clock.now(),
      clients: new Map(),
      devices: new Map(),
      checks: new Map(),
      due: new Set(),
      urgent: new Set(),
      openRuns: new Map(),
      storedOpenRuns: new Map(),
    };
    const results = await this.db.run(async (tx) => {
      for (const { job, scope } of byNaturalKey(requests)) await this.resolveTarget(tx, job, scope, state);
      // The open runs the batch's pings may complete, in one read: no job is written before the
      // loop below, so what each ping would have looked up on its own is the same.
      const pairing = new Set<string>();
      for (const r of requests) for (const j of r.jobs) if (j.target && j.pairWithOpenRun && j.externalId === null) pairing.add(j.target.checkId);
      if (pairing.size > 0) state.storedOpenRuns = await this.repo.openPingRuns(tx, [...pairing], state.now - PING_RUN_WINDOW_MS);
      const writes: JobWrite[] = [];
      for (const request of requests) {
        for (const job of request.jobs) writes.push(await this.prepare(tx, job, request.scope, state));
      }
      const storedIds = await this.repo.upsertJobs(tx, writes);
      const facts = deviceFacts(requests, writes);
      for (const f of facts.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0))) {
        if (f.facts) await this.repo.updateFacts(tx, f.deviceId, f.facts, state.now);
        // In the same device id order as facts: a second pass could lock devices out of order.
        if (f.tags) await addTags(tx, 'device', f.deviceId, f.tags, state.now);
      }
      await addCheckTags(tx, requests.flatMap((r) => r.jobs), writes, state.now);
      await this.repo.enqueue(tx, [...state.due], newId(state.now), state.now, state.urgent);
      let i = 0;
      return requests.map((request) =>
        request.jobs.map(() => {
          const w = writes[i]!;
          const id = storedIds[i++]!;
          return { id, client_id: w.clientId, device_id: w.deviceId, check_id: w.checkId, created: id === w.id };
        }),
      );
    });
    // Only committed ids may enter the caches.
    for (const [k, v] of state.clients) this.clients.set(k, v);
    for (const [k, v] of state.devices) this.devices.set(k, v);
    for (const [k, v] of state.checks) this.checks.set(k, v);
    this.countIngested(requests);
    this.onCommitted([...state.due]);
    return results;
  }

  /** Resolves a job's client, device and check (creating them if new) and shapes its row. */
  private async prepare(tx: Tx, job: IngestJob, scope: WriterScope, state: BatchState): Promise<JobWrite> {
    const target = job.target ?? (await this.resolveTarget(tx, job, scope, state));
    let externalId = job.externalId;
    if (externalId === null && job.pairWithOpenRun && job.target) {
      externalId = state.openRuns.get(job.target.checkId) ?? state.storedOpenRuns.get(job.target.checkId) ?? null;
    }
    const id = newId(state.now);
    if (job.target && job.status === 'running') state.openRuns.set(job.target.checkId, externalId ?? id);
    else if (job.target) state.openRuns.delete(job.target.checkId);
    state.due.add(target.deviceId);
    // A job that may raise an alert puts its device ahead of a deep queue.
    if (job.status !== 'succeeded' && job.status !== 'running') state.urgent.add(target.deviceId);
    return {
      id,
      clientId: target.clientId,
      deviceId: target.deviceId,
      checkId: target.checkId,
      source: job.source,
      externalId: externalId ?? id,
      status: job.status,
      rawStatus: job.rawStatus,
      operation: job.operation,
      trigger: job.trigger,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
      occurredAt: job.endedAt ?? job.startedAt ?? state.now,
      durationMs: job.durationMs,
      bytes: job.bytes,
      message: job.message,
      errorCode: job.errorCode,
      reason: job.reason,
      healthReplication: job.healthReplication,
      healthFailover: job.healthFailover,
      log: job.log,
      raw: job.raw,
      receivedAt: state.now,
      clockSkew: job.clockSkew,
    };
  }

  private async resolveTarget(
    tx: Tx,
    job: NormalisedJob,
    scope: WriterScope,
    state: BatchState,
  ): Promise<{ clientId: string; deviceId: string; checkId: string | null }> {
    const clientId = await this.resolveClient(tx, job.clientName, scope, state);
    const deviceKey = `${clientId}\u0000${nameKey(job.device.name)}`;
    let deviceId = this.devices.get(deviceKey) ?? state.devices.get(deviceKey);
    if (deviceId === undefined) {
      deviceId = await this.repo.ensureDevice(
        tx,
        { id: newId(), clientId, name: job.device.name, key: nameKey(job.device.name), class: job.device.class, type: job.device.type },
        state.now,
      );
      state.devices.set(deviceKey, deviceId);
    }
    if (job.check === null) return { clientId, deviceId, checkId: null };
    const checkKey = `${deviceId}\u0000${nameKey(job.check.name)}`;
    let checkId = this.checks.get(checkKey) ?? state.checks.get(checkKey);
    if (checkId === undefined) {
      const c = job.check;
      checkId = await this.repo.ensureCheck(
        tx,
        { id: newId(), deviceId, clientId, name: c.name, key: nameKey(c.name), kind: c.kind, tier: c.tier, pingKey: randomKey() },
        state.now,
      );
      state.checks.set(checkKey, checkId);
    }
    return { clientId, deviceId, checkId };
  }

  private async resolveClient(tx: Tx, name: string | null, scope: WriterScope, state: BatchState): Promise<string> {
    const allowed = scope.clientIds;
    if (allowed !== null && name === null) {
      if (allowed.length === 1) return allowed[0]!;
      throw ValidationError.field('client', 'required: this token may write to several clients');
    }
    const key = nameKey(name ?? DEFAULT_CLIENT_NAME);
    let clientId = this.clients.get(key) ?? state.clients.get(key);
    if (clientId === undefined && allowed !== null) {
      clientId = (await this.repo.clientIdByKey(tx, key)) ?? undefined;
      if (clientId !== undefined) state.clients.set(key, clientId);
    }
    if (allowed !== null) {
      if (clientId === undefined || !allowed.includes(clientId)) {
        throw new ForbiddenError(`this token may not write jobs for client "${name}"`);
      }
      return clientId;
    }
    if (clientId === undefined) {
      clientId = await this.repo.ensureClient(tx, newId(), name ?? DEFAULT_CLIENT_NAME, key, randomKey(12), state.now);
      state.clients.set(key, clientId);
    }
    return clientId;
  }
}
