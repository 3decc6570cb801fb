// Evaluating devices: read a batch's snapshots and run the pure evaluateDevice (engine/snapshot.ts:
// on an evaluation thread when there are any, else here), then reconcile the alerts and write the
// difference — alerts, history, outbox, check states, score — in one transaction on this thread,
// the one writer. The write transaction locks the devices in id order and reads their rows and
// open alerts afresh, so what a user or another evaluation changed meanwhile is what is reconciled.

import type { AlertRepository } from '../db/repositories/alerts.js';
import type { EvaluationRepository } from '../db/repositories/evaluation.js';
import type { IntegrationRepository } from '../db/repositories/integrations.js';
import type { AlertRow, CheckRow, DeviceRow } from '../db/schema.js';
import type { Transactor, Tx } from '../db/transaction.js';
import type { DeviceEvaluation } from '../domain/evaluate.js';
import { type Inhibition, inhibitionNote } from '../domain/inhibit.js';
import { evaluateIntegration, isBroken } from '../domain/integration.js';
import { type AlertAction, keyOf, reconcile } from '../domain/lifecycle.js';
import type { AlertType } from '../domain/settings.js';
import type { Clock } from '../lib/clock.js';
import type { AlertNames, AlertWriter } from './alert-writer.js';
import type { EvalThreads } from './eval-threads.js';
import { activeAlert, changed, checkColumns } from './rows.js';
import type { SettingsService } from './settings.js';
import { alertFingerprints, type ComputeRequest, type ComputeResult, computeBatch, type Loaded } from './snapshot.js';

export { HISTORY_DAYS, HISTORY_LIMIT, RUNS_REMEMBERED } from './snapshot.js';

/** What the batches of one evaluator pass share. */
export interface Pass {
  /** Read once a pass: another instance may have changed an integration's health a moment ago. */
  brokenSources: Array<[string, string]>;
  /** Clients' names, read once a pass for all their devices' alerts. */
  names: Map<string, string>;
}

type Item = { deviceId: string; seq?: string };

/** A batch under way: its read started (on a thread) when it was begun. */
export interface Batch {
  items: Item[];
  req: ComputeRequest;
  pass: Pass;
  /** The thread's answer, or null when the batch is read and written in one transaction here. */
  computed: Promise<ComputeResult | { failed: unknown }> | null;
}

export interface EvaluationServiceDeps {
  db: Transactor;
  repo: EvaluationRepository;
  alerts: AlertRepository;
  integrations: IntegrationRepository;
  writer: AlertWriter;
  settings: SettingsService;
  clock: Clock;
  /** Evaluation threads; null: evaluate in this thread. */
  threads: EvalThreads | null;
}

export class EvaluationService {
  /** Devices read on a thread whose alerts changed before the write, so evaluated again here. */
  reread = 0;

  constructor(private readonly d: EvaluationServiceDeps) {}

  /** Batches read on evaluation threads run ahead of the writes: how many may be under way at once. */
  get readAhead(): number {
    return this.d.threads === null ? 0 : 2 * this.d.threads.size;
  }

  /** Evaluates one device in one transaction, here, and writes the result. `queued` removes its queue entry in it. */
  async evaluateDevice(deviceId: string, queued?: { seq: string }): Promise<DeviceEvaluation | null> {
    const pass = await this.newPass();
    return this.d.db.run(async (tx) => {
      const batch: Batch = { items: [{ deviceId, seq: queued?.seq }], req: this.request([{ deviceId }], pass), pass, computed: null };
      const computed = await computeBatch(tx, this.d.repo, this.d.settings.reader(), batch.req, true);
      await this.applyBatch(tx, batch, computed, computed.loaded);
      return computed.evaluations[0]?.[1] ?? null;
    });
  }

  async newPass(): Promise<Pass> {
    return { brokenSources: [...(await this.brokenSources())], names: new Map() };
  }

  /**
   * Starts a batch: with evaluation threads its snapshots are read and evaluated there from now
   * on; `finish` writes the result. Batches may be begun ahead and must be finished in order.
   */
  begin(items: Item[], pass: Pass): Batch {
    const req = this.request(items, pass);
    const threads = this.d.threads;
    // The failure is kept, not thrown, until finish(): a batch begun ahead must not reject unheard.
    const computed = threads === null ? null : threads.compute(req).catch((failed: unknown) => ({ failed }));
    return { items, req, pass, computed };
  }

