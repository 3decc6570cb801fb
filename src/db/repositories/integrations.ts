import type { Kysely } from 'kysely';
import type { DB, IntegrationHealthRow } from '../schema.js';

type Tx = Kysely<DB>;

export class IntegrationRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async all(): Promise<IntegrationHealthRow[]> {
    return this.db.selectFrom('integration_health').selectAll().orderBy('name').execute();
  }

  async find(id: string): Promise<IntegrationHealthRow | undefined> {
    return this.byId(this.db, id);
  }

  async byId(tx: Tx, id: string): Promise<IntegrationHealthRow | undefined> {
    return tx.selectFrom('integration_health').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async upsert(row: IntegrationHealthRow): Promise<void> {
    const { id: _id, ...rest } = row;
    await this.db
      .insertInto('integration_health')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('integration_health').where('id', '=', id).execute();
  }

  /** Devices fed by this source that are behind (a check late or overdue, or out of SLA): what a broken integration holds back. */
  async devicesBehind(tx: Tx, source: string): Promise<number> {
    const r = await tx
      .selectFrom('checks')
      .innerJoin('devices', 'devices.id', 'checks.device_id')
      .select((eb) => eb.fn.count('checks.device_id').distinct().as('n'))
      .where('checks.last_source', '=', source)
      .where((eb) => eb.or([eb('checks.state', 'in', ['late', 'overdue']), eb('devices.compliant', '=', 0)]))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
