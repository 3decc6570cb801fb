// A channel that cannot deliver is a problem a person must see: it raises a `channel_failing`
// alert (scope integration, id = the channel's), through the same writer as every alert, so it
// shows on the alerts page and is routed to the other channels. Resolved when the channel
// delivers again, is edited, or is deleted.
import type { Kysely } from 'kysely';
import type { AlertRepository } from '../db/repositories/alerts.js';
import type { ChannelRow, DB } from '../db/schema.js';
import type { Condition } from '../domain/history.js';
import { baseSeverity } from '../domain/settings.js';
import type { Clock } from '../lib/clock.js';
import type { AlertNames, AlertWriter } from '../engine/alert-writer.js';
import type { SettingsService } from '../engine/settings.js';

const names = (ch: Pick<ChannelRow, 'id' | 'name'>): AlertNames => ({
  clientId: null,
  clientName: null,
  deviceId: null,
  deviceName: null,
  checkNames: new Map(),
  integrationId: ch.id,
  integrationName: ch.name,
});

export class ChannelHealth {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly alerts: AlertRepository,
    private readonly writer: AlertWriter,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  /** Answers whether it raised a new alert (its event is in the outbox now). */
  async failing(ch: Pick<ChannelRow, 'id' | 'name' | 'type'>, error: string, since: number, broken: boolean): Promise<boolean> {
    const config = await this.settings.effective(null);
    if (!config.categories.channel_failing) return false;
    const condition: Condition = {
      type: 'channel_failing',
      scope: 'integration',
      scopeId: ch.id,
      checkId: null,
      severity: baseSeverity(config, 'channel_failing', 'critical'),
      title: broken ? `Notification channel ${ch.name} is broken: nothing more is sent to it` : `Notification channel ${ch.name} has been failing for over an hour`,
      detail: { channel_id: ch.id, channel_type: ch.type, error, broken },
      since,
      suppressed: false,
      inhibitedBy: null,
    };
    return this.db.transaction().execute(async (tx) => {
      const now = this.clock.now();
      const open = (await this.alerts.activeForIntegration(tx, ch.id)).find((a) => a.type === 'channel_failing');
      if (!open) {
        await this.writer.raise(tx, condition, names(ch), null, now);
        return true;
      }
      if (open.title !== condition.title && broken) await this.writer.update(tx, open, condition, null, false, names(ch), now);
      return false;
    });
  }

  async recovered(ch: Pick<ChannelRow, 'id' | 'name'>, note: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const now = this.clock.now();
      for (const a of await this.alerts.activeForIntegration(tx, ch.id)) {
        if (a.type === 'channel_failing') await this.writer.resolve(tx, a, true, names(ch), now, undefined, note);
      }
    });
  }
}
