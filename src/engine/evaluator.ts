// The evaluator loop: takes devices whose jobs changed (eval_queue) and devices whose deadline
// passed (devices.next_eval_at), a batch at a time, under a lease, and evaluates each. Woken at
// once in-process after a commit; otherwise it polls, so instances on one PostgreSQL see each
// other's jobs within the poll interval.
import type { Logger } from 'pino';
import type { EvalQueueRepository } from '../db/repositories/eval-queue.js';
import type { Clock } from '../lib/clock.js';
import type { Batch, EvaluationService, Pass } from './evaluation.js';
import type { Metrics } from '../ops/metrics.js';
import { Loop } from '../lib/loop.js';
import { nextTurn } from '../lib/turn.js';

type Claimed = { deviceId: string; seq?: string; since: number; trigger: 'job' | 'deadline' };

export interface EvaluatorOptions {
  pollMs: number;
  leaseMs: number;
  batch: number;
  /** Devices evaluated per transaction. */
  perTransaction: number;
  /** Due deadlines are looked at again after this long, even mid-way through a deep queue (500). */
  dueEveryMs?: number;
  /** Called after a pass that evaluated devices (their alert events are committed): wakes the notifier. */
  afterPass?: () => void;
  /**
   * The background loop starts a pass over the queue at most this often (0: at once). Under a
   * stream of jobs a device that receives one every few milliseconds is then evaluated once per
   * interval with all of them, instead of once per job; a lone job after a quiet spell is still
   * evaluated at once, and a queue deeper than a batch is worked through without pauses.
   * `runUntilIdle` is never held back.
   */
  coalesceMs?: number;
  /**
   * While more devices are queued than a pass takes, the background loop takes a queue entry
   * without an urgent job (failed, warning, …) only once it has waited this long (0: never held).
   */
  holdSuccessesMs?: number;
  /**
   * With a backlog (the pass took a full batch), transactions are written back to back before the
   * event loop gets a turn, for up to this long (0, and without a backlog: a turn after every
   * transaction). Under a flood each turn runs whole ingestion batches, so the evaluator's pace is
   * one write per turn unless it may write for longer.
   */
  writeTurnMs?: number;
}

export class EvaluatorWorker {
  private readonly loop: Loop;
  private lastDeadlines = 0;
  /** performance.now() of the last pass that took queued devices. */
  private lastQueuePass = -Infinity;
  /** The last pass took as many queued devices as a batch holds: the queue is deeper than that. */
  private behind = false;
  /** performance.now() when the event loop last had a turn from finish(). */
  private turnBegan = performance.now();
  evaluated = 0;
  failures = 0;

  constructor(
    private readonly repo: EvalQueueRepository,
    private readonly service: EvaluationService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: EvaluatorOptions,
    private readonly metrics: Metrics | null = null,
  ) {
    this.loop = new Loop(() => this.coalescedTick(), () => this.idleMs(), logger, 'evaluator');
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Something changed: look now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /**
   * Evaluates everything queued or due now; answers how many devices it evaluated. `sizes`
   * overrides the devices claimed a pass and written a transaction, for a run with nobody else to
   * serve (`keepwatch evaluate`): larger transactions write each page of the devices' tables and
   * indexes once for many devices.
   */
  async runUntilIdle(sizes: { perTransaction?: number; batch?: number } = {}): Promise<number> {
    const saved = { perTransaction: this.options.perTransaction, batch: this.options.batch };
    this.options.perTransaction = sizes.perTransaction ?? saved.perTransaction;
    this.options.batch = sizes.batch ?? saved.batch;
    try {
      return await this.drain();
    } finally {
      Object.assign(this.options, saved);
    }
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.tick();
      total += n;
      if (n === 0) return total;
    }
  }

  /** Sleep until the next deadline, or the poll interval when that is sooner. */
  private async idleMs(): Promise<number> {
    const deadline = await this.repo.nextDeadline(this.clock.now()).catch(() => null);
    return deadline === null ? this.options.pollMs : Math.max(10, Math.min(this.options.pollMs, deadline - this.clock.now()));
  }

  /** A pass of the background loop: when the last one took queued devices less than `coalesceMs`
   * ago, it first waits out the rest of that interval, so jobs arriving meanwhile are evaluated
   * together. Deadlines wait at most that long too. */
  private async coalescedTick(): Promise<number> {
    // Real time, not the clock: this paces CPU work, and tests move their clock freely.
    // Behind (the last pass took a full batch): more devices wait already, each with all the jobs
    // that came for it meanwhile; waiting would only cap the pace at a batch per interval.
    const wait = this.behind ? 0 : this.lastQueuePass + (this.options.coalesceMs ?? 0) - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return this.tick(true);
  }

