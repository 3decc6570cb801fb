// Sends due deliveries. Takes channels with something queued under a lease (so one sender per
// channel, and instances share channels), then sends that channel's queue head first, one at a
// time, so a channel that was down receives everything in order once it is back. A retryable
// failure holds the channel with exponential back-off and jitter; a permanent one marks the
// delivery failed and, when the channel itself is at fault, marks it broken and tells a person.
// Sent deliveries are recorded in small groups: a crash between a send and its record sends it
// again, with the same idempotency key (at-least-once).
import type { Logger } from 'pino';
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { DeliveryRepository } from '../db/repositories/deliveries.js';
import type { ChannelRow, DeliveryRow } from '../db/schema.js';
import { backoffMs, DELIVERY_EXPIRY_MS, FAILING_REPORT_AFTER_MS } from '../domain/notify.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { ChannelConfig, Mailer, Message, NotifyFacts, SendResult } from './channels/channel.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { ChannelHealth } from './channel-health.js';
import { type ChannelView, openConfig, view } from './channel-model.js';
import type { Metrics } from '../ops/metrics.js';
import type { NotifyFallback } from './fallback.js';

export interface SenderOptions {
  leaseMs: number;
  timeoutMs: number;
  /** Channels sent to at once. */
  channels: number;
  publicUrl: string;
  /** Reads channels need while sending (last good backup, report PDFs). */
  facts?: NotifyFacts;
  /** Owners and admins told by e-mail of what a ticketing channel could not take. */
  fallback?: NotifyFallback;
}

const FLUSH_EVERY = 50;
const cut = (s: string | undefined) => (s === undefined ? null : s.slice(0, 2000));

interface Sending {
  v: ChannelView;
  config: ChannelConfig;
  held: number;
  sent: Array<{ id: string; status: string; response: string }>;
  count: number;
  /** Columns the channel gets when its lease is released. */
  release: Partial<ChannelRow>;
  stop: boolean;
  /** The lease was lost: another sender has the channel now. */
  lost: boolean;
  error: unknown;
  /** Sends in flight at once: one while a failing channel is probed, then the kind's window. */
  window: number;
  max: number;
}

export interface DeliverySenderDeps {
  channels: ChannelRepository;
  deliveries: DeliveryRepository;
  registry: ChannelRegistry;
  secrets: SecretBox;
  health: ChannelHealth;
  mailer: () => Mailer | null;
  clock: Clock;
  logger: Logger;
  options: SenderOptions;
  metrics?: Metrics | null;
}

export class DeliverySender {
  sent = 0;

  constructor(private readonly d: DeliverySenderDeps) {}

