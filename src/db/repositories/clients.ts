import type { Kysely } from 'kysely';
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

  async insert(row: ClientRow): Promise<void> {
    await this.db.insertInto('clients').values(row).onConflict((oc) => oc.column('name_key').doNothing()).execute();
  }

  /** Creates the client of that natural key unless it exists; looks first, so a database that has it is not written. */
  async ensure(nameKey: string, now: number): Promise<void> {
    if (await this.byNameKey(nameKey)) return;
    await this.insert({ id: newId(), name: nameKey, name_key: nameKey, inbound_key: randomKey(12), created_at: now, updated_at: now });
  }
}
