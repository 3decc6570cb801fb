// The monitoring engine: alerts and their history, the outbox of domain events, settings,
// maintenance windows, integration health, and two summary columns.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('checks').addColumn('last_source', 'text').execute();
  await db.schema.alterTable('devices').addColumn('compliant', 'integer').execute();
  // Client roll-ups count devices per band and per SLA state.
  await db.schema.createIndex('devices_client_status_idx').on('devices').columns(['client_id', 'status']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('device_id', 'text')
    .addColumn('check_id', 'text')
    .addColumn('integration_id', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // 1 while the alert occupies its (scope, type) slot: open, acknowledged, or dismissed and not yet superseded.
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('condition_since', 'bigint', (c) => c.notNull())
    .addColumn('covers_until', 'bigint')
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('ack_note', 'text')
    .addColumn('dismissed_at', 'bigint')
    .addColumn('dismissed_by', 'text')
    .addColumn('dismissed_until', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('replaces_id', 'text')
    .execute();
  // One active alert per (scope, type): re-evaluation updates it, never duplicates it.
  await db.schema
    .createIndex('alerts_one_active_idx')
    .on('alerts')
    .columns(['scope_id', 'type'])
    .unique()
    .where(sql.ref('active'), '=', 1)
    .execute();
  await db.schema.createIndex('alerts_device_idx').on('alerts').columns(['device_id', 'active']).execute();
  await db.schema.createIndex('alerts_integration_idx').on('alerts').columns(['integration_id', 'active']).execute();
  await db.schema.createIndex('alerts_state_idx').on('alerts').columns(['state', 'id']).execute();
  await db.schema.createIndex('alerts_client_idx').on('alerts').columns(['client_id', 'state', 'id']).execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('from_severity', 'text')
    .addColumn('to_severity', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('alert_events_alert_idx').on('alert_events').columns(['alert_id', 'id']).execute();

  // Domain events for the notification work: written in the transaction that changes the alert.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('processed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('outbox_pending_idx')
    .on('outbox')
    .column('id')
    .where(sql.ref('processed_at'), 'is', null)
    .execute();

  // Workspace settings (scope 'workspace') and per-client overrides (scope 'client:<id>').
  await db.schema
    .createTable('settings')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('cron', 'text')
    .addColumn('tz', 'text')
    .addColumn('duration_ms', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('maintenance_windows_client_idx').on('maintenance_windows').column('client_id').execute();

  await db.schema
    .createTable('integration_health')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('auth_error', 'text')
    .addColumn('auth_since', 'bigint')
    .addColumn('quota_error', 'text')
    .addColumn('quota_since', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('integration_health_source_idx').on('integration_health').column('source').execute();
  await db.schema.createIndex('checks_last_source_idx').on('checks').columns(['last_source', 'state']).execute();
  // Destructive operations are rare and must be found whatever their age: a partial index holds
  // only them, so looking costs one probe per evaluation and nothing on ordinary inserts.
  await db.schema
    .createIndex('jobs_destructive_idx')
    .on('jobs')
    .columns(['device_id', 'occurred_at'])
    .where(sql.ref('operation'), 'in', ['delete_backup_data', 'stop_protection_delete'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
