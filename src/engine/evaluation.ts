// Evaluating a device: load its snapshot, call the pure evaluateDevice, reconcile the alerts, and
// write the difference — alerts, history, outbox, check states, score — in one transaction that
// holds the device's row lock, so evaluations of one device never interleave.

import type { AlertRepository } from '../db/repositories/alerts.js';
import type { EvaluationRepository, } from '../db/repositories/evaluation.js';
import type { IntegrationRepository } from '../db/repositories/integrations.js';
import type { AlertRow, CheckRow, DeviceRow, MaintenanceWindowRow } from '../db/schema.js';
import type { Transactor, Tx } from '../db/transaction.js';
import { type DeviceEvaluation, evaluateDevice } from '../domain/evaluate.js';
import type { DeviceSnapshot, HistoryJob } from '../domain/history.js';
import { type Inhibition, inhibitionNote } from '../domain/inhibit.js';
import { evaluateIntegration, isBroken } from '../domain/integration.js';
import type { DeviceClass, } from '../domain/job.js';
import { type AlertAction, keyOf, reconcile } from '../domain/lifecycle.js';
import type { AlertType, } from '../domain/settings.js';
import type { Clock } from '../lib/clock.js';
import { DAY } from '../lib/time.js';
import type { AlertNames, AlertWriter } from './alert-writer.js';
import { activeAlert, changed, checkColumns, toCheckInfo, toHistoryJob, toWindow, userSchedule } from './rows.js';
import type { SettingsReader, SettingsService } from './settings.js';

/** What every evaluation reads: two weeks of the device's jobs (most rules look back 7 days)… */
export const HISTORY_DAYS = 14;
export const HISTORY_LIMIT = 2000;
/** …and, for a check with fewer good runs than learning and size judgement need, older ones. */
export const RUNS_REMEMBERED = 12;

interface Pass {
  brokenSources: Map<string, string>;
  config: SettingsReader;
  /** Clients' names and maintenance windows, read once a pass (one transaction) for all their devices. */
  names: Map<string, string>;
  windows: Map<string, MaintenanceWindowRow[]>;
}

/** What an evaluation of one device reads, loaded for a whole batch at once (`load`). */
interface Loaded {
  device: DeviceRow;
  checks: CheckRow[];
  snap: DeviceSnapshot;
  active: AlertRow[];
}

export interface EvaluationServiceDeps {
  db: Transactor;
  repo: EvaluationRepository;
  alerts: AlertRepository;
  integrations: IntegrationRepository;
  writer: AlertWriter;
  settings: SettingsService;
  clock: Clock;
}

export class EvaluationService {
  constructor(private readonly d: EvaluationServiceDeps) {}

  /** Evaluates one device and writes the result. `queued` removes its queue entry in the same transaction. */
  async evaluateDevice(deviceId: string, queued?: { seq: string }): Promise<DeviceEvaluation | null> {
    const pass = await this.pass();
    return this.d.db.run(async (tx) => {
      const now = this.d.clock.now();
      const result = await this.evaluateIn(tx, deviceId, pass, await this.load(tx, [deviceId], pass, now), now);
      if (queued) await this.d.repo.finishQueued(tx, deviceId, queued.seq);
      return result;
    });
  }

  /**
   * Evaluates several devices in one transaction: a commit per device is most of the cost of a
   * full pass on SQLite. If the batch fails, each device is tried in a transaction of its own,
   * so one bad device cannot hold the others back. Answers how many were evaluated.
   * Locks are taken in the order every writer uses (devices by id, each with its checks and
   * alerts; queue entries, by device id, last), so evaluators and ingestion on several instances
   * never deadlock; and the queue entries, which ingestion updates with every job, are held only
   * from the end of the evaluations to the commit.
   */
  async evaluateDevices(items: Array<{ deviceId: string; seq?: string }>, onError: (deviceId: string, err: unknown) => void): Promise<number> {
    if (items.length === 0) return 0;
    const ordered = [...items].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    const pass = await this.pass();
    try {
      await this.d.db.run(async (tx) => {
        // A device taken for its deadline may also wait in the queue (a full pass queues every
        // device): note its entry now, before its history is read, so the entry can go with this
        // evaluation if no job has come since, instead of evaluating the device a second time.
        const now = this.d.clock.now();
        const byDeadline = await this.d.repo.unclaimedSeqs(tx, ordered.filter((i) => i.seq === undefined).map((i) => i.deviceId), now);
        // Every device's snapshot, read with a few set-based statements (locking the devices in id
        // order first), then each evaluated from memory and its difference written.
        const loaded = await this.load(tx, [...new Set(ordered.map((i) => i.deviceId))], pass, now);
        for (const i of ordered) await this.evaluateIn(tx, i.deviceId, pass, loaded, now);
        for (const i of ordered) {
          if (i.seq !== undefined) await this.d.repo.finishQueued(tx, i.deviceId, i.seq);
          else if (byDeadline.has(i.deviceId)) await this.d.repo.dropQueuedIfUnchanged(tx, i.deviceId, byDeadline.get(i.deviceId)!, now);
        }
      });
      return items.length;
    } catch {
      let n = 0;
      for (const i of ordered) {
        try {
          await this.evaluateDevice(i.deviceId, i.seq === undefined ? undefined : { seq: i.seq });
          n++;
        } catch (err) {
          onError(i.deviceId, err);
        }
      }
      return n;
    }
  }

