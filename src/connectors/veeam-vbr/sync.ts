// One sync of a backup server: its repositories' space, then the job sessions created since the
// cursor minus the overlap window (reaching back for sessions that were still running, or whose
// machines could not be read), and for each new or changed session its task sessions — one job
// per machine. A finished session already recorded unchanged is not read again. A session whose
// task sessions cannot be read is named in the errors and read again next time; the others go on.
import type { NormalisedJob } from '../../domain/job.js';
import { changedJobs } from '../common/changed.js';
import { ConnectorAuthError, ConnectorQuotaError, outcomeOfParts, type PartError, type SyncContext, type SyncResult } from '../types.js';
import { type VbrApi, VbrError } from './api.js';
import type { VbrConfig } from './config.js';
import { type MapContext, mapSession, mapTask, repositoryRecord, sessionKind, type VbrRepositoryState, type VbrSession, type VbrTaskSession } from './map.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How far back the first sync reads sessions. */
export const HISTORY_DAYS = 30;
/** Sessions still running (or unreadable) are re-read for at most this long after they were created. */
const OPEN_MAX_AGE = 7 * DAY;
/** Task-session reads in flight at once. */
const CONCURRENCY = 4;
/** The backup server's one tenant (its `client` setting names it). */
export const SERVER_TENANT_ID = 'backup-server';

export const SESSIONS_PATH = '/api/v1/sessions';
export const REPOSITORY_STATES_PATH = '/api/v1/backupInfrastructure/repositories/states';

export interface VbrCursor {
  v: 1;
  /** Where the history starts. */
  horizon: number;
  /** The end of the last window read. */
  to: number;
  /** Sessions to read again: [id, created]. */
  open: Array<[string, number]>;
  /** Finished sessions of the last window, by id: what they looked like when their machines were read. */
  seen: Record<string, string>;
}

export function readCursor(raw: unknown): VbrCursor | null {
  const c = raw as Partial<VbrCursor> | null;
  if (c && c.v === 1 && typeof c.to === 'number' && typeof c.horizon === 'number') return { v: 1, horizon: c.horizon, to: c.to, open: [...(c.open ?? [])], seen: { ...(c.seen ?? {}) } };
  return null;
}

function kindOf(err: unknown): PartError['kind'] {
  return err instanceof ConnectorAuthError ? 'auth' : 'other';
}

const fingerprint = (s: VbrSession) => [s.state, s.result?.result, s.result?.isCanceled === true, s.endTime ?? ''].join('|');
const finished = (s: VbrSession) => String(s.state ?? '').toLowerCase() === 'stopped';

export class VbrSync {
  readonly counts = {
    repositories: 0,
    sessions_seen: 0,
    sessions_read: 0,
    sessions_unchanged: 0,
    sessions_failed: 0,
    task_sessions: 0,
    jobs_recorded: 0,
    jobs_created: 0,
    jobs_unchanged: 0,
  };
  private readonly errors: PartError[] = [];
  private readonly prev: VbrCursor | null;
  private readonly open: Array<[string, number]> = [];
  private readonly seen: Record<string, string> = {};
  private readonly map: MapContext;

  constructor(
    private readonly cfg: VbrConfig,
    private readonly api: VbrApi,
    private readonly ctx: SyncContext,
  ) {
    this.prev = readCursor(ctx.cursor);
    this.map = { source: ctx.source, client: ctx.clientFor({ id: SERVER_TENANT_ID, name: cfg.client }), server: new URL(cfg.url).hostname };
  }

  async run(): Promise<SyncResult> {
    const now = this.ctx.now;
    const horizon = this.prev?.horizon ?? now - HISTORY_DAYS * DAY;
    let from = this.prev ? Math.max(horizon, this.prev.to - this.cfg.overlap_minutes * MINUTE) : horizon;
    // A second early: createdAfterFilter is exclusive, and the session itself must be in the window.
    for (const [, created] of this.prev?.open ?? []) if (created >= now - OPEN_MAX_AGE && created - 1000 < from) from = created - 1000;

    await this.part('repositories', () => this.repositories());
    for await (const page of this.api.pages<VbrSession>(SESSIONS_PATH, { createdAfterFilter: new Date(from).toISOString(), orderColumn: 'CreationTime', orderAsc: true })) {
      this.counts.sessions_seen += page.length;
      await this.sessions(page.filter((s) => sessionKind(s.sessionType) !== null && typeof s.id === 'string'));
    }
    this.ctx.signal.throwIfAborted();
    const cursor: VbrCursor = { v: 1, horizon, to: now, open: this.open, seen: this.seen };
    return { cursor, outcome: this.outcome(), counts: { ...this.counts }, errors: this.errors };
  }

