// Kysely's view of the tables. Times are epoch milliseconds; booleans are 0/1 integers;
// JSON is stored as text so one code path serves SQLite and PostgreSQL.
import type { Insertable, Selectable, Updateable } from 'kysely';

export interface ClientsTable {
  id: string;
  name: string;
  name_key: string;
  /** Secret used in the client's inbound e-mail address. */
  inbound_key: string;
  created_at: number;
  updated_at: number;
}

export interface DevicesTable {
  id: string;
  client_id: string;
  name: string;
  name_key: string;
  class: string;
  type: string;
  tags: string;
  status: string;
  score: number;
  last_good_at: number | null;
  last_job_at: number | null;
  retired_at: number | null;
  storage_used_bytes: number | null;
  storage_quota_bytes: number | null;
  free_space_percent: number | null;
  purgeable: number | null;
  facts_updated_at: number | null;
  /** When the evaluator must look at this device next; null: nothing can change without a job. */
  next_eval_at: number | null;
  /** Lease of the evaluator instance working on it. */
  eval_claimed_until: number | null;
  /** Meets its SLA now (1/0); null when no SLA applies. */
  compliant: number | null;
  created_at: number;
  updated_at: number;
}

export interface ChecksTable {
  id: string;
  device_id: string;
  client_id: string;
  name: string;
  name_key: string;
  kind: string;
  tier: string | null;
  schedule_type: string | null;
  interval_ms: number | null;
  cron: string | null;
  tz: string | null;
  grace_ms: number | null;
  schedule_inferred: number;
  paused: number;
  ping_key: string;
  state: string;
  last_job_at: number | null;
  last_good_at: number | null;
  last_status: string | null;
  consecutive_failures: number;
  next_due_at: number | null;
  last_source: string | null;
  /** JSON e-mail rules (`domain/email-rules.ts`); null: reached only by its address. */
  email_rules: string | null;
  created_at: number;
  updated_at: number;
}

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
}

export interface EvalQueueTable {
  device_id: string;
  seq: string;
  queued_at: number;
  claimed_until: number | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  /** First characters of the token, to recognise it in lists. */
  prefix: string;
  token_hash: string;
  scope: string;
  client_ids: string | null;
  daily_limit: number | null;
  created_at: number;
  created_by: string | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ApiTokenUsageTable {
  token_id: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  count: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  role: string;
  client_ids: string | null;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  client_id: string | null;
  details: string | null;
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

export interface LeasesTable {
  name: string;
  holder: string;
  until: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
  ip: string | null;
}

export interface SetupClaimsTable {
  name: string;
  at: number;
}

export interface ConnectorsTable {
  id: string;
  type: string;
  name: string;
  name_key: string;
  source: string;
  config: string;
  enabled: number;
  interval_ms: number;
  cursor: string | null;
  next_run_at: number;
  claimed_until: number | null;
  claimed_by: string | null;
  last_run_id: string | null;
  last_run_at: number | null;
  last_status: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface EmailsTable {
  id: string;
  received_at: number;
  transport: string;
  mailbox_id: string | null;
  remote_key: string | null;
  envelope_from: string | null;
  /** JSON array of recipient addresses. */
  envelope_to: string;
  raw: Buffer;
  size: number;
  state: string;
  claimed_until: number | null;
  attempts: number;
  processed_at: number | null;
  message_id: string | null;
  from_addr: string | null;
  subject: string | null;
  subject_pattern: string | null;
  template: string | null;
  client_id: string | null;
  /** JSON array of the checks the message reported to. */
  check_ids: string | null;
  job_count: number;
  error: string | null;
}

export interface MailboxesTable {
  id: string;
  type: string;
  name: string;
  config: string;
  enabled: number;
  interval_ms: number;
  next_poll_at: number;
  claimed_until: number | null;
  last_poll_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_count: number | null;
  created_at: number;
  updated_at: number;
}

/** One poll of a mailbox (the last 100 per mailbox are kept). */
export interface MailboxPollsTable {
  id: string;
  mailbox_id: string;
  /** `schedule` or `manual`. */
  trigger: string;
  started_at: number;
  finished_at: number;
  stored: number;
  /** `ok`, `auth` (credentials refused) or `other`. */
  outcome: string;
  error: string | null;
}

export interface ConnectorRunsTable {
  id: string;
  connector_id: string;
  trigger: string;
  status: string;
  outcome: string | null;
  started_at: number;
  finished_at: number | null;
  counts: string;
  errors: string;
  error: string | null;
}

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

export interface DB {
  clients: ClientsTable;
  devices: DevicesTable;
  checks: ChecksTable;
  jobs: JobsTable;
  eval_queue: EvalQueueTable;
  api_tokens: ApiTokensTable;
  api_token_usage: ApiTokenUsageTable;
  users: UsersTable;
  audit_log: AuditLogTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  outbox: OutboxTable;
  settings: SettingsTable;
  maintenance_windows: MaintenanceWindowsTable;
  integration_health: IntegrationHealthTable;
  leases: LeasesTable;
  sessions: SessionsTable;
  setup_claims: SetupClaimsTable;
  connectors: ConnectorsTable;
  connector_runs: ConnectorRunsTable;
  emails: EmailsTable;
  mailboxes: MailboxesTable;
  mailbox_polls: MailboxPollsTable;
  channels: ChannelsTable;
  deliveries: DeliveriesTable;
  channel_alert_state: ChannelAlertStateTable;
  notify_marks: NotifyMarksTable;
}

export type ClientRow = Selectable<ClientsTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type CheckRow = Selectable<ChecksTable>;
export type JobRow = Selectable<JobsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type UserRow = Selectable<UsersTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
export type CheckUpdate = Updateable<ChecksTable>;
export type AlertRow = Selectable<AlertsTable>;
export type AlertEventRow = Selectable<AlertEventsTable>;
export type MaintenanceWindowRow = Selectable<MaintenanceWindowsTable>;
export type IntegrationHealthRow = Selectable<IntegrationHealthTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ConnectorRow = Selectable<ConnectorsTable>;
export type ConnectorRunRow = Selectable<ConnectorRunsTable>;
export type EmailRow = Selectable<EmailsTable>;
export type MailboxRow = Selectable<MailboxesTable>;
export type MailboxPollRow = Selectable<MailboxPollsTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
