// Notifications: channels (with their routing filters), deliveries (one per event × channel, the
// durable queue and the delivery log), per-alert state a channel may keep (a ticket id, a dedup
// key), and marks for the schedules (digests, weekly summary) so each runs once.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // JSON; secret fields sealed (lib/secret-config.ts).
    .addColumn('config', 'text', (c) => c.notNull())
    // Routing filters: JSON arrays or null (everything).
    .addColumn('client_ids', 'text')
    .addColumn('min_severity', 'text')
    .addColumn('types', 'text')
    .addColumn('repeat_hours', 'integer')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    // The built-in "owners and admins" e-mail channel: cannot be edited or deleted.
    .addColumn('system', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('broken_at', 'bigint')
    .addColumn('broken_reason', 'text')
    .addColumn('failing_since', 'bigint')
    // Back-off of the channel's head-of-line delivery: nothing is sent to it before.
    .addColumn('hold_until', 'bigint')
    // Lease of the instance sending its queue: one sender per channel keeps the order.
    .addColumn('claimed_until', 'bigint')
    .addColumn('digest_through', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('alert_id', 'text')
    .addColumn('topic', 'text', (c) => c.notNull())
    // Order within a channel: the outbox event's id (time-ordered), so a queue drains in event order.
    .addColumn('seq', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_status', 'text')
    .addColumn('last_response', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // A channel's queue, head first; partial so sent deliveries (almost all of them) stay out.
  await db.schema
    .createIndex('deliveries_pending_idx')
    .on('deliveries')
    .columns(['channel_id', 'seq'])
    .where(sql.ref('state'), '=', 'pending')
    .execute();
  // Expiry finds old undelivered ones without reading the log.
  await db.schema
    .createIndex('deliveries_pending_age_idx')
    .on('deliveries')
    .column('created_at')
    .where(sql.ref('state'), '=', 'pending')
    .execute();
  await db.schema.createIndex('deliveries_alert_idx').on('deliveries').columns(['alert_id', 'channel_id']).execute();
  await db.schema.createIndex('deliveries_channel_idx').on('deliveries').columns(['channel_id', 'id']).execute();

  await db.schema
    .createTable('channel_alert_state')
    .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_alert_state_pk', ['channel_id', 'alert_id'])
    .execute();

  await db.schema
    .createTable('notify_marks')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