  /**
   * Due deadlines, then one batch from the queue (`paced`, the background loop: not the devices
   * queued again while busy before their `not_before`, see EvalQueueRepository). Deadlines are never starved by a deep queue (a
   * burst of jobs, a settings change that queues every device): they are claimed first, and
   * again between chunks of the queue once `dueEveryMs` has passed, so an overdue check is
   * alerted within about that long of its deadline however busy the instance is.
   */
  async tick(paced = false): Promise<number> {
    const pass = await this.service.newPass();
    let n = await this.deadlines(pass);
    const now = this.clock.now();
    const hold = paced ? await this.successHold(now) : 0;
    const queued = (await this.repo.claimQueued(now, this.options.leaseMs, this.options.batch, paced, hold)).map((q) => ({ deviceId: q.device_id, seq: q.seq, since: Number(q.queued_at), trigger: 'job' as const }));
    // Entries held back (their not_before, the hold) count as a pass: the loop waits the
    // coalescing interval instead of asking again at every commit that wakes it.
    if (queued.length > 0 || (paced && (await this.repo.queueHeldBack(now, hold)))) this.lastQueuePass = performance.now();
    this.behind = queued.length === this.options.batch;
    n += await this.evaluateChunks(queued, pass, async () => (this.clock.now() - this.lastDeadlines >= (this.options.dueEveryMs ?? 500) ? this.deadlines(pass) : 0));
    this.evaluated += n;
    if (n > 0) this.options.afterPass?.();
    return n;
  }

  /**
   * With more devices queued than a pass takes, entries without a job that may raise an alert
   * wait until `holdSuccessesMs` after they were queued: a device under a stream of successes is
   * evaluated about once per hold with all of them, while failures and deadlines go first. No
   * backlog: no hold, everything at once.
   */
  private async successHold(now: number): Promise<number> {
    const hold = this.options.holdSuccessesMs ?? 0;
    if (hold <= 0) return 0;
    return (await this.repo.queueDepth(now, this.options.batch + 1)) > this.options.batch ? hold : 0;
  }

  private async deadlines(pass: Pass): Promise<number> {
    const now = this.clock.now();
    this.lastDeadlines = now;
    const due = (await this.repo.claimDue(now, this.options.leaseMs, this.options.batch)).map((d) => ({ deviceId: d.id, since: Number(d.next_eval_at), trigger: 'deadline' as const }));
    return this.evaluateChunks(due, pass, async () => 0);
  }

  /**
   * Small transactions: on SQLite, ingestion waits while one is open. With evaluation threads the
   * reads of the next few chunks run there while this thread writes the earlier ones (in order);
   * `between` runs after each chunk is written.
   */
  private async evaluateChunks(items: Claimed[], pass: Pass, between: () => Promise<number>): Promise<number> {
    const per = this.options.perTransaction;
    const chunks: Claimed[][] = [];
    for (let i = 0; i < items.length; i += per) chunks.push(items.slice(i, i + per));
    const begun: Batch[] = [];
    let n = 0;
    for (let i = 0; i < chunks.length; i++) {
      while (begun.length < Math.min(chunks.length, i + 1 + this.service.readAhead)) begun.push(this.service.begin(chunks[begun.length]!, pass));
      n += await this.finish(chunks[i]!, begun[i]!);
      n += await between();
    }
    return n;
  }

  private async finish(chunk: Claimed[], batch: Batch): Promise<number> {
    let failed = 0;
    const done = await this.service.finish(batch, (deviceId, err) => {
      // The lease runs out and another pass (here or on another instance) tries again.
      this.failures++;
      failed++;
      this.logger.error({ err, deviceId }, 'device evaluation failed');
    });
    this.record(chunk, done, failed);
    // SQLite calls are synchronous, so a pass never gives the event loop a turn by itself: let the
    // requests that arrived meanwhile be served between transactions (docs/PERFORMANCE.md).
    // Behind (the pass took a full batch: a backlog), write for up to writeTurnMs between turns.
    if (performance.now() - this.turnBegan >= (this.behind ? (this.options.writeTurnMs ?? 0) : 0)) {
      await nextTurn();
      this.turnBegan = performance.now();
    }
    return done;
  }

  private record(chunk: Array<{ since: number; trigger: 'job' | 'deadline' }>, done: number, failed: number): void {
    if (this.metrics === null) return;
    const now = this.clock.now();
    this.metrics.evaluations.inc({ outcome: 'ok' }, done);
    if (failed > 0) this.metrics.evaluations.inc({ outcome: 'failed' }, failed);
    for (const c of chunk) this.metrics.evaluationDelay.observe({ trigger: c.trigger }, Math.max(0, now - c.since) / 1000);
  }
}
