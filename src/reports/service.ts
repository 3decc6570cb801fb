// Client roll-ups (devices per band, compliance now), SLA compliance over a period, and the
// daily status grid.
import type { ReportRepository } from '../db/repositories/reports.js';
import { emptyRollup, type Rollup, rollupOf } from '../domain/rollup.js';
import type { WindowRepository } from '../db/repositories/windows.js';
import type { Principal } from '../domain/access.js';
import { breachHours, complianceOverPeriod } from '../domain/compliance.js';
import { ValidationError } from '../domain/errors.js';
import { tagFilter } from '../domain/tags.js';
import { businessDate, type GridCell, type GridDay, gridDays, gridRow } from '../domain/grid.js';
import type { DeviceClass } from '../domain/job.js';
import { cronTicks } from '../domain/schedule.js';
import { GRID_ROLLUPS, type GridRollup } from '../domain/settings.js';
import type { Interval } from '../domain/windows.js';
import type { Clock } from '../lib/clock.js';
import { getOrCreate } from '../lib/maps.js';
import { inThread } from '../lib/in-thread.js';
import { nextTurn, turnEvery } from '../lib/turn.js';
import { toPage } from '../lib/cursor.js';
import { DAY, HOUR } from '../lib/time.js';
import { addDays } from '../lib/tz.js';
import type { CatalogService, PageRequest } from '../catalog/catalog.js';
import { cursorOf, DEFAULT_LIMIT } from '../catalog/catalog.js';
import { toCheckInfo, toHistoryJob, toWindow } from '../engine/rows.js';
import { endOf } from '../domain/history.js';
import { needsReview, type ReviewedRun, reviewDay, reviewDaysOf, reviewDueAt, reviewedByDuePercent, reviewedCells } from '../domain/review.js';
import type { ReviewRepository } from '../db/repositories/reviews.js';
import { renderCompliancePdf } from './pdf.js';
import type { ComplianceReport, DeviceCompliance } from './report.js';

export type { ComplianceReport, DeviceCompliance } from './report.js';
import type { SettingsService } from '../engine/settings.js';

export interface GridPage {
  days: string[];
  rollup: GridRollup;
  items: Array<{ check_id: string; check_name: string; kind: string; device_id: string; device_name: string; client_id: string; cells: GridCell[]; reviewed: Array<boolean | null> }>;
  next_cursor: string | null;
}

