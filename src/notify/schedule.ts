// Notifications that time makes, not events: hourly digests (on the hour, workspace time zone),
// repeats of alerts still open after a channel's N hours, the weekly summary, and the expiry of
// deliveries that could not be made in time. Each is queued as deliveries with a key derived from
// its moment, behind a mark moved by compare-and-set, so with several instances each happens once.
import type { Transactor, } from '../db/transaction.js';
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { DeliveryRepository } from '../db/repositories/deliveries.js';
import type { NamedAlert, NotifyReadRepository } from '../db/repositories/notify-reads.js';
import type { DeliveryRow } from '../db/schema.js';
import { DELIVERY_EXPIRY_MS, FAILING_REPORT_AFTER_MS, digestSelection, dueHours, hourStart, lastWeeklyInstant, matchesFilters } from '../domain/notify.js';
import type { Severity } from '../domain/settings.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { DAY, HOUR, } from '../lib/time.js';
import type { DigestAlert, Message } from './channels/channel.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { ChannelHealth } from './channel-health.js';
import { type ChannelView, isDigest, jsonList, OWNERS_CHANNEL_ID, routable, view } from './channel-model.js';
import { deliveryRow } from './router.js';
import type { NotificationSettingsService } from './settings.js';
import type { SettingsService } from '../engine/settings.js';
import { weeklySummary } from './weekly-summary.js';
import { eventOf } from './events.js';
import type { MonthlyReports } from '../reports/monthly-mail.js';
import type { NotifyFallback } from './fallback.js';
import type { NotifyPaging } from './paging.js';

/** What the schedule also looks at: pages, the monthly report, fallbacks of failing ticket channels. */
export interface ScheduleExtras {
  paging?: NotifyPaging;
  monthly?: MonthlyReports;
  fallback?: NotifyFallback;
  /** The daily review's review_overdue (src/reviews/watch.ts). */
  reviewWatch?: { tick(): Promise<number> };
}

const WEEKLY_MARK = 'weekly_summary';


const digestAlert = (a: NamedAlert): DigestAlert => ({
  id: a.id,
  type: a.type,
  severity: a.severity,
  state: a.state,
  title: a.title,
  client_name: a.client_name,
  device_id: a.device_id,
  device_name: a.device_name,
  raised_at: new Date(a.raised_at).toISOString(),
});

export interface NotifyScheduleDeps {
  db: Transactor;
  channels: ChannelRepository;
  deliveries: DeliveryRepository;
  reads: NotifyReadRepository;
  registry: ChannelRegistry;
  settings: SettingsService;
  notifySettings: NotificationSettingsService;
  health: ChannelHealth;
  clock: Clock;
  onQueued: () => void;
  extras: ScheduleExtras;
}

export class NotifySchedule {
  constructor(private readonly d: NotifyScheduleDeps) {}

  /** Queues the pages that fell due (also asked right after routing, so an immediate page waits for no schedule look). */
  async pages(): Promise<number> {
    if (!this.d.extras.paging) return 0;
    const n = await this.d.extras.paging.tick(await this.enabledViews(), this.d.clock.now());
    if (n > 0) this.d.onQueued();
    return n;
  }

  private async enabledViews(): Promise<ChannelView[]> {
    return (await this.d.channels.all()).filter((c) => c.enabled === 1).map((c) => view(c, this.d.registry)).filter((v): v is ChannelView => v !== null);
  }

  /** Queues whatever fell due; answers how many deliveries it queued. */
  async tick(): Promise<number> {
    const now = this.d.clock.now();
    const views = await this.enabledViews();
    const tz = (await this.d.settings.effective(null)).timezone;
    let n = 0;
    for (const v of views.filter(isDigest)) n += await this.digests(v, now, tz);
    for (const v of views.filter((x) => (x.row.repeat_hours ?? 0) > 0 && !isDigest(x))) n += await this.repeats(v, now);
    n += await this.weekly(views, now, tz);
    n += (await this.d.extras.paging?.tick(views, now)) ?? 0;
    if (this.d.extras.monthly) n += await this.d.extras.monthly.tick(views, now, tz, (await this.d.notifySettings.get()).weekly_summary.hour);
    n += await this.reportFailing(views, now);
    n += (await this.d.extras.reviewWatch?.tick()) ?? 0;
    await this.d.deliveries.expire(now - DELIVERY_EXPIRY_MS, now);
    if (n > 0) this.d.onQueued();
    return n;
  }

