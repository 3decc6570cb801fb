import type { Kysely } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { CheckRow, CheckUpdate, DB } from '../schema.js';

export interface CheckListQuery {
  clientIds: readonly string[] | null;
  client?: string;
  device?: string;
  kind?: string;
  state?: string;
  after: CursorKey | null;
  limit: number;
}

export class CheckRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async list(query: CheckListQuery): Promise<CheckRow[]> {
    let q = this.db.selectFrom('checks').selectAll().orderBy('id').limit(query.limit + 1);
    if (query.clientIds !== null) q = q.where('client_id', 'in', query.clientIds.length ? [...query.clientIds] : ['']);
    if (query.client) q = q.where('client_id', '=', query.client);
    if (query.device) q = q.where('device_id', '=', query.device);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.state) q = q.where('state', '=', query.state);
    if (query.after) q = q.where('id', '>', query.after[0] as string);
    return q.execute();
  }

  async forDevices(deviceIds: string[]): Promise<CheckRow[]> {
    if (deviceIds.length === 0) return [];
    return this.db.selectFrom('checks').selectAll().where('device_id', 'in', deviceIds).orderBy('name_key').execute();
  }

  async byId(id: string): Promise<CheckRow | undefined> {
    return this.db.selectFrom('checks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(row: CheckRow): Promise<void> {
    await this.db.insertInto('checks').values(row).execute();
  }

  async update(id: string, changes: CheckUpdate): Promise<void> {
    await this.db.updateTable('checks').set(changes).where('id', '=', id).execute();
  }
}
