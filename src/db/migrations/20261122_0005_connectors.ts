// Pull connectors (Azure Backup first) and their sync history. A connector row is also the
// scheduler's claim: `claimed_until` is a lease and `claimed_by` the run holding it, so one
// instance at a time syncs a connector and a dead instance's claim runs out.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('connectors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    // The `source` of the jobs it records; fixed at creation so renaming never breaks idempotency.
    .addColumn('source', 'text', (c) => c.notNull().unique())
    // JSON; secret fields sealed (lib/secret-config.ts).
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('interval_ms', 'bigint', (c) => c.notNull())
    // JSON owned by the connector type; advanced only after the jobs it covers are stored.
    .addColumn('cursor', 'text')
    .addColumn('next_run_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('claimed_by', 'text')
    .addColumn('last_run_id', 'text')
    .addColumn('last_run_at', 'bigint')
    .addColumn('last_status', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('connectors_due_idx').on('connectors').columns(['enabled', 'next_run_at']).execute();

  await db.schema
    .createTable('connector_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('connector_runs_connector_idx').on('connector_runs').columns(['connector_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
