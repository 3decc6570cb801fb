// A channel that cannot deliver is a problem a person must see: it raises a `channel_failing`
// alert (scope integration, id = the channel's), through the same writer as every alert, so it
// shows on the alerts page and is routed to the other channels. Resolved when the channel
// delivers again, is edited, or is deleted.
import type { Transactor, } from '../db/transaction.js';
import type { AlertRepository } from '../db/repositories/alerts.js';
import type { ChannelRow } from '../db/schema.js';
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

export interface ChannelHealthDeps {
  db: Transactor;
  alerts: AlertRepository;
  writer: AlertWriter;
  settings: SettingsService;
  clock: Clock;
}

export class ChannelHealth {
  constructor(private readonly d: ChannelHealthDeps) {}

  /** Answers whether it raised a new alert (its event is in the outbox now). */
  async failing(ch: Pick<ChannelRow, 'id' | 'name' | 'type'>, error: string, since: number, broken: boolean): Promise<boolean> {
    const config = await this.d.settings.effective(null);
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
    return this.d.db.run(async (tx) => {
      const now = this.d.clock.now();
      const open = (await this.d.alerts.activeForIntegration(tx, ch.id)).find((a) => a.type === 'channel_failing');
      if (!open) {
        await this.d.writer.raise(tx, condition, names(ch), null, now);
        return true;
      }
      if (open.title !== condition.title && broken) await this.d.writer.update(tx, open, condition, null, false, names(ch), now);
      return false;
    });
  }

  async recovered(ch: Pick<ChannelRow, 'id' | 'name'>, note: string): Promise<void> {
    await this.d.db.run(async (tx) => {
      const now = this.d.clock.now();
      for (const a of await this.d.alerts.activeForIntegration(tx, ch.id)) {
        if (a.type === 'channel_failing') await this.d.writer.resolve(tx, a, true, names(ch), now, undefined, note);
      }
    });
  }
}
