// Notifications that time makes, not events: hourly digests (on the hour, workspace time zone),
// repeats of alerts still open after a channel's N hours, the weekly summary, and the expiry of
// deliveries that could not be made in time. Each is queued as deliveries with a key derived from
// its moment, behind a mark moved by compare-and-set, so with several instances each happens once.
import type { Kysely } from 'kysely';
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { DeliveryRepository } from '../db/repositories/deliveries.js';
import type { NamedAlert, NotifyReadRepository } from '../db/repositories/notify-reads.js';
import type { DB, DeliveryRow } from '../db/schema.js';
import { type AlertEvent, DELIVERY_EXPIRY_MS, FAILING_REPORT_AFTER_MS, digestSelection, dueHours, hourStart, lastWeeklyInstant, matchesFilters } from '../domain/notify.js';
import type { Severity } from '../domain/settings.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { DAY, HOUR, toIso } from '../lib/time.js';
import type { DigestAlert, Message } from './channels/channel.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { ChannelHealth } from './channel-health.js';
import { type ChannelView, isDigest, jsonList, OWNERS_CHANNEL_ID, routable, view } from './channel-model.js';
import { deliveryRow } from './router.js';
import type { NotificationSettingsService } from './settings.js';
import type { SettingsService } from '../engine/settings.js';
import { weeklySummary } from './weekly-summary.js';
import type { MonthlyReports } from '../reports/monthly-mail.js';
import type { NotifyFallback } from './fallback.js';
import type { NotifyPaging } from './paging.js';

/** What the schedule also looks at: pages, the monthly report, fallbacks of failing ticket channels. */
export interface ScheduleExtras {
  paging?: NotifyPaging;
  monthly?: MonthlyReports;
  fallback?: NotifyFallback;
}

const WEEKLY_MARK = 'weekly_summary';

export function eventOf(a: NamedAlert, topic: AlertEvent['event'], now: number): AlertEvent {
  return {
    event: topic,
    at: new Date(now).toISOString(),
    alert: {
      id: a.id,
      type: a.type,
      severity: a.severity as Severity,
      state: a.state,
      scope: a.scope,
      client_id: a.client_id,
      client_name: a.client_name,
      device_id: a.device_id,
      device_name: a.device_name,
      check_id: a.check_id,
      check_name: a.check_name,
      integration_id: a.integration_id,
      integration_name: null,
      title: a.title,
      detail: JSON.parse(a.detail) as unknown,
      condition_since: toIso(a.condition_since),
      raised_at: toIso(a.raised_at),
      resolved_at: toIso(a.resolved_at),
    },
  };
}

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

