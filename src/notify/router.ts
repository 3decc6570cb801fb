// Outbox → deliveries. Claims a batch of alert events under a lease, decides which channels get
// each one (domain/notify.ts), and in one transaction writes a delivery per event × channel
// (idempotency key = that pair, so a batch routed twice after a crash adds nothing) and marks the
// events processed. Destructive operations also go to every owner and admin by e-mail.
// Grouping (docs/notifications.md): alerts a device raises within the group window after its last
// raise notice wait in the outbox (their lease set to the window's end) and then go out together,
// one message per channel; the device's other events wait behind them, so each alert's own
// notifications keep their order.
import type { Transactor, } from '../db/transaction.js';
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { DeliveryRepository, OutboxEvent } from '../db/repositories/deliveries.js';
import type { DeliveryRow } from '../db/schema.js';
import { type AlertEvent, groupHolds, needsOwners, routeEvent } from '../domain/notify.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { getOrCreate } from '../lib/maps.js';
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
  /** The group window (workspace setting `group_wait_seconds`), in ms; 0 or absent: no grouping. */
  groupWaitMs?: () => Promise<number>;
}

interface Parsed {
  row: OutboxEvent;
  event: AlertEvent;
}

const deviceOf = (p: Parsed): string | null => p.event.alert?.device_id ?? null;
const isRaise = (p: Parsed) => p.event.event === 'alert.raised';

export class NotifyRouter {
  routed = 0;

  constructor(private readonly d: NotifyRouterDeps) {}

  /** Routes one batch; answers how many events it took. */
  async tick(): Promise<number> {
    const now = this.d.clock.now();
    const events = await this.d.deliveries.claimOutbox(now, this.d.options.leaseMs, this.d.options.batch);
    if (events.length === 0) return 0;
    const views = (await this.d.channels.all()).filter((c) => c.enabled === 1).map((c) => view(c, this.d.registry)).filter((v): v is ChannelView => v !== null);
    const parsed = events.map((e) => ({ row: e, event: JSON.parse(e.payload) as AlertEvent }));
    const waitMs = (await this.d.groupWaitMs?.()) ?? 0;
    const held = waitMs > 0 ? await this.heldBack(parsed, waitMs, now) : new Map<string, number>();
    const ready = parsed.filter((p) => !held.has(deviceOf(p) ?? ''));
    const rows = await this.route(ready, views, waitMs > 0, now);
    await this.d.db.run(async (tx) => {
      await this.d.deliveries.insertMany(tx, rows);
      await this.d.deliveries.markOutboxProcessed(tx, ready.map((p) => p.row.id), now);
      for (const [device, until] of held) {
        await this.d.deliveries.holdOutbox(tx, parsed.filter((p) => deviceOf(p) === device).map((p) => p.row.id), until);
      }
    });
    this.routed += ready.length;
    if (rows.length > 0) this.d.onQueued();
    return events.length;
  }

  /**
   * Devices whose events in this batch wait, and until when: a device that raises an alert within
   * the window after a raise notice of its own waits for the window's end; a device with events
   * already waiting (or being routed by another instance) waits behind them.
   */
  private async heldBack(parsed: Parsed[], waitMs: number, now: number): Promise<Map<string, number>> {
    const devices = [...new Set(parsed.map(deviceOf).filter((d): d is string => d !== null))];
    if (devices.length === 0) return new Map();
    const raising = [...new Set(parsed.filter(isRaise).map(deviceOf).filter((d): d is string => d !== null))];
    const [waiting, lastRaise] = await Promise.all([
      this.d.deliveries.devicesWaiting(devices, parsed.map((p) => p.row.id), now),
      raising.length > 0 ? this.d.deliveries.lastRaiseQueued(raising, now - waitMs) : Promise.resolve(new Map<string, number>()),
    ]);
    return groupHolds(raising, waiting, lastRaise, waitMs, now);
  }

