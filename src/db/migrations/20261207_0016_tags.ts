// Tags on devices and checks (issue #20). The JSON text column (`devices.tags` existed already;
// `checks.tags` is new) is what the API shows; the small tables `device_tags` and `check_tags`
// answer `?tag=` through their primary keys (tag, id) on both SQLite and PostgreSQL, where a
// search inside JSON text would read every row. Writers keep the two in step (repositories/tags.ts).
// Nothing wrote `devices.tags` before (always '[]'), so there is nothing to copy into the tables.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('checks').addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema
    .createTable('device_tags')
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('device_tags_pk', ['tag', 'device_id'])
    .execute();
  // Deleting a device cascades here: without this index each delete would scan the table.
  await db.schema.createIndex('device_tags_device_idx').on('device_tags').column('device_id').execute();
  await db.schema
    .createTable('check_tags')
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.notNull().references('checks.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('check_tags_pk', ['tag', 'check_id'])
    .execute();
  await db.schema.createIndex('check_tags_check_idx').on('check_tags').column('check_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
