// Kysely's view of the tables. Times are epoch milliseconds; booleans are 0/1 integers;
// JSON is stored as text so one code path serves SQLite and PostgreSQL. The tables are
// declared by concept under schema/; this is the whole database.
import type { ApiTokensTable, ApiTokenUsageTable, OidcLoginsTable, SessionsTable, SetupClaimsTable, UsersTable } from './schema/auth.js';
import type { CollectorsTable } from './schema/collectors.js';
import type { ChecksTable, CheckTagsTable, ClientsTable, DeviceTagsTable, DevicesTable } from './schema/catalog.js';
import type { ConnectorRunsTable, ConnectorsTable, ConnectorTenantsTable } from './schema/connectors.js';
import type { EmailRawTable, EmailsTable, MailboxesTable, MailboxPollsTable } from './schema/email.js';
import type {
  AlertEventsTable,
  AlertsTable,
  EvalQueueTable,
  IntegrationHealthTable,
  JobsTable,
  MaintenanceWindowsTable,
  OutboxTable,
  SettingsTable,
} from './schema/engine.js';
import type { ChannelAlertStateTable, ChannelsTable, DeliveriesTable, NotifyMarksTable } from './schema/notify.js';
import type { AuditLogTable, LeasesTable } from './schema/ops.js';
import type { MfaChallengesTable, MfaPasskeysTable, MfaRecoveryCodesTable, MfaTotpTable } from './schema/mfa.js';
import type { CheckLogsTable } from './schema/ping.js';
import type { JobReviewsTable } from './schema/reviews.js';

export type * from './schema/auth.js';
export type * from './schema/catalog.js';
export type * from './schema/collectors.js';
export type * from './schema/connectors.js';
export type * from './schema/email.js';
export type * from './schema/engine.js';
export type * from './schema/mfa.js';
export type * from './schema/notify.js';
export type * from './schema/ops.js';
export type * from './schema/ping.js';
export type * from './schema/reviews.js';

export interface DB {
  clients: ClientsTable;
  devices: DevicesTable;
  checks: ChecksTable;
  device_tags: DeviceTagsTable;
  check_tags: CheckTagsTable;
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
  oidc_logins: OidcLoginsTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_passkeys: MfaPasskeysTable;
  mfa_challenges: MfaChallengesTable;
  connectors: ConnectorsTable;
  connector_runs: ConnectorRunsTable;
  connector_tenants: ConnectorTenantsTable;
  collectors: CollectorsTable;
  emails: EmailsTable;
  email_raw: EmailRawTable;
  mailboxes: MailboxesTable;
  mailbox_polls: MailboxPollsTable;
  channels: ChannelsTable;
  deliveries: DeliveriesTable;
  channel_alert_state: ChannelAlertStateTable;
  notify_marks: NotifyMarksTable;
  check_logs: CheckLogsTable;
  job_reviews: JobReviewsTable;
}
