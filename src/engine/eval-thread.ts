// Runs in an evaluation thread (engine/eval-threads.ts): reads a batch's snapshots on this thread's
// own connection, in one read transaction (a consistent view of the batch), and evaluates them.
// It never writes: the main thread applies the results.
import { parentPort, workerData } from 'node:worker_threads';
import { openReader } from '../db/connection.js';
import { EvaluationRepository } from '../db/repositories/evaluation.js';
import { SettingsRepository } from '../db/repositories/settings.js';
import type { ThreadDatabase } from './eval-threads.js';
import { settingsReader } from './settings.js';
import { type ComputeRequest, computeBatch } from './snapshot.js';

const { db, dialect } = openReader(workerData as ThreadDatabase);
const repo = new EvaluationRepository(db, dialect);
const settings = new SettingsRepository(db);

parentPort!.on('message', async (m: { id: number; req: ComputeRequest }) => {
  try {
    // Repeatable read on PostgreSQL: every statement of the batch sees the same snapshot, as a
    // SQLite read transaction does.
    const tx = dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
    const r = await tx.execute((t) => computeBatch(t, repo, settingsReader(settings), m.req, false));
    parentPort!.postMessage({ id: m.id, evaluations: r.evaluations, byDeadline: r.byDeadline, alertsSeen: r.alertsSeen });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message ?? String(err), stack: (err as Error).stack });
  }
});
