// SQLite WAL checkpoints copy committed pages into the database file and fsync it: milliseconds of
// blocking I/O that, left to autocheckpoint, land on the writer and so on the event loop. Here a
// worker thread with its own connection runs PASSIVE checkpoints, which never block the writer.
//
// PASSIVE alone does not bound the WAL under sustained writes (issue #23): frames keep arriving
// while it copies, so it never backfills the whole log, and SQLite starts the log over (and
// applies journal_size_limit) only after a checkpoint that did. Once the log passes
// `restartBytes`, the thread therefore follows its PASSIVE with a RESTART checkpoint: it takes the
// write lock, copies the few frames appended since the PASSIVE, waits for readers to leave the
// log, and makes the first write of the new log itself (that write fsyncs the WAL header, which
// would otherwise land on the main thread). Writers are held meanwhile. So that the main thread
// does not sit in SQLite's busy handler (a blocked event loop) for it, the thread raises a shared
// flag for the duration and the main connection's transactions wait for it asynchronously
// (`whenWritable`); BEGIN IMMEDIATE and the asynchronous retries on SQLITE_BUSY (connection.ts)
// cover the rest.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointerOptions {
  /** How often a PASSIVE checkpoint runs. */
  intervalMs: number;
  /** Log size past which a RESTART checkpoint follows the PASSIVE one. */
  restartBytes: number;
  /**
   * How long a RESTART waits for the write lock or for readers before giving up until the next
   * interval. Writers are held while it waits for readers, so it must stay far below their own
   * busy_timeout (5 s): a long reader then costs one skipped restart, never a failed write.
   */
  restartWaitMs: number;
}

export const CHECKPOINT_DEFAULTS: CheckpointerOptions = { intervalMs: 500, restartBytes: 32 * 1024 * 1024, restartWaitMs: 200 };

export interface CheckpointStats {
  /** RESTART checkpoints that started the log over. */
  restarts: number;
  /** RESTART checkpoints that gave up (write lock or readers busy); the next interval tries again. */
  restartsBusy: number;
  /** Longest RESTART, waiting for the write lock included (an upper bound on how long writers were held). */
  maxRestartMs: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { intervalMs, restartBytes, restartWaitMs } = workerData.options;
const restarting = new Int32Array(workerData.restarting);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const restartFrames = Math.ceil(restartBytes / db.pragma('page_size', { simple: true }));
// Rewriting user_version with its own value is a write no one notices that still starts the new
// log. Should another process's writer get there first, that writer syncs the header instead.
const firstWrite = () => {
  try { db.pragma('user_version = ' + db.pragma('user_version', { simple: true })); } catch {}
};
const restart = () => {
  Atomics.store(restarting, 0, 1);
  db.pragma('busy_timeout = ' + restartWaitMs);
  const started = performance.now();
  try {
    const [r] = db.pragma('wal_checkpoint(RESTART)');
    if (r.busy === 0) firstWrite();
    parentPort.postMessage({ restart: { busy: r.busy !== 0, ms: performance.now() - started } });
  } finally {
    db.pragma('busy_timeout = 5000');
    Atomics.store(restarting, 0, 0);
    Atomics.notify(restarting, 0);
  }
};
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.log >= restartFrames) restart();
  } catch (err) { parentPort.postMessage({ error: String(err) }); }
};
const timer = setInterval(checkpoint, intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

interface WorkerMessage {
  error?: string;
  restart?: { busy: boolean; ms: number };
}

// In Node since 16, but in TypeScript's lib only from es2024 (this project targets es2023).
type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Longest a transaction waits for a RESTART before it goes ahead and retries on SQLITE_BUSY instead. */
const MAX_GATE_MS = 1000;

export class Checkpointer {
  private readonly worker: Worker;
  private lastError: string | null = null;
  private readonly counts: CheckpointStats = { restarts: 0, restartsBusy: 0, maxRestartMs: 0 };
  /** [0] is 1 while the thread runs a RESTART (and holds, or waits for, the write lock). */
  private readonly restarting = new Int32Array(new SharedArrayBuffer(4));

  constructor(file: string, options: Partial<CheckpointerOptions> = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { file, driver, options: { ...CHECKPOINT_DEFAULTS, ...options }, restarting: this.restarting.buffer };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.on('message', (m: WorkerMessage) => this.record(m));
    this.worker.on('error', (err) => {
      this.lastError = String(err);
    });
    // A thread that died mid-RESTART must not leave transactions waiting for it.
    this.worker.on('exit', () => {
      Atomics.store(this.restarting, 0, 0);
      Atomics.notify(this.restarting, 0);
    });
    this.worker.unref();
  }

  /**
   * Null when a write transaction can begin now; otherwise resolves when the RESTART in progress
   * is over. A writer that began anyway would wait in SQLite's busy handler, which sleeps the
   * thread: on the main thread, every request would stall, not only the writes.
   */
  whenWritable(): Promise<void> | null {
    if (Atomics.load(this.restarting, 0) === 0) return null;
    const wait = waitAsync(this.restarting, 0, 1, MAX_GATE_MS);
    return wait.async ? wait.value.then(() => undefined) : null;
  }

  get error(): string | null {
    return this.lastError;
  }

  get stats(): CheckpointStats {
    return { ...this.counts };
  }

  private record(m: WorkerMessage): void {
    if (m.error) this.lastError = m.error;
    if (!m.restart) return;
    if (m.restart.busy) this.counts.restartsBusy++;
    else this.counts.restarts++;
    this.counts.maxRestartMs = Math.max(this.counts.maxRestartMs, m.restart.ms);
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      const onMessage = (m: { stopped?: boolean }) => {
        if (!m.stopped) return;
        this.worker.off('message', onMessage);
        resolve();
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', () => resolve());
    });
    this.worker.postMessage('stop');
    // The time limit must not outlive a prompt stop: a pending timer kept every CLI command alive 5 s.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