  private async route(parsed: Parsed[], views: ChannelView[], grouping: boolean, now: number): Promise<DeliveryRow[]> {
    const regular = views.filter((v) => v.row.system === 0);
    const targets = regular.map(routable);
    const byId = new Map(regular.map((v) => [v.row.id, v]));
    const followUps = [...new Set(parsed.filter((p) => FOLLOW_UPS.has(p.row.topic) && p.row.alert_id).map((p) => p.row.alert_id!))];
    const notified = await this.d.deliveries.channelsNotified(followUps);
    // Raises of one device routed together are grouped, per channel whose kind can carry a group.
    const raisesOf = new Map<string, number>();
    for (const p of parsed) if (grouping && isRaise(p) && deviceOf(p) !== null) raisesOf.set(deviceOf(p)!, (raisesOf.get(deviceOf(p)!) ?? 0) + 1);
    const groups = new Map<string, Parsed[]>();
    const owners = parsed.some((p) => needsOwners(p.event)) && views.some((v) => v.row.id === OWNERS_CHANNEL_ID) ? await this.d.channels.ownerAndAdminEmails() : [];
    const rows: DeliveryRow[] = [];
    for (const { row, event } of parsed) {
      if (!event.event || !event.alert) continue;
      const alertId = event.alert.id;
      const told = notified.get(alertId) ?? new Set<string>();
      const ids = routeEvent(event, row.id, targets, told);
      const message: Message = { kind: 'alert', event };
      const device = deviceOf({ row, event });
      const groupable = device !== null && isRaise({ row, event }) && (raisesOf.get(device) ?? 0) > 1;
      for (const id of ids) {
        if (groupable && byId.get(id)?.driver.kinds.includes('alert_group')) getOrCreate(groups, `${device}\u0000${id}`, () => []).push({ row, event });
        else rows.push(deliveryRow(id, alertId, event.event, row.id, `${row.id}:${id}`, message, now));
        told.add(id);
      }
      notified.set(alertId, told);
      if (needsOwners(event) && owners.length > 0) {
        const covered = new Set(ids.flatMap((id) => (byId.get(id) && !isDigest(byId.get(id)!) && byId.get(id)!.row.type === 'email' ? (byId.get(id)!.stored.to as string[]) : [])));
        const to = owners.filter((o) => !covered.has(o));
        if (to.length > 0) rows.push(deliveryRow(OWNERS_CHANNEL_ID, alertId, event.event, row.id, `${row.id}:${OWNERS_CHANNEL_ID}`, { ...message, to }, now));
      }
    }
    for (const [key, members] of groups) rows.push(...groupRows(key.split('\u0000')[1]!, members, now));
    return rows;
  }
}

/**
 * One channel's deliveries for raises of one device routed together. A single raise is an
 * ordinary delivery. Several make one delivery carrying them all (of no single alert, so it is sent
 * alone, in order: queued at the first raise's place, keyed by it), and, per alert, a record in
 * state `grouped` pointing at it: what the alert's delivery log shows, and what tells later
 * follow-ups that this channel heard of the alert.
 */
function groupRows(channelId: string, members: Parsed[], now: number): DeliveryRow[] {
  const single = (p: Parsed) => deliveryRow(channelId, p.event.alert.id, p.event.event, p.row.id, `${p.row.id}:${channelId}`, { kind: 'alert', event: p.event }, now);
  if (members.length === 1) return [single(members[0]!)];
  const first = members[0]!;
  const a = first.event.alert;
  const message: Message = { kind: 'alert_group', device_id: a.device_id!, device_name: a.device_name, client_id: a.client_id, client_name: a.client_name, events: members.map((m) => m.event) };
  const leader = deliveryRow(channelId, null, 'alert.group', first.row.id, `${first.row.id}:${channelId}:group`, message, now);
  const records = members.map((m) => ({ ...single(m), state: 'grouped', last_status: 'grouped', last_response: `sent in one message with the device's other new alerts: delivery ${leader.id}` }));
  return [leader, ...records];
}