  /** What every evaluation of a pass shares, read now: another instance may have changed the
   * settings or an integration's health a moment ago, and a device evaluated with stale ones
   * keeps the wrong answer until its next evaluation. */
  private async pass(): Promise<Pass> {
    return { brokenSources: await this.brokenSources(), config: this.d.settings.reader(), names: new Map(), windows: new Map() };
  }

  /** `loaded`: the batch's snapshots; each is used once (a device listed twice reads its own writes afresh). */
  private async evaluateIn(tx: Tx, deviceId: string, pass: Pass, loaded: Map<string, Loaded | null>, now: number): Promise<DeviceEvaluation | null> {
    const l = loaded.has(deviceId) ? loaded.get(deviceId) : (await this.load(tx, [deviceId], pass, now)).get(deviceId);
    loaded.delete(deviceId);
    if (!l) return null;
    const { device, checks, snap, active } = l;
    const config = await pass.config(device.client_id, tx);
    const result = evaluateDevice(snap, config, now);
    const names: AlertNames = {
      clientId: device.client_id,
      clientName: pass.names.get(device.client_id) ?? '',
      deviceId: device.id,
      deviceName: device.name,
      checkNames: new Map(checks.map((c) => [c.id, c.name])),
      integrationId: null,
      integrationName: null,
    };
    await this.apply(tx, ...inhibitedResolutions(reconcile(active.map(activeAlert), result.alerts, now), active, result.inhibited), active, names, now);
    for (const e of result.checks) {
      const row = checks.find((c) => c.id === e.id)!;
      const cols = changed(row, checkColumns(row, e));
      if (cols) await this.d.repo.updateCheck(tx, row.id, { ...cols, updated_at: now });
    }
    const reraiseAt = active.filter((a) => a.state === 'dismissed' && a.dismissed_until !== null && a.dismissed_until > now).map((a) => a.dismissed_until!);
    const next = [result.nextEvalAt, ...reraiseAt].filter((t): t is number => t !== null);
    const cols = changed(device, {
      status: result.status,
      score: result.score.score,
      score_breakdown: JSON.stringify(result.score.breakdown),
      last_good_at: result.lastGoodAt,
      last_job_at: result.lastJobAt,
      retired_at: result.retiredAt,
      compliant: result.compliant === null ? null : result.compliant ? 1 : 0,
      next_eval_at: next.length > 0 ? Math.min(...next) : null,
      eval_claimed_until: null,
    });
    if (cols) await this.d.repo.updateDevice(tx, device.id, cols);
    return result;
  }