  private async digests(v: ChannelView, now: number, tz: string): Promise<number> {
    const id = v.row.id;
    if (v.row.digest_through === null) {
      await this.d.db.run((tx) => this.d.channels.advanceDigest(tx, id, null, hourStart(now, tz)));
      return 0;
    }
    let from = v.row.digest_through;
    let n = 0;
    const target = routable(v);
    for (const { start, end } of dueHours(from, now, tz)) {
      const candidates = (await this.d.reads.openRaisedBetween(start, end)).filter((a) =>
        matchesFilters(target, { client_id: a.client_id, severity: a.severity as Severity, type: a.type }),
      );
      const chosen = digestSelection(candidates.map((a) => ({ ...a, raisedAt: a.raised_at })), start, end);
      const message: Message = { kind: 'digest', hour_start: new Date(start).toISOString(), hour_end: new Date(end).toISOString(), timezone: tz, alerts: chosen.map(digestAlert) };
      const held = from;
      const won = await this.d.db.run(async (tx) => {
        if (!(await this.d.channels.advanceDigest(tx, id, held, end))) return false;
        if (chosen.length > 0) await this.d.deliveries.insertMany(tx, [deliveryRow(id, null, 'digest', newId(now), `digest:${id}:${start}`, message, now)]);
        return true;
      });
      // Another instance moved the mark first: it sends this hour.
      if (!won) return n;
      from = end;
      if (chosen.length > 0) n++;
    }
    return n;
  }

  /** A channel still failing an hour after its first failure is a problem, even between two attempts. */
  private async reportFailing(views: ChannelView[], now: number): Promise<number> {
    let raised = 0;
    for (const v of views) {
      const { row } = v;
      if (row.failing_since === null || row.broken_at !== null || now - row.failing_since < FAILING_REPORT_AFTER_MS) continue;
      const since = new Date(row.failing_since).toISOString();
      if (await this.d.health.failing(row, `every attempt since ${since} failed; see the channel's delivery log`, row.failing_since, false)) raised++;
      raised += (await this.d.extras.fallback?.queueWaiting(v, v.stored, `failing since ${since}`)) ?? 0;
    }
    return raised;
  }

  private async repeats(v: ChannelView, now: number): Promise<number> {
    const due = await this.d.deliveries.repeatDue(v.row.id, now - v.row.repeat_hours! * HOUR);
    const rows: DeliveryRow[] = [];
    const target = routable(v);
    for (const { alert_id, last } of due) {
      const a = await this.d.reads.alert(alert_id);
      if (!a || !matchesFilters(target, { client_id: a.client_id, severity: a.severity as Severity, type: a.type })) continue;
      const seq = newId(now);
      rows.push(deliveryRow(v.row.id, a.id, 'alert.repeat', seq, `repeat:${a.id}:${v.row.id}:${last}`, { kind: 'alert', event: eventOf(a, 'alert.repeat', now) }, now));
    }
    if (rows.length > 0) await this.d.db.run((tx) => this.d.deliveries.insertMany(tx, rows));
    return rows.length;
  }

  private async weekly(views: ChannelView[], now: number, tz: string): Promise<number> {
    const s = (await this.d.notifySettings.get()).weekly_summary;
    if (!s.enabled) return 0;
    const instant = lastWeeklyInstant(now, s.day, s.hour, tz);
    const mark = await this.d.deliveries.mark(WEEKLY_MARK);
    if (mark !== null && mark >= instant) return 0;
    if (mark === null) {
      // First run: start counting from now rather than sending a summary at once.
      await this.d.db.run((tx) => this.d.deliveries.moveMark(tx, WEEKLY_MARK, null, instant));
      return 0;
    }
    const rows = await this.summaryRows(views, instant, now, tz, s.owners_and_admins);
    const won = await this.d.db.run(async (tx) => {
      if (!(await this.d.deliveries.moveMark(tx, WEEKLY_MARK, mark, instant))) return false;
      await this.d.deliveries.insertMany(tx, rows);
      return true;
    });
    return won ? rows.length : 0;
  }

  private async summaryRows(views: ChannelView[], instant: number, now: number, tz: string, owners: boolean): Promise<DeliveryRow[]> {
    const start = instant - 7 * DAY;
    const rows: DeliveryRow[] = [];
    const recipients = views.filter((v) => v.row.type === 'email' && v.row.system === 0 && v.stored.weekly_summary === true);
    for (const v of recipients) {
      const summary = await weeklySummary(this.d.reads, start, instant, tz, jsonList(v.row.client_ids));
      rows.push(deliveryRow(v.row.id, null, 'summary', newId(now), `summary:${v.row.id}:${instant}`, { kind: 'summary', summary }, now));
    }
    const to = owners && views.some((v) => v.row.id === OWNERS_CHANNEL_ID) ? await this.d.channels.ownerAndAdminEmails() : [];
    if (to.length > 0) {
      const summary = await weeklySummary(this.d.reads, start, instant, tz, null);
      rows.push(deliveryRow(OWNERS_CHANNEL_ID, null, 'summary', newId(now), `summary:${OWNERS_CHANNEL_ID}:${instant}`, { kind: 'summary', summary, to }, now));
    }
    return rows;
  }
}
