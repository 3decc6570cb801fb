// Jobs, the evaluation queue, and what the engine makes of them: alerts (and the outbox that
// carries them to notification), settings, maintenance windows, integration health.
import type { Generated, Selectable } from 'kysely';

export interface JobsTable {
  id: string;
  client_id: string;
  device_id: string;
  check_id: string | null;
  source: string;
  external_id: string;
  status: string;
  raw_status: string;
  operation: string;
  trigger: string;
  started_at: number | null;
  ended_at: number | null;
  /** ended_at, else started_at, else received_at: the one ordering key of a device's history. */
  occurred_at: number;
  duration_ms: number | null;
  bytes: number | null;
  message: string | null;
  error_code: string | null;
  reason: string | null;
  health_replication: string | null;
  health_failover: string | null;
  log: string | null;
  raw: string;
  received_at: number;
  updated_at: number;
  /** 1: a reported time was ahead of the server's clock, so the received time was stored instead. */
  clock_skew: Generated<number>;
}

export interface EvalQueueTable {
  device_id: string;
  seq: string;
  queued_at: number;
  claimed_until: number | null;
  /** The enqueue that made this entry urgent (a job that may raise an alert); null: not urgent. */
  urgent_seq: string | null;
  /** When the entry turned urgent: the oldest urgent job's enqueue nobody has evaluated yet. */
  urgent_at: number | null;
  /** Queued again while busy: the background loop leaves it until then unless urgent; null: at once. */
  not_before: number | null;
}

export interface AlertsTable {
  id: string;
  type: string;
  scope: string;
  scope_id: string;
  client_id: string | null;
  device_id: string | null;
  check_id: string | null;
  integration_id: string | null;
  severity: string;
  state: string;
  active: number;
  title: string;
  detail: string;
  condition_since: number;
  covers_until: number | null;
  raised_at: number;
  updated_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  ack_note: string | null;
  dismissed_at: number | null;
  dismissed_by: string | null;
  dismissed_until: number | null;
  resolved_at: number | null;
  resolved_by: string | null;
  replaces_id: string | null;
}

export interface AlertEventsTable {
  id: string;
  alert_id: string;
  at: number;
  kind: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  from_severity: string | null;
  to_severity: string | null;
  note: string | null;
}

export interface OutboxTable {
  id: string;
  topic: string;
  alert_id: string | null;
  payload: string;
  created_at: number;
  claimed_until: number | null;
  processed_at: number | null;
}

export interface SettingsTable {
  scope: string;
  doc: string;
  updated_at: number;
  updated_by: string | null;
}

export interface MaintenanceWindowsTable {
  id: string;
  client_id: string;
  scope: string;
  scope_id: string;
  kind: string;
  starts_at: number | null;
  ends_at: number | null;
  cron: string | null;
  tz: string | null;
  duration_ms: number | null;
  reason: string | null;
  created_at: number;
  created_by: string | null;
}

export interface IntegrationHealthTable {
  id: string;
  name: string;
  type: string;
  source: string;
  auth_error: string | null;
  auth_since: number | null;
  quota_error: string | null;
  quota_since: number | null;
  last_success_at: number | null;
  updated_at: number;
}

export type JobRow = Selectable<JobsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type AlertEventRow = Selectable<AlertEventsTable>;
export type MaintenanceWindowRow = Selectable<MaintenanceWindowsTable>;
export type IntegrationHealthRow = Selectable<IntegrationHealthTable>;
