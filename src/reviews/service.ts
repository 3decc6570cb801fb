// The daily review's use cases (docs/review.md): mark a run reviewed (one or many), undo it, the
// queue of runs still to review, statistics per client and day, and the evidence report's data.
// Days are calendar days in the workspace's timezone; a day's review is due at the workspace's
// `review_due_hour` of the next day.
import type { CatalogService } from '../catalog/catalog.js';
import type { ReviewRepository, ReviewRun } from '../db/repositories/reviews.js';
import type { JobReviewRow, JobRow } from '../db/schema.js';
import type { Transactor } from '../db/transaction.js';
import type { Principal } from '../domain/access.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { type DayVerdict, dayStart, dayVerdict, medianMinutesToReview, type ReviewedRun, reviewDay, reviewDaysOf, reviewDueAt } from '../domain/review.js';
import type { SettingsService } from '../engine/settings.js';
import type { Clock } from '../lib/clock.js';
import { getOrCreate } from '../lib/maps.js';
import { DAY } from '../lib/time.js';
import { addDays } from '../lib/tz.js';
import type { AuditService } from '../ops/audit.js';

/** The most runs the queue lists (its counts are complete beyond it). */
export const QUEUE_LIMIT = 2000;
/** Statistics and the report cover at most this many days and runs. */
export const MAX_DAYS = 92;
export const MAX_RUNS = 100_000;

export interface ReviewInput {
  note?: string;
  ticket?: string;
}

export interface QueueDevice {
  id: string;
  name: string;
  count: number;
  jobs: ReviewRun[];
}
export interface QueueClient {
  id: string;
  name: string;
  count: number;
  devices: QueueDevice[];
}

export interface StatsItem {
  client_id: string;
  client_name: string;
  day: string;
  needing_review: number;
  reviewed: number;
  median_minutes_to_review: number | null;
}

export interface ReportDay {
  day: string;
  dueAt: number;
  runs: number;
  reviewed: number;
  reviewedByDue: number;
  verdict: DayVerdict | null;
}

export interface ReviewReport {
  from: string;
  to: string;
  timezone: string;
  dueHour: number;
  generatedAt: number;
  clientName: string | null;
  days: ReportDay[];
  /** The runs listed: the oldest of the period, at most the report's cap. */
  runs: Array<ReviewRun & { day: string; state: DayVerdict }>;
  /** Every failed and warning run of the period (the days' figures count them all). */
  runsTotal: number;
}

export interface ReviewServiceDeps {
  db: Transactor;
  repo: ReviewRepository;
  catalog: CatalogService;
  settings: SettingsService;
  audit: AuditService;
  clock: Clock;
}

const asReviewed = (r: ReviewRun): ReviewedRun => ({ at: r.occurred_at, reviewedAt: r.review ? Number(r.review.at) : null });

export class ReviewService {
  constructor(private readonly d: ReviewServiceDeps) {}

  /** The workspace's review clock: its timezone and due hour. */
  async clock(): Promise<{ tz: string; hour: number }> {
    const c = await this.d.settings.effective(null);
    return { tz: c.timezone, hour: c.review_due_hour };
  }

  /** Marks a run reviewed; reviewing it again replaces the note, ticket, reviewer and time. */
  async review(p: Principal, jobId: string, input: ReviewInput): Promise<JobRow & { review: JobReviewRow }> {
    const job = await this.d.catalog.getJob(p, jobId);
    const row: JobReviewRow = {
      job_id: job.id,
      by_kind: p.kind,
      by_id: p.id,
      by_name: (p.kind === 'user' ? await this.d.repo.userName(p.id) : null) ?? p.name,
      at: this.d.clock.now(),
      note: input.note?.trim() ? input.note : null,
      ticket: input.ticket?.trim() ? input.ticket.trim() : null,
    };
    await this.d.db.run(async (tx) => {
      const before = await this.d.repo.byJob(job.id, tx);
      await this.d.repo.put(tx, row);
      const details = { note: row.note, ticket: row.ticket, status: job.status, ...(before && { replaced: { by: before.by_name, at: new Date(Number(before.at)).toISOString() } }) };
      await this.d.audit.record(p, { action: 'job.review', targetType: 'job', targetId: job.id, clientId: job.client_id, details }, tx);
    });
    return { ...job, review: row };
  }

  /** Undoes a run's review (nothing to undo: nothing happens). */
  async unreview(p: Principal, jobId: string): Promise<void> {
    const job = await this.d.catalog.getJob(p, jobId);
    await this.d.db.run(async (tx) => {
      const before = await this.d.repo.byJob(job.id, tx);
      if (!before || !(await this.d.repo.remove(tx, job.id))) return;
      const details = { undone: { by: before.by_name, at: new Date(Number(before.at)).toISOString(), note: before.note, ticket: before.ticket } };
      await this.d.audit.record(p, { action: 'job.review.delete', targetType: 'job', targetId: job.id, clientId: job.client_id, details }, tx);
    });
  }

  /** Reviews each run of a list with the same note and ticket; a result per id. */
  async reviewMany(p: Principal, jobIds: string[], input: ReviewInput): Promise<Array<{ job_id: string; ok: boolean; error?: string }>> {
    const out = [];
    for (const id of new Set(jobIds)) {
      try {
        await this.review(p, id, input);
        out.push({ job_id: id, ok: true });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        out.push({ job_id: id, ok: false, error: 'not_found' });
      }
    }
    return out;
  }