  private outcome(): SyncResult['outcome'] {
    return outcomeOfParts(this.errors);
  }

  /** Runs one part of the sync; a failure is recorded against `scope` and the sync goes on. */
  private async part(scope: string, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      // Throttled past patience: every further call would fail the same way; the sync stops (integration_quota).
      if (this.ctx.signal.aborted || err instanceof ConnectorQuotaError) throw err;
      this.errors.push({ scope, kind: kindOf(err), message: (err as Error).message });
      return false;
    }
  }

  private async repositories(): Promise<void> {
    const records: NormalisedJob[] = [];
    for await (const page of this.api.pages<VbrRepositoryState>(REPOSITORY_STATES_PATH)) {
      this.counts.repositories += page.length;
      for (const repo of page) {
        const job = repositoryRecord(repo, this.map, this.ctx.now);
        if (job) records.push(job);
      }
    }
    // Always recorded: each one refreshes its repository's facts.
    await this.emit(records);
  }

  private async sessions(sessions: VbrSession[]): Promise<void> {
    let i = 0;
    const jobs: NormalisedJob[] = [];
    const worker = async () => {
      while (i < sessions.length) {
        const s = sessions[i++]!;
        const created = Date.parse(s.creationTime ?? '') || this.ctx.now;
        const fp = fingerprint(s);
        if (finished(s) && this.prev?.seen[s.id] === fp) {
          this.counts.sessions_unchanged++;
          if (created >= this.ctx.now - this.cfg.overlap_minutes * MINUTE - 1000) this.seen[s.id] = fp;
          continue;
        }
        const ok = await this.part(`session ${s.name ?? s.id}`, async () => {
          jobs.push(...(await this.sessionJobs(s)));
        });
        if (!ok) this.counts.sessions_failed++;
        if (!ok || !finished(s)) this.open.push([s.id, created]);
        // Only the next window (the overlap) can list it again.
        else if (created >= this.ctx.now - this.cfg.overlap_minutes * MINUTE - 1000) this.seen[s.id] = fp;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, sessions.length) }, worker));
    await this.emitChanged(jobs);
  }

  /** A session's jobs: one per machine, or the session itself when it processed none. */
  private async sessionJobs(s: VbrSession): Promise<NormalisedJob[]> {
    this.counts.sessions_read++;
    const tasks: VbrTaskSession[] = [];
    if (String(s.sessionType).toLowerCase() !== 'configurationbackup') {
      try {
        for await (const page of this.api.pages<VbrTaskSession>(`${SESSIONS_PATH}/${encodeURIComponent(s.id)}/taskSessions`)) tasks.push(...page);
      } catch (err) {
        // Gone since it was listed (retention): it has no machines to read.
        if (!(err instanceof VbrError && err.status === 404)) throw err;
      }
    }
    this.counts.task_sessions += tasks.length;
    const jobs = tasks.map((t) => mapTask(t, s, this.map)).filter((j): j is NormalisedJob => j !== null);
    if (jobs.length === 0 && finished(s)) {
      const job = mapSession(s, this.map);
      if (job) jobs.push(job);
    }
    return jobs;
  }

  private async emit(jobs: NormalisedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const { created } = await this.ctx.emit(jobs);
    this.counts.jobs_recorded += jobs.length;
    this.counts.jobs_created += created;
  }

  /** Records what is new or changed. */
  private async emitChanged(jobs: NormalisedJob[]): Promise<void> {
    const { changed } = await changedJobs(this.ctx, jobs);
    this.counts.jobs_unchanged += jobs.length - changed.length;
    await this.emit(changed);
  }
}