  /**
   * The snapshots of these devices (which it locks, in id order), read set-based: each step below
   * is one statement for the whole batch (chunked), where it used to be one per device. Null in
   * the answer: a device that no longer exists. Reads exactly what the one-device reads did:
   * two weeks of history (at most HISTORY_LIMIT jobs), older runs of checks with too few good
   * ones, the last good run before the window, destructive operations, open alerts, and the
   * clients' names and maintenance windows (once a pass).
   */
  private async load(tx: Tx, ids: string[], pass: Pass, now: number): Promise<Map<string, Loaded | null>> {
    const repo = this.d.repo;
    const devices = await repo.lockDevices(tx, ids);
    const out = new Map<string, Loaded | null>(ids.map((id) => [id, null]));
    if (devices.length === 0) return out;
    const deviceIds = devices.map((d) => d.id);
    const checksBy = await repo.checksOfDevices(tx, deviceIds);
    const since = now - HISTORY_DAYS * DAY;
    const histories = await repo.historiesSince(tx, deviceIds.map((deviceId) => ({ deviceId, since })), HISTORY_LIMIT);
    const parts = devices.map((device, n) => {
      const rows = histories[n]!;
      return {
        device,
        checks: checksBy.get(device.id) ?? [],
        windowStart: rows.length === HISTORY_LIMIT ? rows[0]!.occurred_at : since,
        jobs: rows.map(toHistoryJob),
        goodBefore: new Map<string, { endedAt: number; startedAt: number }>(),
      };
    });
    // Learning a schedule and judging sizes want the last dozen good runs of a check.
    const deep: Array<{ part: (typeof parts)[number]; deviceId: string; checkId: string; before: number }> = [];
    for (const p of parts) {
      for (const c of p.checks) {
        const needsDepth = c.kind !== 'verification' && c.kind !== 'replication' ? true : userSchedule(c) === null;
        const good = p.jobs.filter((j) => j.checkId === c.id && isGood(j)).length;
        if (needsDepth && good < RUNS_REMEMBERED) deep.push({ part: p, deviceId: p.device.id, checkId: c.id, before: p.windowStart });
      }
    }
    const olderRuns = await repo.olderOfChecks(tx, deep, 2 * RUNS_REMEMBERED);
    const older = new Map<(typeof parts)[number], HistoryJob[]>();
    deep.forEach((d, n) => {
      const list = older.get(d.part) ?? [];
      list.push(...olderRuns[n]!.map(toHistoryJob));
      older.set(d.part, list);
    });
    for (const [p, o] of older) if (o.length > 0) p.jobs = [...o, ...p.jobs].sort((a, b) => a.occurredAt - b.occurredAt);
    const quiet = parts.flatMap((p) => p.checks.filter((c) => !p.jobs.some((j) => j.checkId === c.id && isGood(j))).map((c) => ({ part: p, deviceId: p.device.id, checkId: c.id, before: p.windowStart })));
    (await repo.lastGoodBeforeMany(tx, quiet)).forEach((g, n) => {
      if (g) quiet[n]!.part.goodBefore.set(quiet[n]!.checkId, g);
    });
    const destructive = await repo.destructiveOfDevices(tx, deviceIds);
    const empty = parts.filter((p) => p.jobs.length === 0);
    const lastBefore = await repo.lastJobBeforeMany(tx, empty.map((p) => ({ deviceId: p.device.id, before: p.windowStart })));
    const lastBeforeOf = new Map(empty.map((p, n) => [p, lastBefore[n]!]));
    const clientIds = [...new Set(devices.map((d) => d.client_id))];
    const newClients = clientIds.filter((c) => !pass.windows.has(c));
    if (newClients.length > 0) {
      const windows = await repo.windowsOfClients(tx, newClients, now - HISTORY_DAYS * DAY);
      for (const c of newClients) pass.windows.set(c, windows.get(c) ?? []);
    }
    // Only a device with a destructive operation in its history needs to know what was acknowledged.
    const acked = await repo.destructiveAckedMany(tx, deviceIds.filter((id) => destructive.has(id)));
    const active = await repo.activeAlertsOf(tx, deviceIds);
    const unnamed = clientIds.filter((c) => !pass.names.has(c));
    if (unnamed.length > 0) {
      const names = await repo.clientNames(tx, unnamed);
      for (const c of unnamed) pass.names.set(c, names.get(c) ?? '');
    }
    for (const p of parts) {
      const device = p.device;
      const destructiveOps = (destructive.get(device.id) ?? []).map(toHistoryJob);
      const snap: DeviceSnapshot = {
        device: {
          id: device.id,
          clientId: device.client_id,
          name: device.name,
          class: device.class as DeviceClass,
          type: device.type,
          createdAt: device.created_at,
          retiredManuallyAt: device.retired_manually_at,
          facts: {
            storageUsedBytes: device.storage_used_bytes,
            storageQuotaBytes: device.storage_quota_bytes,
            freeSpacePercent: device.free_space_percent,
            purgeable: device.purgeable === null ? null : device.purgeable === 1,
            updatedAt: device.facts_updated_at,
          },
        },
        checks: p.checks.map(toCheckInfo),
        jobs: p.jobs,
        windowStart: p.windowStart,
        destructiveOps,
        goodBefore: p.goodBefore,
        lastBefore: p.jobs.length > 0 ? null : (lastBeforeOf.get(p) ?? null),
        windows: (pass.windows.get(device.client_id) ?? []).map(toWindow),
        brokenSources: pass.brokenSources,
        destructiveAckedThrough: destructiveOps.length > 0 ? (acked.get(device.id) ?? null) : null,
      };
      out.set(device.id, { device, checks: p.checks, snap, active: active.get(device.id) ?? [] });
    }
    return out;
  }

