// E-mail ingestion: stored raw messages (written before the SMTP 250), polled mailboxes, and a
// check's e-mail rules.
import type { Kysely } from 'kysely';
import { isPostgres } from './util.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON `{ match, status, default_status }`; null: the check is reached only by its address.
  await db.schema.alterTable('checks').addColumn('email_rules', 'text').execute();

  const postgres = await isPostgres(db);
  await db.schema
    .createTable('emails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    // smtp, imap or graph; mailbox_id names the polled mailbox.
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('mailbox_id', 'text')
    // A poller's copy of one message (its Message-ID or digest): a crash between storing and
    // moving it out of the mailbox must not store it twice.
    .addColumn('remote_key', 'text')
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to', 'text', (c) => c.notNull())
    .addColumn('raw', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    // pending → processed | unmatched | ignored | error; pending again on reprocess.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_at', 'bigint')
    .addColumn('message_id', 'text')
    .addColumn('from_addr', 'text')
    .addColumn('subject', 'text')
    .addColumn('subject_pattern', 'text')
    .addColumn('template', 'text')
    .addColumn('client_id', 'text')
    .addColumn('check_ids', 'text')
    .addColumn('job_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  // The worker takes pending messages oldest first; the inbox lists unmatched ones newest first.
  await db.schema.createIndex('emails_state_idx').on('emails').columns(['state', 'id']).execute();
  await db.schema.createIndex('emails_received_idx').on('emails').column('received_at').execute();
  await db.schema.createIndex('emails_remote_idx').on('emails').columns(['mailbox_id', 'remote_key']).unique().execute();

  await db.schema
    .createTable('mailboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // JSON; secrets sealed (lib/secret-config).
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('interval_ms', 'bigint', (c) => c.notNull())
    .addColumn('next_poll_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('last_poll_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('last_count', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mailboxes_due_idx').on('mailboxes').column('next_poll_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
