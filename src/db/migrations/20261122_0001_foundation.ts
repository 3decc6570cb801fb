// Foundation tables. Append-only: never edit a migration that has shipped; add a new one.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('inbound_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('score', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_good_at', 'bigint')
    .addColumn('last_job_at', 'bigint')
    .addColumn('retired_at', 'bigint')
    .addColumn('storage_used_bytes', 'bigint')
    .addColumn('storage_quota_bytes', 'bigint')
    .addColumn('free_space_percent', 'double precision')
    .addColumn('purgeable', 'integer')
    .addColumn('facts_updated_at', 'bigint')
    .addColumn('next_eval_at', 'bigint')
    .addColumn('eval_claimed_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('devices_client_name_key', ['client_id', 'name_key'])
    .execute();
  // Console lists: all devices by name, or one status band by name (100k devices).
  await db.schema.createIndex('devices_name_idx').on('devices').columns(['name_key', 'id']).execute();
  await db.schema.createIndex('devices_status_idx').on('devices').columns(['status', 'name_key', 'id']).execute();
  // The evaluator takes what is due: `where next_eval_at <= now order by next_eval_at`.
  await db.schema.createIndex('devices_next_eval_idx').on('devices').column('next_eval_at').execute();

  await db.schema
    .createTable('checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('schedule_type', 'text')
    .addColumn('interval_ms', 'bigint')
    .addColumn('cron', 'text')
    .addColumn('tz', 'text')
    .addColumn('grace_ms', 'bigint')
    .addColumn('schedule_inferred', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ping_key', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('new'))
    .addColumn('last_job_at', 'bigint')
    .addColumn('last_good_at', 'bigint')
    .addColumn('last_status', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_due_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('checks_device_name_key', ['device_id', 'name_key'])
    .execute();
  await db.schema.createIndex('checks_client_idx').on('checks').columns(['client_id', 'id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Only device_id is a foreign key: it is indexed, so deleting a device cascades cheaply. A
    // client's jobs go with its devices; a deleted check's jobs are detached by the service.
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('check_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('raw_status', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint')
    .addColumn('bytes', 'bigint')
    .addColumn('message', 'text')
    .addColumn('error_code', 'text')
    .addColumn('reason', 'text')
    .addColumn('health_replication', 'text')
    .addColumn('health_failover', 'text')
    .addColumn('log', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('jobs_source_external_key', ['source', 'external_id'])
    .execute();
  // The one secondary index besides the idempotency key, because every index is paid on every
  // insert: the engine reads a device's recent history (all its checks at once), the console lists
  // a device's jobs newest first, pings find their open run. Retention and exports walk the
  // primary key, whose UUIDv7 prefix is the time the job was received.
  await db.schema.createIndex('jobs_device_idx').on('jobs').columns(['device_id', 'occurred_at']).execute();
  // A success ping finds its `start` here. Partial, so only unfinished ping runs are in it: it
  // stays tiny and other jobs never touch it.
  await db.schema
    .createIndex('jobs_open_ping_idx')
    .on('jobs')
    .columns(['check_id', 'occurred_at'])
    .where(sql.ref('status'), '=', 'running')
    .where(sql.ref('source'), '=', 'ping')
    .execute();

  // Devices whose jobs changed and must be evaluated. Narrow on purpose: ingestion touches this
  // small table instead of rewriting device rows. `seq` changes on every enqueue, so an evaluator
  // only removes the entry if nothing arrived while it worked.
  await db.schema
    .createTable('eval_queue')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'text', (c) => c.notNull())
    .addColumn('queued_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('client_ids', 'text')
    .addColumn('daily_limit', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('api_token_usage')
    .addColumn('token_id', 'text', (c) => c.notNull().references('api_tokens.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_token_usage_pk', ['token_id', 'day'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('client_ids', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target_type', 'target_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