export class NotifySchedule {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly channels: ChannelRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly reads: NotifyReadRepository,
    private readonly registry: ChannelRegistry,
    private readonly settings: SettingsService,
    private readonly notifySettings: NotificationSettingsService,
    private readonly health: ChannelHealth,
    private readonly clock: Clock,
    private readonly onQueued: () => void = () => {},
    private readonly extras: ScheduleExtras = {},
  ) {}

  /** Queues the pages that fell due (also asked right after routing, so an immediate page waits for no schedule look). */
  async pages(): Promise<number> {
    if (!this.extras.paging) return 0;
    const n = await this.extras.paging.tick(await this.enabledViews(), this.clock.now());
    if (n > 0) this.onQueued();
    return n;
  }

  private async enabledViews(): Promise<ChannelView[]> {
    return (await this.channels.all()).filter((c) => c.enabled === 1).map((c) => view(c, this.registry)).filter((v): v is ChannelView => v !== null);
  }

  /** Queues whatever fell due; answers how many deliveries it queued. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    const views = await this.enabledViews();
    const tz = (await this.settings.effective(null)).timezone;
    let n = 0;
    for (const v of views.filter(isDigest)) n += await this.digests(v, now, tz);
    for (const v of views.filter((x) => (x.row.repeat_hours ?? 0) > 0 && !isDigest(x))) n += await this.repeats(v, now);
    n += await this.weekly(views, now, tz);
    n += (await this.extras.paging?.tick(views, now)) ?? 0;
    if (this.extras.monthly) n += await this.extras.monthly.tick(views, now, tz, (await this.notifySettings.get()).weekly_summary.hour);
    n += await this.reportFailing(views, now);
    await this.deliveries.expire(now - DELIVERY_EXPIRY_MS, now);
    if (n > 0) this.onQueued();
    return n;
  }

  private async digests(v: ChannelView, now: number, tz: string): Promise<number> {
    const id = v.row.id;
    if (v.row.digest_through === null) {
      await this.db.transaction().execute((tx) => this.channels.advanceDigest(tx, id, null, hourStart(now, tz)));
      return 0;
    }
    let from = v.row.digest_through;
    let n = 0;
    const target = routable(v);
    for (const { start, end } of dueHours(from, now, tz)) {
      const candidates = (await this.reads.openRaisedBetween(start, end)).filter((a) =>
        matchesFilters(target, { client_id: a.client_id, severity: a.severity as Severity, type: a.type }),
      );
      const chosen = digestSelection(candidates.map((a) => ({ ...a, raisedAt: a.raised_at })), start, end);
      const message: Message = { kind: 'digest', hour_start: new Date(start).toISOString(), hour_end: new Date(end).toISOString(), timezone: tz, alerts: chosen.map(digestAlert) };
      const held = from;
      const won = await this.db.transaction().execute(async (tx) => {
        if (!(await this.channels.advanceDigest(tx, id, held, end))) return false;
        if (chosen.length > 0) await this.deliveries.insertMany(tx, [deliveryRow(id, null, 'digest', newId(now), `digest:${id}:${start}`, message, now)]);
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
      if (await this.health.failing(row, `every attempt since ${since} failed; see the channel's delivery log`, row.failing_since, false)) raised++;
      raised += (await this.extras.fallback?.queueWaiting(v, v.stored, `failing since ${since}`)) ?? 0;
    }
    return raised;
  }

  private async repeats(v: ChannelView, now: number): Promise<number> {
    const due = await this.deliveries.repeatDue(v.row.id, now - v.row.repeat_hours! * HOUR);
    const rows: DeliveryRow[] = [];
    const target = routable(v);
    for (const { alert_id, last } of due) {
      const a = await this.reads.alert(alert_id);
      if (!a || !matchesFilters(target, { client_id: a.client_id, severity: a.severity as Severity, type: a.type })) continue;
      const seq = newId(now);
      rows.push(deliveryRow(v.row.id, a.id, 'alert.repeat', seq, `repeat:${a.id}:${v.row.id}:${last}`, { kind: 'alert', event: eventOf(a, 'alert.repeat', now) }, now));
    }
    if (rows.length > 0) await this.db.transaction().execute((tx) => this.deliveries.insertMany(tx, rows));
    return rows.length;
  }

  private async weekly(views: ChannelView[], now: number, tz: string): Promise<number> {
    const s = (await this.notifySettings.get()).weekly_summary;
    if (!s.enabled) return 0;
    const instant = lastWeeklyInstant(now, s.day, s.hour, tz);
    const mark = await this.deliveries.mark(WEEKLY_MARK);
    if (mark !== null && mark >= instant) return 0;
    if (mark === null) {
      // First run: start counting from now rather than sending a summary at once.
      await this.db.transaction().execute((tx) => this.deliveries.moveMark(tx, WEEKLY_MARK, null, instant));
      return 0;
    }
    const rows = await this.summaryRows(views, instant, now, tz, s.owners_and_admins);
    const won = await this.db.transaction().execute(async (tx) => {
      if (!(await this.deliveries.moveMark(tx, WEEKLY_MARK, mark, instant))) return false;
      await this.deliveries.insertMany(tx, rows);
      return true;
    });
    return won ? rows.length : 0;
  }

  private async summaryRows(views: ChannelView[], instant: number, now: number, tz: string, owners: boolean): Promise<DeliveryRow[]> {
    const start = instant - 7 * DAY;
    const rows: DeliveryRow[] = [];
    const recipients = views.filter((v) => v.row.type === 'email' && v.row.system === 0 && v.stored.weekly_summary === true);
    for (const v of recipients) {
      const summary = await weeklySummary(this.reads, start, instant, tz, jsonList(v.row.client_ids));
      rows.push(deliveryRow(v.row.id, null, 'summary', newId(now), `summary:${v.row.id}:${instant}`, { kind: 'summary', summary }, now));
    }
    const to = owners && views.some((v) => v.row.id === OWNERS_CHANNEL_ID) ? await this.channels.ownerAndAdminEmails() : [];
    if (to.length > 0) {
      const summary = await weeklySummary(this.reads, start, instant, tz, null);
      rows.push(deliveryRow(OWNERS_CHANNEL_ID, null, 'summary', newId(now), `summary:${OWNERS_CHANNEL_ID}:${instant}`, { kind: 'summary', summary, to }, now));
    }
    return rows;
  }
}
