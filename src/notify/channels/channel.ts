// The one interface every channel implements. The router and the delivery loop know nothing else
// about a channel: which topics it wants, how to check its config, and how to send a message,
// answering whether a failure is worth retrying and whether it means the channel is broken.
//
// The seam for ticketing (ConnectWise, Autotask) and paging (PagerDuty, Opsgenie): `topics` says
// which transitions a kind handles (a pager wants alert.acknowledged and alert.resolved to close
// its incident), `send` sees the topic in `message.event.event` and handles each differently
// (trigger / acknowledge / resolve), and `context.state` / `result.state` carry per-alert state
// (a ticket id, a dedup key) that the delivery loop keeps in `channel_alert_state` between sends.
import type { TObject } from 'typebox';
import type { FieldProblem } from '../../domain/errors.js';
import type { AlertEvent } from '../../domain/notify.js';
import type { WeeklySummary } from './email/summary.js';

export interface DigestAlert {
  id: string;
  type: string;
  severity: string;
  state: string;
  title: string;
  client_name: string | null;
  device_id: string | null;
  device_name: string | null;
  raised_at: string;
}

/** What a delivery carries (stored as its payload, rendered by the channel when sent). */
export type Message =
  | { kind: 'alert'; event: AlertEvent; to?: string[] }
  /** Alerts of one device raised within the group window, in one message (docs/notifications.md, "Grouping"). */
  | { kind: 'alert_group'; device_id: string; device_name: string | null; client_id: string | null; client_name: string | null; events: AlertEvent[] }
  | { kind: 'digest'; hour_start: string; hour_end: string; timezone: string; alerts: DigestAlert[] }
  | { kind: 'welcome'; channel_name: string; recipients: string[]; mode: string }
  | { kind: 'summary'; summary: WeeklySummary; to?: string[] }
  | { kind: 'test'; channel_name: string; requested_by: string }
  /** Last month's compliance report for one client, as a PDF attachment (rendered when sent). */
  | { kind: 'report'; client_id: string; client_name: string; period_from: string; period_to: string; timezone: string; to?: string[] };

export type MessageKind = Message['kind'];

/** What a channel needs to send, besides its config and the message. */
export interface SendContext {
  /** Same for every attempt of a delivery: receivers that honour it drop repeats. */
  idempotencyKey: string;
  publicUrl: string;
  now: number;
  /** Per-alert state this channel returned last time (null: none yet). */
  state: unknown;
  /** Outbound e-mail, or null when KEEPWATCH_MAIL_URL is unset. */
  mailer: Mailer | null;
  timeoutMs: number;
  /** Reads a channel may need while sending (a device's last good backup, a report); absent in unit tests. */
  facts?: NotifyFacts;
}

export interface NotifyFacts {
  /** The device's last good backup (epoch ms), or null when it never had one. */
  lastGoodAt(deviceId: string): Promise<number | null>;
  /** The SLA compliance report of a client for [from, to] (dates, YYYY-MM-DD) as a PDF. */
  compliancePdf(clientId: string, from: string, to: string): Promise<{ pdf: Buffer; filename: string }>;
}

/** The last good backup of an alert message's device (epoch ms), null when it never had one,
 * undefined when it is not known here (not a single alert, or no facts in a unit test). */
export async function lastGoodOf(message: Message, ctx: SendContext): Promise<number | null | undefined> {
  const deviceId = message.kind === 'alert' ? message.event.alert.device_id : null;
  if (!deviceId || !ctx.facts) return undefined;
  return ctx.facts.lastGoodAt(deviceId);
}

export type SendResult =
  | { ok: true; status: string; response: string; state?: unknown }
  | {
      ok: false;
      /** Worth another attempt later (5xx, 429, a timeout, a refused connection). */
      retry: boolean;
      /** The channel itself is wrong (URL gone, recipient refused, token revoked): stop and tell a person. */
      breaksChannel: boolean;
      status: string;
      error: string;
      response?: string;
      retryAfterMs?: number;
    };

export interface MailMessage {
  to: string[];
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ accepted: string[]; rejected: string[]; response: string }>;
  close(): void;
}

export type ChannelConfig = Record<string, unknown>;

export interface ChannelDriver {
  readonly type: string;
  /**
   * The config's fields as a TypeBox object schema: its `title` names the kind, each property's
   * `title`/`description` label the console's form (`GET /api/v1/channel-types`). Documentation
   * for people and forms; `parseConfig` stays the validator. A kind without one is edited as JSON.
   */
  readonly configSchema?: TObject;
  /** Config fields that are write-only (sealed at rest, answered as `***`). */
  readonly secretFields: readonly string[];
  /** Alert topics this kind is told about. */
  readonly topics: readonly string[];
  /** Message kinds this kind can carry (chat channels carry no digests or summaries). */
  readonly kinds: readonly MessageKind[];
  /**
   * Sends in flight at once on one channel (default 1: strictly one after another). They are
   * started in queue order and one alert's notifications never overtake each other; across
   * alerts, a window above 1 lets neighbours arrive swapped, for throughput.
   */
  maxInFlight?(config: ChannelConfig): number;
  /**
   * A pager: alerts reach it when its escalation rules (config `rules`) hold, queued by the
   * notification schedule, not by routing; routing brings it only the follow-ups (`topics`).
   */
  readonly pages?: boolean;
  /** Keeps per-alert state between sends (tickets, incidents): the loop loads and stores it. */
  readonly keepsState?: boolean;
  /** The config normalised, or the problems with it (field names under `config.`). */
  parseConfig(raw: ChannelConfig): { config: ChannelConfig } | { problems: FieldProblem[] };
  /**
   * Whether an alert message this channel could not deliver must reach the owners and admins by
   * e-mail instead (a ticket that could not be made): asked when the delivery fails for good or
   * the channel has been failing for an hour.
   */
  fallback?(config: ChannelConfig, message: Message): boolean;
  send(config: ChannelConfig, message: Message, context: SendContext): Promise<SendResult>;
}

export const permanent = (status: string, error: string, response?: string): SendResult => ({ ok: false, retry: false, breaksChannel: true, status, error, response });
export const transient = (status: string, error: string, response?: string, retryAfterMs?: number): SendResult => ({
  ok: false,
  retry: true,
  breaksChannel: false,
  status,
  error,
  response,
  retryAfterMs,
});
