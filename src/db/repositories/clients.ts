import type { Kysely } from 'kysely';
import type { Tx } from '../transaction.js';
import type { CursorKey } from '../../lib/cursor.js';
import { newId, randomKey } from '../../lib/ids.js';
import type { ClientRow, DB } from '../schema.js';
import { contains } from './like.js';

export interface ClientListQuery {
  clientIds: readonly string[] | null;
  q?: string;
  after: CursorKey | null;
  limit: number;
}

export class ClientRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async list(query: ClientListQuery): Promise<ClientRow[]> {
    let q = this.db.selectFrom('clients').selectAll().orderBy('name_key').orderBy('id').limit(query.limit + 1);
    if (query.clientIds !== null) q = q.where('id', 'in', query.clientIds.length ? [...query.clientIds] : ['']);
    if (query.q) q = q.where(contains('name_key', query.q.toLowerCase()));
    if (query.after) {
      const [name, id] = query.after as [string, string];
      q = q.where((eb) => eb.or([eb('name_key', '>', name), eb.and([eb('name_key', '=', name), eb('id', '>', id)])]));
    }
    return q.execute();
  }

  async byId(id: string): Promise<ClientRow | undefined> {
    return this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** By id, or by name (case-insensitively). */
  async byRef(ref: string): Promise<ClientRow | undefined> {
    return this.db
      .selectFrom('clients')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', ref), eb('name_key', '=', ref.trim().replace(/\s+/g, ' ').toLowerCase())]))
      .executeTakeFirst();
  }

  async byNameKey(key: string): Promise<ClientRow | undefined> {
    return this.db.selectFrom('clients').selectAll().where('name_key', '=', key).executeTakeFirst();
  }

  /** The database fills in `badge_key`; the status page starts off (migration 0017). */
  async insert(row: Omit<ClientRow, 'badge_key' | 'status_page' | 'status_page_key'>): Promise<void> {
    await this.db.insertInto('clients').values(row).onConflict((oc) => oc.column('name_key').doNothing()).execute();
  }

  /** Creates the client of that natural key unless it exists; looks first, so a database that has it is not written. */
  async ensure(nameKey: string, now: number): Promise<void> {
    if (await this.byNameKey(nameKey)) return;
    await this.insert({ id: newId(), name: nameKey, name_key: nameKey, inbound_key: randomKey(12), ping_key: randomKey(), created_at: now, updated_at: now });
  }

  /** Renames; false when another client has that natural key. */
  async rename(tx: Tx, id: string, name: string, key: string, now: number): Promise<boolean> {
    const clash = await tx.selectFrom('clients').select('id').where('name_key', '=', key).where('id', '!=', id).executeTakeFirst();
    if (clash) return false;
    await tx.updateTable('clients').set({ name, name_key: key, updated_at: now }).where('id', '=', id).execute();
    return true;
  }

  /** What a client still holds: its devices and checks. */
  async contents(tx: Tx, id: string): Promise<{ devices: number; checks: number }> {
    const count = async (table: 'devices' | 'checks') =>
      Number((await tx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('client_id', '=', id).executeTakeFirst())?.n ?? 0);
    return { devices: await count('devices'), checks: await count('checks') };
  }

  /**
   * Deletes a client with everything under it: devices, checks and jobs (foreign keys cascade, by the indexed device id),
   * their queue entries, maintenance windows and per-client settings. Its alerts go
   * with AlertRepository.removeOf.
   */
  async delete(tx: Tx, id: string): Promise<void> {
    const devices = tx.selectFrom('devices').select('id').where('client_id', '=', id);
    await tx.deleteFrom('eval_queue').where('device_id', 'in', devices).execute();
    await tx.deleteFrom('maintenance_windows').where('client_id', '=', id).execute();
    await tx.deleteFrom('settings').where('scope', '=', `client:${id}`).execute();
    await tx.deleteFrom('clients').where('id', '=', id).execute();
  }
}
