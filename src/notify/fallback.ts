// When a channel that makes tickets cannot (ticket creation fails for good, the channel broke, or it
// has been failing for an hour), the alerts that called for a ticket go to the owners and admins by
// e-mail instead, through the built-in channel, with a note saying why. Each fallback mail has the
// key `fallback:<delivery id>`, so asking again (every failure, every instance) adds nothing.
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { DeliveryRepository } from '../db/repositories/deliveries.js';
import type { DeliveryRow } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { ChannelConfig, Message } from './channels/channel.js';
import { type ChannelView, OWNERS_CHANNEL_ID } from './channel-model.js';
import { deliveryRow } from './router.js';

export class NotifyFallback {
  constructor(
    private readonly channels: ChannelRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly clock: Clock,
    private readonly onQueued: () => void = () => {},
  ) {}

  /** Queues owner mails for these deliveries of the channel (those its driver says need one); answers how many. */
  async queue(v: ChannelView, config: ChannelConfig, rows: DeliveryRow[], reason: string): Promise<number> {
    const wants = v.driver.fallback;
    if (!wants || v.row.id === OWNERS_CHANNEL_ID) return 0;
    const done = await this.deliveries.existingKeys(rows.map((d) => `fallback:${d.id}`));
    const due = rows
      .filter((d) => d.alert_id !== null && !done.has(`fallback:${d.id}`))
      .map((d) => ({ d, message: JSON.parse(d.payload) as Message }))
      .filter(({ message }) => wants(config, message));
    // Only what is new counts: a schedule that runs until idle must see nothing left to do.
    if (due.length === 0) return 0;
    const to = await this.channels.ownerAndAdminEmails();
    if (to.length === 0) return 0;
    const now = this.clock.now();
    const note = `Not delivered to ${v.row.name} (${v.row.type}): ${reason}. Sent to owners and admins instead.`;
    const out = due.map(({ d, message }) => {
      const m = message as Extract<Message, { kind: 'alert' }>;
      const fallback: Message = { kind: 'alert', event: { ...m.event, note }, to };
      return deliveryRow(OWNERS_CHANNEL_ID, d.alert_id, d.topic, d.seq, `fallback:${d.id}`, fallback, now);
    });
    await this.deliveries.insertAll(out);
    this.onQueued();
    return out.length;
  }

  /** Every delivery still waiting on the channel (it broke, or has been failing for an hour). */
  async queueWaiting(v: ChannelView, config: ChannelConfig, reason: string): Promise<number> {
    if (!v.driver.fallback) return 0;
    return this.queue(v, config, await this.deliveries.pendingOf(v.row.id, 500), reason);
  }
}