  /** Sends what is due on a few channels; answers how many deliveries it sent. */
  async tick(): Promise<number> {
    const claimed = await this.d.channels.claimDue(this.d.clock.now(), this.d.options.leaseMs, this.d.options.channels);
    const counts = await Promise.all(claimed.map((c) => this.drain(c)));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async drain(row: ChannelRow): Promise<number> {
    const v = view(row, this.d.registry);
    const s: Sending = { v: v!, config: {}, held: row.claimed_until!, sent: [], count: 0, release: {}, stop: false, lost: false, error: null, window: 1, max: 1 };
    try {
      if (!v) {
        s.release = { broken_at: this.d.clock.now(), broken_reason: `unknown channel type ${row.type}` };
        return 0;
      }
      s.config = openConfig(v, this.d.secrets);
      s.max = Math.max(1, v.driver.maxInFlight?.(s.config) ?? 1);
      s.window = row.failing_since === null ? s.max : 1;
      while (!s.stop && !s.lost) {
        const batch = await this.d.deliveries.pendingOf(row.id, 200);
        if (batch.length === 0) break;
        await this.sendBatch(s, batch);
        await this.flush(s);
      }
      if (s.lost) return s.count;
      if (!s.stop && row.failing_since !== null) {
        s.release = { failing_since: null };
        await this.d.health.recovered(row, 'the channel delivers again');
      }
      return s.count;
    } catch (err) {
      this.d.logger.error({ err, channel: row.id }, 'sending to a channel failed');
      return s.count;
    } finally {
      await this.flush(s).catch((err) => this.d.logger.error({ err }, 'recording sent deliveries failed'));
      await this.d.channels.release(row.id, s.held, s.release).catch((err) => this.d.logger.error({ err }, 'releasing a channel failed'));
      this.sent += s.count;
    }
  }

  /**
   * Starts the batch's sends in queue order with up to `window` in flight; two deliveries of one
   * alert are never in flight together, so an alert's notifications never overtake each other.
   * A delivery of no alert (a welcome, digest, summary, report or test) goes alone: what was queued
   * before it is done first, and nothing queued after it starts until it is done — so a welcome
   * always arrives before the first alert.
   */
  private async sendBatch(s: Sending, batch: DeliveryRow[]): Promise<void> {
    const inflight = new Set<Promise<void>>();
    const alerts = new Set<string>();
    for (const d of batch) {
      const alone = d.alert_id === null;
      if (alone || alerts.has(d.alert_id!)) await Promise.all(inflight);
      while (inflight.size >= s.window) await Promise.race(inflight);
      if (s.stop) break;
      if (!(await this.keepLease(s))) {
        s.lost = true;
        break;
      }
      const p: Promise<void> = this.one(s, d)
        .catch((err: unknown) => {
          s.stop = true;
          s.error = err;
        })
        .finally(() => {
          inflight.delete(p);
          if (d.alert_id !== null) alerts.delete(d.alert_id);
        });
      inflight.add(p);
      if (d.alert_id !== null) alerts.add(d.alert_id);
      if (alone) await p;
    }
    await Promise.all(inflight);
    if (s.error) throw s.error;
  }

  /** Keeps the lease at least one send ahead; false when it was lost (another sender has the channel). */
  private async keepLease(s: Sending): Promise<boolean> {
    const now = this.d.clock.now();
    if (s.held - now > this.d.options.timeoutMs + 1000) return true;
    await this.flush(s);
    const until = now + this.d.options.leaseMs;
    if (!(await this.d.channels.renew(s.v.row.id, s.held, until))) return false;
    s.held = until;
    return true;
  }

  private async one(s: Sending, d: DeliveryRow): Promise<void> {
    const now = this.d.clock.now();
    if (now - d.created_at > DELIVERY_EXPIRY_MS) {
      await this.flush(s);
      await this.d.deliveries.setState(d.id, 'expired', 'expired', `not delivered within ${DELIVERY_EXPIRY_MS / 3_600_000} h`, now);
      return;
    }
    const message = JSON.parse(d.payload) as Message;
    if (!s.v.driver.kinds.includes(message.kind)) {
      await this.d.deliveries.setState(d.id, 'failed', 'unsupported', `a ${s.v.row.type} channel cannot carry ${message.kind} messages`, now);
      return;
    }
    const stateful = d.alert_id !== null && s.v.driver.keepsState === true;
    const state = stateful ? await this.d.deliveries.getState(s.v.row.id, d.alert_id!) : null;
    const result = await this.send(s, d, message, state, now);
    this.d.metrics?.deliveries.inc({ channel_type: s.v.row.type, outcome: result.ok ? 'sent' : result.retry ? 'retry' : 'failed' });
    if (result.ok) {
      s.window = s.max;
      if (stateful && result.state !== undefined) await this.d.deliveries.putState(s.v.row.id, d.alert_id!, result.state, now);
      s.sent.push({ id: d.id, status: result.status, response: result.response.slice(0, 2000) });
      s.count++;
      if (s.sent.length >= FLUSH_EVERY) await this.flush(s);
      return;
    }
    await this.flush(s);
    await this.failed(s, d, result, now);
  }

  private async send(s: Sending, d: DeliveryRow, message: Message, state: unknown, now: number): Promise<SendResult> {
    try {
      return await s.v.driver.send(s.config, message, {
        idempotencyKey: d.idempotency_key,
        publicUrl: this.d.options.publicUrl,
        now,
        state,
        mailer: this.d.mailer(),
        timeoutMs: this.d.options.timeoutMs,
        facts: this.d.options.facts,
      });
    } catch (err) {
      // A bug in a channel must not stop the queue for good: retry, and log it.
      this.d.logger.error({ err, delivery: d.id }, 'a channel threw while sending');
      return { ok: false, retry: true, breaksChannel: false, status: 'error', error: (err as Error).message };
    }
  }

  private async failed(s: Sending, d: DeliveryRow, r: Extract<SendResult, { ok: false }>, now: number): Promise<void> {
    const response = cut(r.response ? `${r.error}\n${r.response}` : r.error);
    const ch = s.v.row;
    if (r.retry) {
      const next = now + backoffMs(d.attempts + 1, Math.random(), r.retryAfterMs ?? null);
      await this.d.deliveries.recordAttempt(d.id, { state: 'pending', next_attempt_at: next, last_status: r.status, last_response: response }, now);
      const since = ch.failing_since ?? now;
      s.release = { hold_until: next, failing_since: since };
      s.stop = true;
      if (now - since >= FAILING_REPORT_AFTER_MS) {
        await this.d.health.failing(ch, r.error, since, false);
        await this.d.options.fallback?.queueWaiting(s.v, s.config, `failing since ${new Date(since).toISOString()}: ${r.error}`);
      }
      return;
    }
    await this.d.deliveries.recordAttempt(d.id, { state: 'failed', next_attempt_at: d.next_attempt_at, last_status: r.status, last_response: response }, now);
    await this.d.options.fallback?.queue(s.v, s.config, [d], r.error);
    if (!r.breaksChannel) return;
    await this.d.options.fallback?.queueWaiting(s.v, s.config, `the channel is broken: ${r.error}`);
    s.release = { broken_at: now, broken_reason: r.error, hold_until: null };
    s.stop = true;
    this.d.logger.warn({ channel: ch.id, error: r.error }, 'notification channel broken');
    await this.d.health.failing(ch, r.error, now, true);
  }

  private async flush(s: Sending): Promise<void> {
    if (s.sent.length === 0) return;
    const now = this.d.clock.now();
    const groups = new Map<string, string[]>();
    for (const x of s.sent.splice(0)) {
      const k = JSON.stringify([x.status, x.response]);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(x.id);
    }
    for (const [k, ids] of groups) {
      const [status, response] = JSON.parse(k) as [string, string];
      await this.d.deliveries.markSent(ids, now, status, response);
    }
  }
}
