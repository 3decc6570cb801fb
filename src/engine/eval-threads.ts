// Evaluation threads: the read half of evaluating a batch of devices (their snapshots and the pure
// evaluateDevice, engine/snapshot.ts) runs on worker threads, each with its own database
// connection, so the thread that serves HTTP and SMTP never spends a request's time on it. The
// results come back as plain data and the main thread writes them (EvaluationService.applyBatch):
// one writer, as before. Started on first use, so commands that never evaluate never pay for them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ComputeRequest, ComputeResult } from './snapshot.js';

/** Where a thread's connection points: the SQLite file, or the PostgreSQL URL. */
export interface ThreadDatabase {
  sqliteFile: string | null;
  databaseUrl: string | null;
}

type Reply = ({ id: number } & ComputeResult) | { id: number; error: string; stack?: string };

interface Slot {
  worker: Worker;
  /** Requests sent and not yet answered. */
  busy: number;
}

export class EvalThreads {
  private slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (r: ComputeResult) => void; reject: (e: Error) => void; slot: Slot }>();
  private seq = 0;
  /** Batches computed on a thread since start: tests and metrics tell the path was taken. */
  computed = 0;

  constructor(
    readonly size: number,
    private readonly script: URL,
    private readonly where: ThreadDatabase,
  ) {}

  /** Reads and evaluates a batch on the least busy thread. */
  compute(req: ComputeRequest): Promise<ComputeResult> {
    if (this.slots.length === 0) this.start();
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = ++this.seq;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private start(): void {
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(this.script, { workerData: this.where });
      // Never what keeps the process alive: the evaluator loop decides when work is done.
      worker.unref();
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (r: Reply) => this.settle(r));
      // A thread that dies fails what it held (the evaluator falls back to in-process evaluation
      // for those devices); the pool starts afresh on the next batch.
      worker.on('error', (err) => this.lose(slot, err));
      worker.on('exit', (code) => this.lose(slot, new Error(`evaluation thread exited with code ${code}`)));
      this.slots.push(slot);
    }
  }

  private lose(slot: Slot, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      p.reject(err);
    }
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    // The others carry on; with none left, the next batch starts a new set.
    void slot.worker.terminate();
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    p.slot.busy--;
    if ('error' in r) {
      const err = new Error(r.error);
      if (r.stack) err.stack = r.stack;
      p.reject(err);
      return;
    }
    this.computed++;
    p.resolve({ evaluations: r.evaluations, byDeadline: r.byDeadline, alertsSeen: r.alertsSeen });
  }
}

/**
 * The thread's script: next to this module in a build; when the TypeScript sources run (tests),
 * the compiled copy in dist/, which the test set-up builds (the same code). Null: none exists.
 */
export function threadScript(): URL | null {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new URL('./eval-thread.js', here);
  const built = new URL('../../dist/engine/eval-thread.js', here);
  return existsSync(fileURLToPath(built)) ? built : null;
}
