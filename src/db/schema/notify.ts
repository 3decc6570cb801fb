// Notification channels, their deliveries, and what they remember between sends.
import type { Selectable } from 'kysely';

export interface ChannelsTable {
  id: string;
  type: string;
  name: string;
  /** JSON; secret fields sealed. */
  config: string;
  client_ids: string | null;
  min_severity: string | null;
  types: string | null;
  repeat_hours: number | null;
  enabled: number;
  system: number;
  broken_at: number | null;
  broken_reason: string | null;
  failing_since: number | null;
  hold_until: number | null;
  claimed_until: number | null;
  digest_through: number | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveriesTable {
  id: string;
  channel_id: string;
  alert_id: string | null;
  topic: string;
  seq: string;
  idempotency_key: string;
  payload: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_status: string | null;
  last_response: string | null;
  created_at: number;
  sent_at: number | null;
  updated_at: number;
}

export interface ChannelAlertStateTable {
  channel_id: string;
  alert_id: string;
  state: string;
  updated_at: number;
}

export interface NotifyMarksTable {
  key: string;
  at: number;
}

export type ChannelRow = Selectable<ChannelsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
