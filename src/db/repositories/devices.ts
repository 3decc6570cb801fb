import type { Kysely } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { DB, DeviceRow } from '../schema.js';
import { contains } from './like.js';

export interface DeviceListQuery {
  clientIds: readonly string[] | null;
  client?: string;
  status?: string;
  class?: string;
  q?: string;
  after: CursorKey | null;
  limit: number;
}

export interface FactsUpdate {
  storage_used_bytes?: number | null;
  storage_quota_bytes?: number | null;
  free_space_percent?: number | null;
  purgeable?: number | null;
}

export class DeviceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Ordered by name; `q` matches anywhere in the name, case-insensitively. */
  async list(query: DeviceListQuery): Promise<DeviceRow[]> {
    let q = this.db.selectFrom('devices').selectAll().orderBy('name_key').orderBy('id').limit(query.limit + 1);
    if (query.clientIds !== null) q = q.where('client_id', 'in', query.clientIds.length ? [...query.clientIds] : ['']);
    if (query.client) q = q.where('client_id', '=', query.client);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.class) q = q.where('class', '=', query.class);
    if (query.q) q = q.where(contains('name_key', query.q.toLowerCase()));
    if (query.after) {
      const [name, id] = query.after as [string, string];
      q = q.where((eb) => eb.or([eb('name_key', '>', name), eb.and([eb('name_key', '=', name), eb('id', '>', id)])]));
    }
    return q.execute();
  }

  async byId(id: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byClientAndNameKey(clientId: string, key: string): Promise<DeviceRow | undefined> {
    return this.db
      .selectFrom('devices')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('name_key', '=', key)
      .executeTakeFirst();
  }

  async insert(row: DeviceRow): Promise<void> {
    await this.db.insertInto('devices').values(row).execute();
  }

  /** Sets facts and queues the device for evaluation, in one transaction. */
  async setFacts(id: string, facts: FactsUpdate, now: number, seq: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('devices').set({ ...facts, facts_updated_at: now, updated_at: now }).where('id', '=', id).execute();
      await tx
        .insertInto('eval_queue')
        .values({ device_id: id, seq, queued_at: now, claimed_until: null })
        .onConflict((oc) => oc.column('device_id').doUpdateSet({ seq }))
        .execute();
    });
  }
}
