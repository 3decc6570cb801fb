// Group commit: work submitted while a transaction is in flight is gathered and committed together
// in the next one, and each submitter is answered only after that commit. One commit then serves
// many concurrent requests, which is what makes single-job POSTs fast.

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<T, R> {
  /** Runs all items in one transaction and answers in the same order. */
  runBatch: (items: T[]) => Promise<R[]>;
  /** Runs one item alone; used when a batch fails, so one bad item fails only its submitter. */
  runOne: (item: T) => Promise<R>;
  /** Cost of an item (jobs in a request); a batch stops growing past maxWeight. */
  weight?: (item: T) => number;
  maxWeight?: number;
  /** Batches in flight at once: 1 for SQLite (one writer), a few for PostgreSQL. */
  concurrency?: number;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly idle: Array<() => void> = [];

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far has been answered. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= (this.options.concurrency ?? 1)) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private take(): Pending<T, R>[] {
    const max = this.options.maxWeight ?? Number.POSITIVE_INFINITY;
    const weight = this.options.weight ?? (() => 1);
    let total = 0;
    let n = 0;
    while (n < this.queue.length) {
      total += weight(this.queue[n]!.item);
      if (n > 0 && total > max) break;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0) return this.settle();
    const batch = this.take();
    this.inFlight++;
    try {
      const results = await this.options.runBatch(batch.map((p) => p.item));
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    } catch {
      for (const p of batch) {
        try {
          p.resolve(await this.options.runOne(p.item));
        } catch (err) {
          p.reject(err);
        }
      }
    } finally {
      this.inFlight--;
    }
    if (this.queue.length > 0) this.schedule();
    else this.settle();
  }

  private settle(): void {
    if (this.queue.length === 0 && this.inFlight === 0) {
      for (const done of this.idle.splice(0)) done();
    }
  }
}