  /** `notes`: why an alert is resolved, when it is not because its condition cleared (inhibition). */
  private async apply(tx: Tx, actions: AlertAction[], notes: Map<string, string>, active: AlertRow[], names: AlertNames, now: number): Promise<void> {
    const byId = new Map(active.map((a) => [a.id, a]));
    // Close superseded alerts first: they free the (scope, type) slot their successor takes.
    for (const a of actions) if (a.kind === 'close') await this.d.writer.close(tx, byId.get(a.alertId)!, now);
    for (const a of actions) {
      if (a.kind === 'raise') await this.d.writer.raise(tx, a.condition, names, a.replaces, now);
      else if (a.kind === 'update') await this.d.writer.update(tx, byId.get(a.alertId)!, a.condition, a.severityChange, a.notify, names, now);
      else if (a.kind === 'resolve') await this.d.writer.resolve(tx, byId.get(a.alertId)!, a.notify, names, now, undefined, notes.get(a.alertId) ?? null);
    }
  }

  /** Puts every device on the queue (a full pass: `keepwatch evaluate`, the demo load). */
  async enqueueEverything(now: number, seq: string): Promise<void> {
    await this.d.repo.enqueueAll(now, seq);
  }

  async evaluateAllIntegrations(): Promise<number> {
    const all = await this.d.integrations.all();
    for (const i of all) await this.evaluateIntegration(i.id);
    return all.length;
  }

  /** Sources whose integration is broken now. */
  async brokenSources(): Promise<Map<string, string>> {
    const rows = await this.d.integrations.all();
    return new Map(rows.filter((r) => r.auth_error !== null || r.quota_error !== null).map((r) => [r.source, r.id]));
  }

  /** Integration alerts (integration_auth, integration_quota) for one integration. */
  async evaluateIntegration(id: string): Promise<void> {
    await this.d.db.run(async (tx) => {
      const config = await this.d.settings.reader()(null, tx);
      const now = this.d.clock.now();
      const row = await this.d.integrations.byId(tx, id);
      if (!row) return;
      const health = {
        id: row.id,
        name: row.name,
        type: row.type,
        source: row.source,
        authError: row.auth_error,
        authSince: row.auth_since,
        quotaError: row.quota_error,
        quotaSince: row.quota_since,
        lastSuccessAt: row.last_success_at,
      };
      const heldBack = isBroken(health) ? await this.d.integrations.devicesBehind(tx, row.source) : 0;
      const conditions = evaluateIntegration(health, config, now, heldBack);
      const active = await this.d.alerts.activeForIntegration(tx, id);
      const names: AlertNames = {
        clientId: null,
        clientName: null,
        deviceId: null,
        deviceName: null,
        checkNames: new Map(),
        integrationId: row.id,
        integrationName: row.name,
      };
      await this.apply(tx, reconcile(active.map(activeAlert), conditions, now), new Map(), active, names, now);
    });
  }
}

/**
 * An open alert whose condition still holds but is now inhibited (a stronger alert says it) is
 * resolved quietly, with the reason in its history: a "resolved" notice would say the problem
 * is over when it is not, and the stronger alert's own notice tells the same people.
 */
function inhibitedResolutions(actions: AlertAction[], active: AlertRow[], inhibited: Inhibition[]): [AlertAction[], Map<string, string>] {
  const why = new Map(inhibited.map((i) => [keyOf(i.target.scopeId, i.target.type), inhibitionNote(i)]));
  const notes = new Map<string, string>();
  const byId = new Map(active.map((a) => [a.id, a]));
  const out = actions.map((a): AlertAction => {
    if (a.kind !== 'resolve') return a;
    const row = byId.get(a.alertId)!;
    const note = why.get(keyOf(row.scope_id, row.type as AlertType));
    if (note === undefined) return a;
    notes.set(a.alertId, note);
    return { ...a, notify: false };
  });
  return [out, notes];
}

function isGood(j: HistoryJob): boolean {
  return j.status === 'succeeded' || j.status === 'warning';
}
