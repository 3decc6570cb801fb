import type { Kysely } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { CheckRow, CheckUpdate, DB } from '../schema.js';
import { checkOrDeviceHasTags } from './tags.js';

export interface CheckListQuery {
  clientIds: readonly string[] | null;
  client?: string;
  device?: string;
  kind?: string;
  state?: string;
  /** Normalised tags; each must be on the check or on its device. */
  tags?: readonly string[];
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
    if (query.tags?.length) q = q.where(checkOrDeviceHasTags('checks.id', 'checks.device_id', query.tags));
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

  /** The database fills in `badge_key` (migration 0017). */
  async insert(row: Omit<CheckRow, 'badge_key'>, tx: Kysely<DB> = this.db): Promise<void> {
    await tx.insertInto('checks').values(row).execute();
  }

  async update(id: string, changes: CheckUpdate, tx: Kysely<DB> = this.db): Promise<void> {
    await tx.updateTable('checks').set(changes).where('id', '=', id).execute();
  }

  /** The check of that name (natural key) on the device, if there is one. */
  async byDeviceAndName(tx: Kysely<DB>, deviceId: string, nameKey: string): Promise<{ id: string } | undefined> {
    return tx.selectFrom('checks').select('id').where('device_id', '=', deviceId).where('name_key', '=', nameKey).executeTakeFirst();
  }

  /** The check named by client, device and check natural keys. */
  async byNames(clientKey: string, deviceKey: string, checkKey: string): Promise<{ id: string } | undefined> {
    return this.db
      .selectFrom('checks')
      .innerJoin('devices', 'devices.id', 'checks.device_id')
      .innerJoin('clients', 'clients.id', 'checks.client_id')
      .select('checks.id')
      .where('clients.name_key', '=', clientKey)
      .where('devices.name_key', '=', deviceKey)
      .where('checks.name_key', '=', checkKey)
      .executeTakeFirst();
  }

  /** A device's id and client, for attaching a new check to it. */
  async deviceOwner(tx: Kysely<DB>, deviceId: string): Promise<{ id: string; client_id: string } | undefined> {
    return tx.selectFrom('devices').select(['id', 'client_id']).where('id', '=', deviceId).executeTakeFirst();
  }

  async clientIdByNameKey(tx: Kysely<DB>, nameKey: string): Promise<string | undefined> {
    return (await tx.selectFrom('clients').select('id').where('name_key', '=', nameKey).executeTakeFirst())?.id;
  }

  /** Another check of that natural key on the device, if there is one. */
  async clash(tx: Kysely<DB>, deviceId: string, nameKey: string, exceptId: string): Promise<{ id: string } | undefined> {
    return tx.selectFrom('checks').select('id').where('device_id', '=', deviceId).where('name_key', '=', nameKey).where('id', '!=', exceptId).executeTakeFirst();
  }

  /** Deletes a check with its jobs and snoozes. Its alerts go with AlertRepository.removeOf. */
  async delete(tx: Kysely<DB>, id: string): Promise<void> {
    await tx.deleteFrom('maintenance_windows').where('scope_id', '=', id).execute();
    await tx.deleteFrom('jobs').where('check_id', '=', id).execute();
    await tx.deleteFrom('checks').where('id', '=', id).execute();
  }
}