  /** Failed and warning runs not yet reviewed, oldest first, grouped by client then device. */
  async queue(p: Principal, q: { client?: string; since?: string }): Promise<{ total: number; since: number; truncated: boolean; clients: QueueClient[] }> {
    const now = this.d.clock.now();
    const since = q.since === undefined ? now - 7 * DAY : Date.parse(q.since);
    if (Number.isNaN(since)) throw ValidationError.field('since', 'must be an ISO-8601 date-time');
    if (q.client) await this.d.catalog.getClient(p, q.client);
    const { runs, total } = await this.d.repo.queue({ clientIds: p.clientIds, client: q.client, from: since }, QUEUE_LIMIT);
    const clients = new Map<string, QueueClient & { byDevice: Map<string, QueueDevice> }>();
    // Runs come oldest first, so clients and devices are met in the order of their oldest run.
    for (const r of runs) {
      const c = getOrCreate(clients, r.client_id, () => ({ id: r.client_id, name: r.client_name, count: 0, devices: [], byDevice: new Map() }));
      const dev = getOrCreate(c.byDevice, r.device_id, () => {
        const made: QueueDevice = { id: r.device_id, name: r.device_name, count: 0, jobs: [] };
        c.devices.push(made);
        return made;
      });
      c.count++;
      dev.count++;
      dev.jobs.push(r);
    }
    return { total, since, truncated: runs.length < total, clients: [...clients.values()].map(({ byDevice: _, ...c }) => c) };
  }

  /** Per client and day: failed and warning runs, how many are reviewed, the median time to review. */
  async stats(p: Principal, q: { from?: string; to?: string; client?: string }): Promise<StatsItem[]> {
    const { tz } = await this.clock();
    const period = this.period(q, reviewDay(this.d.clock.now(), tz), 29);
    if (q.client) await this.d.catalog.getClient(p, q.client);
    // Every run of the period, however many (a 100,000-device estate's month is ~320,000): figures, not a list.
    const runs = await this.d.repo.reviewTimes({ clientIds: p.clientIds, client: q.client, from: dayStart(period.from, tz), to: dayStart(addDays(period.to, 1), tz) });
    const dayOf = reviewDaysOf(period.from, period.to, tz);
    const groups = new Map<string, { client_id: string; day: string; runs: ReviewedRun[] }>();
    for (const r of runs) {
      const day = dayOf(r.at);
      getOrCreate(groups, `${r.client_id}\u0000${day}`, () => ({ client_id: r.client_id, day, runs: [] })).runs.push(r);
    }
    const names = await this.d.repo.clientNames([...new Set(runs.map((r) => r.client_id))]);
    return [...groups.values()]
      .map((g) => ({ ...g, client_name: names.get(g.client_id) ?? '' }))
      .sort((a, b) => a.client_name.localeCompare(b.client_name) || a.client_id.localeCompare(b.client_id) || a.day.localeCompare(b.day))
      .map((g) => ({
        client_id: g.client_id,
        client_name: g.client_name,
        day: g.day,
        needing_review: g.runs.length,
        reviewed: g.runs.filter((r) => r.reviewedAt !== null).length,
        median_minutes_to_review: medianMinutesToReview(g.runs),
      }));
  }

  /**
   * The evidence report: how each day's review went, from every failed and warning run of the
   * period, and the runs themselves with their reviews, oldest first, listed up to `listCap`
   * (`runsTotal` says how many there are: a 100,000-device estate's week is 75,000–95,000).
   */
  async report(p: Principal, q: { from?: string; to?: string; client?: string }, listCap = MAX_RUNS): Promise<ReviewReport> {
    const now = this.d.clock.now();
    const { tz, hour } = await this.clock();
    const period = this.period(q, addDays(reviewDay(now, tz), -1), 6);
    const clientName = q.client ? (await this.d.catalog.getClient(p, q.client)).client.name : null;
    const filter = { clientIds: p.clientIds, client: q.client, from: dayStart(period.from, tz), to: dayStart(addDays(period.to, 1), tz) };
    const all = await this.d.repo.reviewTimes(filter);
    const dayOf = reviewDaysOf(period.from, period.to, tz);
    const byDay = new Map<string, ReviewedRun[]>();
    for (const r of all) getOrCreate(byDay, dayOf(r.at), () => []).push(r);
    const days: ReportDay[] = [];
    for (let day = period.from; day <= period.to; day = addDays(day, 1)) {
      const reviewed = byDay.get(day) ?? [];
      const dueAt = reviewDueAt(day, tz, hour);
      days.push({
        day,
        dueAt,
        runs: reviewed.length,
        reviewed: reviewed.filter((r) => r.reviewedAt !== null).length,
        reviewedByDue: reviewed.filter((r) => r.reviewedAt !== null && r.reviewedAt <= dueAt).length,
        verdict: dayVerdict(reviewed, dueAt, now),
      });
    }
    const dueAt = new Map(days.map((d) => [d.day, d.dueAt]));
    const listed = (await this.d.repo.runs(filter, listCap)).map((r) => {
      const day = dayOf(r.occurred_at);
      return { ...r, day, state: dayVerdict([asReviewed(r)], dueAt.get(day) ?? reviewDueAt(day, tz, hour), now)! };
    });
    return { from: period.from, to: period.to, timezone: tz, dueHour: hour, generatedAt: now, clientName, days, runs: listed, runsTotal: all.length };
  }

  /** A period of days from the query, with defaults: `to` (or `defaultTo`) and `span` days before it. */
  private period(q: { from?: string; to?: string }, defaultTo: string, span: number): { from: string; to: string } {
    const to = q.to ?? defaultTo;
    const from = q.from ?? addDays(to, -span);
    for (const [f, v] of [['from', from], ['to', to]] as const) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw ValidationError.field(f, 'must be a date, YYYY-MM-DD');
    }
    if (from > to) throw ValidationError.field('from', 'must not be after to');
    if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) >= MAX_DAYS * DAY) throw ValidationError.field('from', `a period covers at most ${MAX_DAYS} days`);
    return { from, to };
  }
}
