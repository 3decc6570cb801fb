// The tenants a pull connector has seen (VSPC companies, Datto and Acronis customers, Cove
// partners, Azure client groups) and the Keepwatch client a user mapped each one to (issue #19).
// Without a mapping a tenant lands in the client of exactly its name (docs/connectors.md,
// "Tenants and clients"). Rows go with their connector; a mapping goes with its client.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('connector_tenants')
    .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
    // The platform's own id of the tenant (stable across renames).
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // Its name as the platform last answered it.
    .addColumn('tenant_name', 'text', (c) => c.notNull())
    // The client a user mapped it to; null: matched by name.
    .addColumn('client_id', 'text', (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('connector_tenants_pk', ['connector_id', 'tenant_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
