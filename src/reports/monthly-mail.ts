// The monthly compliance report by e-mail: on the 1st of each month, at the weekly summary's hour
// in the workspace time zone, every e-mail channel limited to one client with `monthly_report: true`
// is sent last month's SLA compliance report of that client as a PDF attachment (rendered when the
// mail is sent). Behind a mark moved by compare-and-set, so with several instances each month is
// sent once; the first look after install only sets the mark (never a report at once).
import type { Transactor, } from '../db/transaction.js';
import type { DeliveryRepository } from '../db/repositories/deliveries.js';
import type { NotifyReadRepository } from '../db/repositories/notify-reads.js';
import type { DeliveryRow } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { wallTime, zonedToUtc } from '../lib/tz.js';
import type { Message } from '../notify/channels/channel.js';
import { type ChannelView, jsonList } from '../notify/channel-model.js';
import { deliveryRow } from '../notify/router.js';

const MONTHLY_MARK = 'monthly_report';
const pad = (n: number) => String(n).padStart(2, '0');

/** The latest "1st of a month at hour:00" (zone time) at or before `now`. */
export function lastMonthlyInstant(now: number, hour: number, tz: string): number {
  const w = wallTime(now, tz);
  const thisMonth = zonedToUtc(w.year, w.month, 1, hour, 0, tz);
  if (thisMonth <= now) return thisMonth;
  const prev = new Date(Date.UTC(w.year, w.month - 2, 1));
  return zonedToUtc(prev.getUTCFullYear(), prev.getUTCMonth() + 1, 1, hour, 0, tz);
}

/** The calendar month before the one holding `instant` (zone dates, inclusive). */
export function previousMonth(instant: number, tz: string): { from: string; to: string } {
  const w = wallTime(instant, tz);
  const first = new Date(Date.UTC(w.year, w.month - 2, 1));
  const last = new Date(Date.UTC(w.year, w.month - 1, 0));
  const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return { from: iso(first), to: iso(last) };
}

export class MonthlyReports {
  constructor(
    private readonly db: Transactor,
    private readonly deliveries: DeliveryRepository,
    private readonly reads: NotifyReadRepository,
  ) {}

  async tick(views: ChannelView[], now: number, tz: string, hour: number): Promise<number> {
    const targets = views.filter((v) => v.row.type === 'email' && v.row.system === 0 && v.stored.monthly_report === true && jsonList(v.row.client_ids)?.length === 1);
    const instant = lastMonthlyInstant(now, hour, tz);
    const mark = await this.deliveries.mark(MONTHLY_MARK);
    if (mark !== null && mark >= instant) return 0;
    if (mark === null) {
      await this.db.run((tx) => this.deliveries.moveMark(tx, MONTHLY_MARK, null, instant));
      return 0;
    }
    const period = previousMonth(instant, tz);
    const rows: DeliveryRow[] = [];
    for (const v of targets) {
      const clientId = jsonList(v.row.client_ids)![0]!;
      const [name] = await this.reads.clientNames([clientId]);
      const message: Message = { kind: 'report', client_id: clientId, client_name: name ?? clientId, period_from: period.from, period_to: period.to, timezone: tz };
      rows.push(deliveryRow(v.row.id, null, 'report', newId(now), `report:${v.row.id}:${instant}`, message, now));
    }
    const won = await this.db.run(async (tx) => {
      if (!(await this.deliveries.moveMark(tx, MONTHLY_MARK, mark, instant))) return false;
      await this.deliveries.insertMany(tx, rows);
      return true;
    });
    return won ? rows.length : 0;
  }
}
