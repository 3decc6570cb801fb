// The console's second part: each mailbox poll is kept (the last 100 per mailbox), so the
// Mailboxes screen shows a history like a connector's sync runs.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mailbox_polls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mailbox_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('stored', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('mailbox_polls_by_mailbox').on('mailbox_polls').columns(['mailbox_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
