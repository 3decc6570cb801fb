// Outbox → deliveries. Claims a batch of alert events under a lease, decides which channels get
// each one (domain/notify.ts), and in one transaction writes a delivery per event × channel
// (idempotency key = that pair, so a batch routed twice after a crash adds nothing) and marks the
// events processed. Destructive operations also go to every owner and admin by e-mail.
import type { Transactor, } from '../db/transaction.js';
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { DeliveryRepository, OutboxEvent } from '../db/repositories/deliveries.js';
import type { DeliveryRow } from '../db/schema.js';
import { type AlertEvent, needsOwners, routeEvent } from '../domain/notify.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Message } from './channels/channel.js';
import type { ChannelRegistry } from './channels/registry.js';
import { type ChannelView, isDigest, OWNERS_CHANNEL_ID, routable, view } from './channel-model.js';

const FOLLOW_UPS = new Set(['alert.resolved', 'alert.deescalated', 'alert.acknowledged', 'alert.dismissed']);

export function deliveryRow(channelId: string, alertId: string | null, topic: string, seq: string, key: string, message: Message, now: number): DeliveryRow {
  return {
    id: newId(now),
    channel_id: channelId,
    alert_id: alertId,
    topic,
    seq,
    idempotency_key: key,
    payload: JSON.stringify(message),
    state: 'pending',
    attempts: 0,
    next_attempt_at: now,
    last_attempt_at: null,
    last_status: null,
    last_response: null,
    created_at: now,
    sent_at: null,
    updated_at: now,
  };
}

export interface NotifyRouterDeps {
  db: Transactor;
  channels: ChannelRepository;
  deliveries: DeliveryRepository;
  registry: ChannelRegistry;
  clock: Clock;
  options: { leaseMs: number; batch: number };
  onQueued: () => void;
}

export class NotifyRouter {
  routed = 0;

  constructor(private readonly d: NotifyRouterDeps) {}

  /** Routes one batch; answers how many events it took. */
  async tick(): Promise<number> {
    const now = this.d.clock.now();
    const events = await this.d.deliveries.claimOutbox(now, this.d.options.leaseMs, this.d.options.batch);
    if (events.length === 0) return 0;
    const views = (await this.d.channels.all()).filter((c) => c.enabled === 1).map((c) => view(c, this.d.registry)).filter((v): v is ChannelView => v !== null);
    const rows = await this.route(events, views, now);
    await this.d.db.run(async (tx) => {
      await this.d.deliveries.insertMany(tx, rows);
      await this.d.deliveries.markOutboxProcessed(tx, events.map((e) => e.id), now);
    });
    this.routed += events.length;
    if (rows.length > 0) this.d.onQueued();
    return events.length;
  }

  private async route(events: OutboxEvent[], views: ChannelView[], now: number): Promise<DeliveryRow[]> {
    const regular = views.filter((v) => v.row.system === 0);
    const targets = regular.map(routable);
    const byId = new Map(regular.map((v) => [v.row.id, v]));
    const followUps = [...new Set(events.filter((e) => FOLLOW_UPS.has(e.topic) && e.alert_id).map((e) => e.alert_id!))];
    const notified = await this.d.deliveries.channelsNotified(followUps);
    const parsed = events.map((e) => ({ row: e, event: JSON.parse(e.payload) as AlertEvent }));
    const owners = parsed.some((p) => needsOwners(p.event)) && views.some((v) => v.row.id === OWNERS_CHANNEL_ID) ? await this.d.channels.ownerAndAdminEmails() : [];
    const rows: DeliveryRow[] = [];
    for (const { row, event } of parsed) {
      if (!event.event || !event.alert) continue;
      const alertId = event.alert.id;
      const told = notified.get(alertId) ?? new Set<string>();
      const ids = routeEvent(event, row.id, targets, told);
      const message: Message = { kind: 'alert', event };
      for (const id of ids) {
        rows.push(deliveryRow(id, alertId, event.event, row.id, `${row.id}:${id}`, message, now));
        told.add(id);
      }
      notified.set(alertId, told);
      if (needsOwners(event) && owners.length > 0) {
        const covered = new Set(ids.flatMap((id) => (byId.get(id) && !isDigest(byId.get(id)!) && byId.get(id)!.row.type === 'email' ? (byId.get(id)!.stored.to as string[]) : [])));
        const to = owners.filter((o) => !covered.has(o));
        if (to.length > 0) rows.push(deliveryRow(OWNERS_CHANNEL_ID, alertId, event.event, row.id, `${row.id}:${OWNERS_CHANNEL_ID}`, { ...message, to }, now));
      }
    }
    return rows;
  }
}
