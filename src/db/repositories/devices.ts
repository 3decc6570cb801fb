import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { DB, DeviceRow } from '../schema.js';
import type { Tx } from '../transaction.js';
import { contains } from './like.js';
import { deviceHasTags } from './tags.js';

export interface DeviceListQuery {
  clientIds: readonly string[] | null;
  client?: string;
  status?: string;
  class?: string;
  q?: string;
  /** Normalised tags; the device must carry every one. */
  tags?: readonly string[];
  sort?: DeviceSort;
  after: CursorKey | null;
  limit: number;
}

export const DEVICE_SORTS = ['name', '-name', 'score', '-score', 'last_good_at', '-last_good_at'] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

export function parseSort(sort: DeviceSort | undefined): { key: 'name' | 'score' | 'last_good_at'; desc: boolean } {
  const s = sort ?? 'name';
  return { key: s.replace(/^-/, '') as 'name' | 'score' | 'last_good_at', desc: s.startsWith('-') };
}

/** The sort value of a row, as the cursor keeps it; never-good devices sort as the oldest. */
export function sortValueOf(row: DeviceRow, key: 'score' | 'last_good_at'): number {
  return key === 'score' ? row.score : (row.last_good_at ?? 0);
}

function sortValue(key: 'score' | 'last_good_at') {
  return key === 'score' ? sql<number>`score` : sql<number>`coalesce(last_good_at, 0)`;
}

export interface FactsUpdate {
  storage_used_bytes?: number | null;
  storage_quota_bytes?: number | null;
  free_space_percent?: number | null;
  purgeable?: number | null;
}

export class DeviceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Ordered by `sort` (name by default; ties by name, then id); `q` matches anywhere in the name, case-insensitively. */
  async list(query: DeviceListQuery): Promise<DeviceRow[]> {
    let q = this.db.selectFrom('devices').selectAll().limit(query.limit + 1);
    if (query.clientIds !== null) q = q.where('client_id', 'in', query.clientIds.length ? [...query.clientIds] : ['']);
    if (query.client) q = q.where('client_id', '=', query.client);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.class) q = q.where('class', '=', query.class);
    if (query.q) q = q.where(contains('name_key', query.q.toLowerCase()));
    if (query.tags?.length) q = q.where(deviceHasTags('devices.id', query.tags));
    const { key, desc } = parseSort(query.sort);
    const byName = (eb: ExpressionBuilder<DB, 'devices'>, name: string, id: string) =>
      eb.or([eb('name_key', '>', name), eb.and([eb('name_key', '=', name), eb('id', '>', id)])]);
    if (key === 'name') {
      const dir = desc ? 'desc' : 'asc';
      q = q.orderBy('name_key', dir).orderBy('id', dir);
      if (query.after) {
        const [name, id] = query.after as [string, string];
        q = desc
          ? q.where((eb) => eb.or([eb('name_key', '<', name), eb.and([eb('name_key', '=', name), eb('id', '<', id)])]))
          : q.where((eb) => byName(eb, name, id));
      }
      return q.execute();
    }
    const value = sortValue(key);
    q = q.orderBy(value, desc ? 'desc' : 'asc').orderBy('name_key').orderBy('id');
    if (query.after) {
      const [v, name, id] = query.after as [number, string, string];
      q = q.where((eb) => eb.or([eb(value, desc ? '<' : '>', v), eb.and([eb(value, '=', v), byName(eb, name, id)])]));
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

  /** Renames; false when the client has another device of that natural key. */
  async rename(tx: Tx, d: { id: string; clientId: string }, name: string, key: string, now: number): Promise<boolean> {
    const clash = await tx
      .selectFrom('devices')
      .select('id')
      .where('client_id', '=', d.clientId)
      .where('name_key', '=', key)
      .where('id', '!=', d.id)
      .executeTakeFirst();
    if (clash) return false;
    await tx.updateTable('devices').set({ name, name_key: key, updated_at: now }).where('id', '=', d.id).execute();
    return true;
  }

  /** Retires (a time) or brings back (null) a device, as a person decided. */
  async setRetiredManually(tx: Tx, id: string, at: number | null, now: number): Promise<void> {
    await tx.updateTable('devices').set({ retired_manually_at: at, updated_at: now }).where('id', '=', id).execute();
  }

  /**
   * Deletes a device with its checks and jobs (foreign keys cascade), its queue entry and its
   * maintenance windows and snoozes. Its alerts go with AlertRepository.removeOf.
   */
  async delete(tx: Tx, id: string): Promise<void> {
    const checks = tx.selectFrom('checks').select('id').where('device_id', '=', id);
    await tx.deleteFrom('maintenance_windows').where((eb) => eb.or([eb('scope_id', '=', id), eb('scope_id', 'in', checks)])).execute();
    await tx.deleteFrom('eval_queue').where('device_id', '=', id).execute();
    await tx.deleteFrom('jobs').where('device_id', '=', id).execute();
    await tx.deleteFrom('devices').where('id', '=', id).execute();
  }

  /** Moves every job of one device (and of one of its checks, when given) to another device and check. */
  async moveJobs(tx: Tx, from: { deviceId: string; checkId?: string }, to: { deviceId: string; checkId?: string }): Promise<void> {
    let q = tx.updateTable('jobs').set({ device_id: to.deviceId, ...(to.checkId !== undefined && { check_id: to.checkId }) }).where('device_id', '=', from.deviceId);
    if (from.checkId !== undefined) q = q.where('check_id', '=', from.checkId);
    await q.execute();
  }

  /** Moves a check to another device of the same client. */
  async moveCheck(tx: Tx, checkId: string, deviceId: string, now: number): Promise<void> {
    await tx.updateTable('checks').set({ device_id: deviceId, updated_at: now }).where('id', '=', checkId).execute();
  }
}
