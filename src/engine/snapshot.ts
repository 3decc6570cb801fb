// The read half of an evaluation: a batch of devices' snapshots, read with a few set-based
// statements, and the pure evaluateDevice run over each. It needs no lock and writes nothing, so
// it can run on an evaluation thread with a connection of its own (engine/eval-threads.ts) while
// the main thread serves HTTP; the write half (EvaluationService.applyBatch) stays on the one
// writer. Everything here is plain data, so it crosses a thread boundary by structured clone.
import type { EvaluationRepository } from '../db/repositories/evaluation.js';
import type { AlertRow, CheckRow, DeviceRow, MaintenanceWindowRow } from '../db/schema.js';
import type { Tx } from '../db/transaction.js';
import { type DeviceEvaluation, evaluateDevice } from '../domain/evaluate.js';
import type { DeviceSnapshot, HistoryJob } from '../domain/history.js';
import type { DeviceClass } from '../domain/job.js';
import { DAY } from '../lib/time.js';
import { toCheckInfo, toHistoryJob, toWindow, userSchedule } from './rows.js';
import type { SettingsReader } from './settings.js';

/** What every evaluation reads: two weeks of the device's jobs (most rules look back 7 days)… */
export const HISTORY_DAYS = 14;
export const HISTORY_LIMIT = 2000;
/** …and, for a check with fewer good runs than learning and size judgement need, older ones. */
export const RUNS_REMEMBERED = 12;

/** A batch to evaluate. */
export interface ComputeRequest {
  /** The devices, each once. */
  ids: string[];
  /** Those taken for their deadline: their waiting queue entries are noted before any history is
   * read, so the apply can drop an entry no job has touched since (instead of evaluating twice). */
  deadlineIds: string[];
  now: number;
  /** Sources whose integration is broken now: source → integration id (read once a pass). */
  brokenSources: Array<[string, string]>;
}

export interface ComputeResult {
  /** Each existing device's answer (a device deleted meanwhile is absent). */
  evaluations: Array<[string, DeviceEvaluation]>;
  /** Deadline devices' queue entries as they were before the read: device id → seq. */
  byDeadline: Array<[string, string]>;
  /**
   * Read on a thread: each device's open alerts as the evaluation saw them (`alertsSeen`). A user
   * who acknowledged, dismissed or resolved one before the write changed what the evaluation
   * must be reconciled with (an acknowledged destructive operation no longer holds): the writer
   * evaluates such a device again under its lock instead of raising from the older view.
   */
  alertsSeen: Array<[string, string]>;
}

/** The device and check rows a snapshot was built from, for a caller that writes in the same transaction. */
export interface Loaded {
  device: DeviceRow;
  checks: CheckRow[];
  snap: DeviceSnapshot;
}

/**
 * Reads and evaluates a batch inside `tx` (a read transaction of its own on a thread, or the
 * apply's own transaction in-process). `lock`: take the devices' row locks (PostgreSQL) as the
 * one-transaction path does; a thread's read never locks.
 */
export async function computeBatch(tx: Tx, repo: EvaluationRepository, config: SettingsReader, req: ComputeRequest, lock: boolean): Promise<ComputeResult & { loaded: Map<string, Loaded> }> {
  const byDeadline = await repo.queue.unclaimedSeqs(tx, req.deadlineIds, req.now);
  const loaded = await loadSnapshots(tx, repo, req.ids, req.now, new Map(req.brokenSources), lock);
  const evaluations: Array<[string, DeviceEvaluation]> = [];
  for (const [id, l] of loaded) evaluations.push([id, evaluateDevice(l.snap, await config(l.device.client_id, tx), req.now)]);
  // Under the lock the writer reads the alerts in the same transaction: nothing to compare.
  const alertsSeen = lock ? [] : alertFingerprints(req.ids, await repo.activeAlertsOf(tx, req.ids));
  return { evaluations, byDeadline: [...byDeadline], alertsSeen, loaded };
}

/** Per device, what of its open alerts a reconciliation depends on: which, in what state, dismissed until when. */
export function alertFingerprints(ids: string[], active: Map<string, AlertRow[]>): Array<[string, string]> {
  return ids.map((id) => [
    id,
    (active.get(id) ?? [])
      .map((a) => `${a.id}:${a.state}:${a.dismissed_until ?? ''}`)
      .sort()
      .join(','),
  ]);
}

/**
 * The snapshots of these devices, read set-based: each step below is one statement for the whole
 * batch (chunked), where it used to be one per device. A device that no longer exists is absent.
 * Reads two weeks of history (at most HISTORY_LIMIT jobs), older runs of checks with too few good
 * ones, the last good run before the window, destructive operations and what was acknowledged of
 * them, and the clients' maintenance windows.
 */
export async function loadSnapshots(tx: Tx, repo: EvaluationRepository, ids: string[], now: number, brokenSources: Map<string, string>, lock: boolean): Promise<Map<string, Loaded>> {
  const devices = lock ? await repo.lockDevices(tx, ids) : await repo.readDevices(tx, ids);
  const out = new Map<string, Loaded>();
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
  const windows: Map<string, MaintenanceWindowRow[]> = await repo.windowsOfClients(tx, clientIds, now - HISTORY_DAYS * DAY);
  // Only a device with a destructive operation in its history needs to know what was acknowledged.
  const acked = await repo.destructiveAckedMany(tx, deviceIds.filter((id) => destructive.has(id)));
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
      windows: (windows.get(device.client_id) ?? []).map(toWindow),
      brokenSources,
      destructiveAckedThrough: destructiveOps.length > 0 ? (acked.get(device.id) ?? null) : null,
    };
    out.set(device.id, { device, checks: p.checks, snap });
  }
  return out;
}

function isGood(j: HistoryJob): boolean {
  return j.status === 'succeeded' || j.status === 'warning';
}