  /**
   * Writes a begun batch in one transaction: a commit per device is most of the cost of a full
   * pass on SQLite. If the batch fails, each device is tried in a transaction of its own, here,
   * so one bad device cannot hold the others back. Answers how many were evaluated.
   */
  async finish(batch: Batch, onError: (deviceId: string, err: unknown) => void): Promise<number> {
    if (batch.items.length === 0) return 0;
    try {
      if (batch.computed === null) {
        await this.d.db.run(async (tx) => {
          const computed = await computeBatch(tx, this.d.repo, this.d.settings.reader(), batch.req, true);
          await this.applyBatch(tx, batch, computed, computed.loaded);
        });
      } else {
        const computed = await batch.computed;
        if ('failed' in computed) throw computed.failed;
        await this.d.db.run((tx) => this.applyBatch(tx, batch, computed, null));
      }
      return batch.items.length;
    } catch {
      let n = 0;
      for (const i of [...batch.items].sort(byDevice)) {
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

  /** Evaluates several devices as one batch (begin + finish). */
  async evaluateDevices(items: Item[], onError: (deviceId: string, err: unknown) => void): Promise<number> {
    return this.finish(this.begin(items, await this.newPass()), onError);
  }

  private request(items: Item[], pass: Pass): ComputeRequest {
    const ids = [...new Set(items.map((i) => i.deviceId))].sort();
    return { ids, deadlineIds: items.filter((i) => i.seq === undefined).map((i) => i.deviceId), now: this.d.clock.now(), brokenSources: pass.brokenSources };
  }

  /**
   * Writes a batch's evaluations. Locks are taken in the order every writer uses (devices by id,
   * each with its checks and alerts; queue entries, by device id, last), so evaluators and
   * ingestion on several instances never deadlock; and the queue entries, which ingestion updates
   * with every job, are held only from the end of the writes to the commit. `loaded`: the rows
   * the evaluation was read from in this same transaction; null (read on a thread): read them
   * afresh under the lock. A device with no evaluation (deleted meanwhile) is skipped.
   */
  private async applyBatch(tx: Tx, batch: Batch, computed: ComputeResult, loaded: Map<string, Loaded> | null): Promise<void> {
    const repo = this.d.repo;
    const { ids, now } = batch.req;
    const rows = loaded ?? (await this.rowsOf(tx, ids));
    const active = await repo.activeAlertsOf(tx, ids);
    const evaluations = new Map(computed.evaluations);
    if (loaded === null) {
      // Alerts changed by someone between the thread's read and now: evaluate those devices again, here.
      const seen = new Map(computed.alertsSeen);
      const stale = alertFingerprints(ids, active).filter(([id, now]) => seen.get(id) !== now).map(([id]) => id);
      if (stale.length > 0) {
        const again = await computeBatch(tx, repo, this.d.settings.reader(), { ...batch.req, ids: stale, deadlineIds: [] }, true);
        for (const id of stale) evaluations.delete(id);
        for (const [id, e] of again.evaluations) evaluations.set(id, e);
        this.reread += stale.length;
      }
    }
    const unnamed = [...new Set([...rows.values()].map((r) => r.device.client_id))].filter((c) => !batch.pass.names.has(c));
    if (unnamed.length > 0) {
      const names = await repo.clientNames(tx, unnamed);
      for (const c of unnamed) batch.pass.names.set(c, names.get(c) ?? '');
    }
    for (const id of ids) {
      const row = rows.get(id);
      const result = evaluations.get(id);
      if (row && result) await this.applyOne(tx, row.device, row.checks, active.get(id) ?? [], result, batch.pass, now);
    }
    const byDeadline = new Map(computed.byDeadline);
    for (const i of [...batch.items].sort(byDevice)) {
      if (i.seq !== undefined) await repo.queue.finishQueued(tx, i.deviceId, i.seq, now);
      else if (byDeadline.has(i.deviceId)) await repo.queue.dropQueuedIfUnchanged(tx, i.deviceId, byDeadline.get(i.deviceId)!, now);
    }
  }

  /** The devices' rows and checks as they are now, the devices locked (PostgreSQL) in id order. */
  private async rowsOf(tx: Tx, ids: string[]): Promise<Map<string, { device: DeviceRow; checks: CheckRow[] }>> {
    const devices = await this.d.repo.lockDevices(tx, ids);
    const checks = await this.d.repo.checksOfDevices(tx, devices.map((d) => d.id));
    return new Map(devices.map((device) => [device.id, { device, checks: checks.get(device.id) ?? [] }]));
  }

  private async applyOne(tx: Tx, device: DeviceRow, checks: CheckRow[], active: AlertRow[], result: DeviceEvaluation, pass: Pass, now: number): Promise<void> {
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
      // A check deleted since the read has nothing to update.
      const row = checks.find((c) => c.id === e.id);
      if (!row) continue;
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
    await this.d.repo.queue.enqueueAll(now, seq);
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

const byDevice = (a: Item, b: Item) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0);