/** A check's first sighting from its history, as the engine counts it (backfilled jobs predate the row). */
function firstSeen(createdAt: number, jobs: Array<{ occurredAt: number }>, goodBefore: object | null, windowStart: number): number {
  let first = createdAt;
  for (const j of jobs) first = Math.min(first, j.occurredAt);
  return goodBefore === null ? first : Math.min(first, windowStart);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `YYYY-MM-DD` or an ISO date-time to epoch ms; throws a 400 naming the field. */
function parseBound(value: string, field: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw ValidationError.field(field, 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time');
  return ms;
}

export interface ReportServiceDeps {
  repo: ReportRepository;
  windows: WindowRepository;
  catalog: CatalogService;
  settings: SettingsService;
  /** Reviews of runs, for the grid's reviewed marks (docs/review.md). */
  reviews: Pick<ReviewRepository, 'forJobs' | 'reviewTimes'>;
  clock: Clock;
}

export class ReportService {
  constructor(private readonly d: ReportServiceDeps) {}

  async rollups(clientIds: string[]): Promise<Map<string, Rollup>> {
    const map = rollupOf(await this.d.repo.rollup(clientIds));
    for (const id of clientIds) if (!map.has(id)) map.set(id, emptyRollup());
    return map;
  }

  async compliance(p: Principal, q: { from?: string; to?: string; client?: string }): Promise<ComplianceReport> {
    const now = this.d.clock.now();
    const to = q.to ? Math.min(parseBound(q.to, 'to') + (/^\d{4}-\d{2}-\d{2}$/.test(q.to) ? DAY : 0), now) : now;
    const from = q.from ? parseBound(q.from, 'from') : to - 30 * DAY;
    if (from >= to) throw ValidationError.field('from', 'must be before to (and before now)');
    if (to - from > 400 * DAY) throw ValidationError.field('from', 'a report covers at most 400 days');
    if (q.client) await this.d.catalog.getClient(p, q.client);
    const devices = (await this.d.repo.devicesOf(p.clientIds, q.client)).filter((d) => d.status !== 'retired');
    const kinds = await this.d.repo.deviceKinds(devices.map((d) => d.id));
    const clientNames = new Map<string, string>();
    const rows: DeviceCompliance[] = [];
    const byClass = (cls: string) => (cls === 'saas' ? ['saas_backup'] : ['backup']);
    // A turn for the server's other requests every 200 devices: a 100,000-device estate's month
    // held the thread for 67 s in one go (docs/PERFORMANCE.md).
    const turn = turnEvery(200);
    for (const group of this.groupByClient(devices)) {
      await nextTurn();
      const client = (await this.d.catalog.getClient(p, group.clientId)).client;
      clientNames.set(client.id, client.name);
      const config = await this.d.settings.effective(client.id);
      const windows = (await this.d.windows.list(null, { client: client.id })).map(toWindow);
      const maxSla = Math.max(...Object.values(config.thresholds.sla_hours)) * HOUR;
      const ends = await this.d.repo.goodEnds(group.devices.map((d) => d.id), ['backup', 'saas_backup'], from - maxSla, to);
      for (const d of group.devices) {
        await turn();
        const k = kinds.get(d.id);
        if (!k || !byClass(d.class).some((x) => k.has(x))) continue;
        const sla = config.thresholds.sla_hours[d.class as DeviceClass] * HOUR;
        const list = ends.get(d.id) ?? [];
        const before = list.length > 0 && list[0]! <= from ? null : await this.d.repo.lastGoodEndBefore(d.id, byClass(d.class), from);
        const deviceWindows = windows.filter((w) => w.scope === 'client' || (w.scope === 'device' && w.scopeId === d.id));
        // First seen is the oldest job when history was backfilled, as the engine counts it.
        const firstJob = d.created_at > from ? await this.d.repo.firstJobAt(d.id) : null;
        const result = complianceOverPeriod({
          slaMs: sla,
          createdAt: Math.min(d.created_at, firstJob ?? Number.POSITIVE_INFINITY),
          goodEnds: before === null ? list : [before, ...list],
          windows: this.occurrences(deviceWindows, from, to),
          from,
          to,
        });
        rows.push({
          device_id: d.id,
          device_name: d.name,
          client_id: client.id,
          client_name: client.name,
          class: d.class,
          status: d.status,
          score: d.score,
          sla_hours: sla / HOUR,
          compliant_now: d.compliant === null ? null : d.compliant === 1,
          compliance_percent: result.percent === null ? null : round(result.percent),
          breaches: result.breaches.map((b) => ({ start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString(), hours: breachHours(b.end - b.start) })),
          breached_hours: breachHours(result.breachedMs),
        });
      }
    }
    const rollups = await this.rollups([...clientNames.keys()]);
    const review = await this.reviewFigures([...clientNames.keys()], from, to, now);
    const clients = [...clientNames].map(([id, name]) => {
      const mine = rows.filter((r) => r.client_id === id && r.compliance_percent !== null);
      return {
        client_id: id,
        client_name: name,
        devices: mine.length,
        compliance_percent: mine.length === 0 ? null : round(mine.reduce((s, r) => s + r.compliance_percent!, 0) / mine.length),
        compliant_now: rows.filter((r) => r.client_id === id && r.compliant_now === true).length,
        rollup: rollups.get(id)!,
        reviewed_by_due_percent: review.percent.get(id) ?? null,
      };
    });
    const period = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), generated_at: new Date(now).toISOString() };
    return { ...period, clients, devices: rows, review_due_hour: review.hour };
  }

  /** Per client: % of the period's failed and warning runs reviewed by their day's due time; runs not due yet are left out. */
  private async reviewFigures(clientIds: string[], from: number, to: number, now: number): Promise<{ hour: number; percent: Map<string, number | null> }> {
    const { timezone: tz, review_due_hour: hour } = await this.d.settings.effective(null);
    const percent = new Map<string, number | null>();
    if (clientIds.length === 0) return { hour, percent };
    const dayOf = reviewDaysOf(reviewDay(from, tz), reviewDay(to, tz), tz);
    const dueByDay = new Map<string, number>();
    const dueOf = (at: number) => {
      const day = dayOf(at);
      return getOrCreate(dueByDay, day, () => reviewDueAt(day, tz, hour));
    };
    // Every run of the period, however many: a figure, not a list (a 100,000-device estate's month is ~320,000).
    const byClient = new Map<string, ReviewedRun[]>();
    for (const r of await this.d.reviews.reviewTimes({ clientIds, from, to })) {
      if (dueOf(r.at) <= now) getOrCreate(byClient, r.client_id, () => []).push(r);
    }
    for (const id of clientIds) percent.set(id, reviewedByDuePercent(byClient.get(id) ?? [], dueOf));
    return { hour, percent };
  }

  /** The compliance report as a PDF, with the file name to offer. */
  async compliancePdf(p: Principal, q: { from?: string; to?: string; client?: string }): Promise<{ pdf: Buffer; filename: string }> {
    const report = await this.compliance(p, q);
    const scopeName = q.client ? (await this.d.catalog.getClient(p, q.client)).client.name : null;
    const { timezone } = await this.d.settings.effective(q.client ?? null);
    // Drawn on a thread of its own: a big estate's report is thousands of pages (src/lib/in-thread.ts).
    const pdf = await inThread(new URL('./pdf.js', import.meta.url), 'renderCompliancePdf', renderCompliancePdf, report, { scopeName, timezone });
    const slug = scopeName ? `${scopeName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-` : '';
    return { pdf, filename: `compliance-${slug}${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.pdf` };
  }

  private groupByClient<T extends { client_id: string }>(devices: T[]): Array<{ clientId: string; devices: T[] }> {
    const map = new Map<string, T[]>();
    for (const d of devices) {
      getOrCreate(map, d.client_id, () => []).push(d);
    }
    return [...map].map(([clientId, list]) => ({ clientId, devices: list }));
  }

  /** Occurrences of windows within a period (recurring ones expanded). */
  private occurrences(windows: ReturnType<typeof toWindow>[], from: number, to: number): Interval[] {
    const out: Interval[] = [];
    for (const w of windows) {
      if (w.startsAt !== null && w.endsAt !== null) {
        if (w.endsAt > from && w.startsAt < to) out.push({ start: w.startsAt, end: w.endsAt });
      } else if (w.cron && w.durationMs) {
        // Expanded through the shared tick cache, day by day.
        for (let t = from - w.durationMs; t < to && out.length < 10_000; ) {
          const next = cronTicks(w.cron, w.tz ?? 'UTC').after(t);
          if (next === null || next >= to) break;
          out.push({ start: next, end: next + w.durationMs });
          t = next;
        }
      }
    }
    return out;
  }

  async grid(
    p: Principal,
    q: PageRequest & { client?: string; from?: string; to?: string; rollup?: string; tag?: string[] },
  ): Promise<GridPage> {
    const now = this.d.clock.now();
    const config = await this.d.settings.effective(q.client ?? null);
    const rollup = (q.rollup ?? config.grid_rollup) as GridRollup;
    if (!GRID_ROLLUPS.includes(rollup)) throw ValidationError.field('rollup', `must be one of: ${GRID_ROLLUPS.join(', ')}`);
    const today = businessDate(now, config.timezone, config.day_start);
    const to = q.to ?? today;
    const from = q.from ?? addDays(to, -29);
    for (const [f, v] of [['from', from], ['to', to]] as const) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw ValidationError.field(f, 'must be a date, YYYY-MM-DD');
    }
    if (from > to) throw ValidationError.field('from', 'must not be after to');
    const days: GridDay[] = gridDays(from, to, config.timezone, config.day_start);
    if (days.length > 92) throw ValidationError.field('from', 'a grid page covers at most 92 days');
    if (q.client) await this.d.catalog.getClient(p, q.client);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const checks = await this.d.repo.gridChecks(p.clientIds, q.client, cursorOf(q, 3), limit, tagFilter(q.tag));
    const page = toPage(checks, limit, (c) => [c.device_name_key, c.name_key, c.id], (c) => c);
    const start = days[0]!.start;
    const end = days[days.length - 1]!.end;
    const history = (await this.d.repo.history([...new Set(page.items.map((c) => c.device_id))], start - 7 * DAY, end)).map(toHistoryJob);
    const reviewed = new Set((await this.d.reviews.forJobs(history.filter((j) => needsReview(j.status) && endOf(j) >= start).map((j) => j.id))).keys());
    const items = [];
    for (const c of page.items) {
      const info = toCheckInfo(c);
      const jobs = history.filter((j) => j.checkId === c.id);
      const schedule = info.schedule ?? (c.schedule_type === 'interval' && c.interval_ms ? { type: 'interval' as const, intervalMs: c.interval_ms } : null);
      const goodBefore = jobs.some((j) => j.status === 'succeeded' || j.status === 'warning')
        ? null
        : await this.d.repo.lastGoodOfCheckBefore(c.device_id, c.id, start - 7 * DAY);
      items.push({
        check_id: c.id,
        check_name: c.name,
        kind: c.kind,
        device_id: c.device_id,
        device_name: c.device_name,
        client_id: c.client_id,
        cells: gridRow({ schedule, graceMs: c.grace_ms, graceRatio: config.thresholds.grace_ratio, createdAt: firstSeen(c.created_at, jobs, goodBefore, start - 7 * DAY), jobs, goodBefore, days, rollup, now }),
        reviewed: reviewedCells(jobs.map((j) => ({ id: j.id, status: j.status, at: endOf(j) })), days, reviewed),
      });
    }
    return { days: days.map((d) => d.date), rollup, items, next_cursor: page.next_cursor };
  }
}
