// The tenants each pull connector has seen and the client a user mapped each one to (migration
// 0019). The runner reads the mappings and the clients' names before a sync and records the
// tenants it saw after it; the tenant routes list them and set or clear a mapping.
import type { Kysely } from 'kysely';
import type { ConnectorTenantRow, DB } from '../schema.js';

const BATCH = 200;

export interface ClientName {
  id: string;
  name: string;
  name_key: string;
}

export class ConnectorTenantRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** A connector's tenants, by name. */
  async list(connectorId: string): Promise<ConnectorTenantRow[]> {
    return this.db.selectFrom('connector_tenants').selectAll().where('connector_id', '=', connectorId).orderBy('tenant_name').orderBy('tenant_id').execute();
  }

  async byId(connectorId: string, tenantId: string): Promise<ConnectorTenantRow | undefined> {
    return this.db.selectFrom('connector_tenants').selectAll().where('connector_id', '=', connectorId).where('tenant_id', '=', tenantId).executeTakeFirst();
  }

  /** Sets (or with null clears) the client a tenant is mapped to; false when there is no such tenant. */
  async setClient(connectorId: string, tenantId: string, clientId: string | null): Promise<boolean> {
    const r = await this.db
      .updateTable('connector_tenants')
      .set({ client_id: clientId })
      .where('connector_id', '=', connectorId)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records tenants a sync saw: new ones are added, known ones get their current name and `last_seen_at`; mappings stay. */
  async seen(connectorId: string, tenants: ReadonlyArray<{ id: string; name: string }>, now: number): Promise<void> {
    for (let i = 0; i < tenants.length; i += BATCH) {
      const rows = tenants.slice(i, i + BATCH).map((t) => ({ connector_id: connectorId, tenant_id: t.id, tenant_name: t.name, client_id: null, first_seen_at: now, last_seen_at: now }));
      await this.db
        .insertInto('connector_tenants')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['connector_id', 'tenant_id']).doUpdateSet((eb) => ({ tenant_name: eb.ref('excluded.tenant_name'), last_seen_at: eb.ref('excluded.last_seen_at') })),
        )
        .execute();
    }
  }

  /** Every client's id and name (the runner's name matching). */
  async clients(): Promise<ClientName[]> {
    return this.db.selectFrom('clients').select(['id', 'name', 'name_key']).execute();
  }

  async client(id: string): Promise<ClientName | undefined> {
    return this.db.selectFrom('clients').select(['id', 'name', 'name_key']).where('id', '=', id).executeTakeFirst();
  }
}
