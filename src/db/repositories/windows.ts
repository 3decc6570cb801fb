import type { Kysely } from 'kysely';
import type { DB, MaintenanceWindowRow } from '../schema.js';

export class WindowRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async list(clientIds: readonly string[] | null, filter: { client?: string; device?: string; check?: string }): Promise<MaintenanceWindowRow[]> {
    let q = this.db.selectFrom('maintenance_windows').selectAll().orderBy('id', 'desc');
    if (clientIds !== null) q = q.where('client_id', 'in', clientIds.length ? [...clientIds] : ['']);
    if (filter.client) q = q.where('client_id', '=', filter.client);
    if (filter.device) q = q.where('scope', '=', 'device').where('scope_id', '=', filter.device);
    if (filter.check) q = q.where('scope', '=', 'check').where('scope_id', '=', filter.check);
    return q.limit(1000).execute();
  }

  async byId(id: string): Promise<MaintenanceWindowRow | undefined> {
    return this.db.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(row: MaintenanceWindowRow): Promise<void> {
    await this.db.insertInto('maintenance_windows').values(row).execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('maintenance_windows').where('id', '=', id).execute();
  }
}
