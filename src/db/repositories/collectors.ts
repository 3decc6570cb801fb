// Collectors as their heartbeats describe them (docs/collector.md): one row per (token, name).
import type { Kysely } from 'kysely';
import type { CollectorRow, DB } from '../schema.js';

export class CollectorRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async byTokenAndName(tokenId: string, nameKey: string): Promise<CollectorRow | undefined> {
    return this.db.selectFrom('collectors').selectAll().where('token_id', '=', tokenId).where('name_key', '=', nameKey).executeTakeFirst();
  }

  /**
   * Inserts the row, or (same token and name) updates its contact and report. Answers the stored row;
   * a concurrent first heartbeat of the same collector lands on the same row.
   */
  async upsert(row: CollectorRow): Promise<CollectorRow> {
    const { id: _id, created_at: _c, token_id: _t, name_key: _k, ...changing } = row;
    await this.db
      .insertInto('collectors')
      .values(row)
      .onConflict((oc) => oc.columns(['token_id', 'name_key']).doUpdateSet(changing))
      .execute();
    return (await this.byTokenAndName(row.token_id, row.name_key))!;
  }

  async byId(id: string): Promise<CollectorRow | undefined> {
    return this.db.selectFrom('collectors').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('collectors').where('id', '=', id).execute();
  }

  /** Every collector, or those of these clients (null: all), or the one of this id. */
  async list(clientIds: readonly string[] | null, id?: string): Promise<Array<CollectorRow & { client_name: string | null }>> {
    let q = this.db
      .selectFrom('collectors')
      .leftJoin('clients', 'clients.id', 'collectors.client_id')
      .selectAll('collectors')
      .select('clients.name as client_name');
    if (clientIds !== null) q = q.where('collectors.client_id', 'in', clientIds.length > 0 ? [...clientIds] : ['']);
    if (id !== undefined) q = q.where('collectors.id', '=', id);
    return q.orderBy('collectors.name').orderBy('collectors.id').execute();
  }
}
