// Reads for roll-ups, the daily grid and compliance reports.
import type { Kysely } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { CheckRow, DB, DeviceRow } from '../schema.js';
import type { RollupRow } from '../../domain/rollup.js';
import { type HistoryRow, lastGoodOfCheck } from './evaluation.js';
import { getOrCreate } from '../../lib/maps.js';
import { checkOrDeviceHasTags } from './tags.js';

const GOOD = ['succeeded', 'warning'];
const CHUNK = 500;


export type GridCheckRow = CheckRow & { device_name: string; device_name_key: string };

export class ReportRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async rollup(clientIds: string[]): Promise<RollupRow[]> {
    if (clientIds.length === 0) return [];
    return this.db
      .selectFrom('devices')
      .select(['client_id', 'status', 'compliant', (eb) => eb.fn.countAll<number>().as('n')])
      .where('client_id', 'in', clientIds)
      .groupBy(['client_id', 'status', 'compliant'])
      .execute();
  }

  async devicesOf(clientIds: readonly string[] | null, client?: string): Promise<DeviceRow[]> {
    let q = this.db.selectFrom('devices').selectAll().orderBy('client_id').orderBy('name_key');
    if (clientIds !== null) q = q.where('client_id', 'in', clientIds.length ? [...clientIds] : ['']);
    if (client) q = q.where('client_id', '=', client);
    return q.execute();
  }

  /** Ends of good runs of the given check kinds, per device, within [from, to]. */
  async goodEnds(deviceIds: string[], kinds: string[], from: number, to: number): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('jobs')
        .innerJoin('checks', 'checks.id', 'jobs.check_id')
        .select(['jobs.device_id', 'jobs.ended_at', 'jobs.occurred_at'])
        .where('jobs.device_id', 'in', deviceIds.slice(i, i + CHUNK))
        .where('jobs.occurred_at', '>=', from)
        .where('jobs.occurred_at', '<=', to)
        .where('jobs.status', 'in', GOOD)
        .where('checks.kind', 'in', kinds)
        .execute();
      for (const r of rows) {
        const list = getOrCreate(out, r.device_id, () => []);
        list.push(r.ended_at ?? r.occurred_at);
      }
    }
    for (const list of out.values()) list.sort((a, b) => a - b);
    return out;
  }

  /** When the device's oldest stored job happened (an index seek), or null without jobs. */
  async firstJobAt(deviceId: string): Promise<number | null> {
    const r = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('occurred_at').as('first'))
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return r?.first === null || r?.first === undefined ? null : Number(r.first);
  }

  async lastGoodEndBefore(deviceId: string, kinds: string[], before: number): Promise<number | null> {
    const r = await this.db
      .selectFrom('jobs')
      .innerJoin('checks', 'checks.id', 'jobs.check_id')
      .select(['jobs.ended_at', 'jobs.occurred_at'])
      .where('jobs.device_id', '=', deviceId)
      .where('jobs.occurred_at', '<', before)
      .where('jobs.status', 'in', GOOD)
      .where('checks.kind', 'in', kinds)
      .orderBy('jobs.occurred_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? (r.ended_at ?? r.occurred_at) : null;
  }

  async deviceKinds(deviceIds: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      const rows = await this.db.selectFrom('checks').select(['device_id', 'kind']).where('device_id', 'in', deviceIds.slice(i, i + CHUNK)).execute();
      for (const r of rows) {
        const s = getOrCreate(out, r.device_id, () => new Set());
        s.add(r.kind);
      }
    }
    return out;
  }

  /** A page of checks for the grid, ordered by device name then check name. */
  /** `tags` (normalised): each on the check or on its device. */
  async gridChecks(
    clientIds: readonly string[] | null,
    client: string | undefined,
    after: CursorKey | null,
    limit: number,
    tags: readonly string[] = [],
  ): Promise<GridCheckRow[]> {
    let q = this.db
      .selectFrom('checks')
      .innerJoin('devices', 'devices.id', 'checks.device_id')
      .selectAll('checks')
      .select(['devices.name as device_name', 'devices.name_key as device_name_key'])
      .orderBy('devices.name_key')
      .orderBy('checks.name_key')
      .orderBy('checks.id')
      .limit(limit + 1);
    if (clientIds !== null) q = q.where('checks.client_id', 'in', clientIds.length ? [...clientIds] : ['']);
    if (client) q = q.where('checks.client_id', '=', client);
    if (tags.length) q = q.where(checkOrDeviceHasTags('checks.id', 'checks.device_id', tags));
    if (after) {
      const [d, c, id] = after as [string, string, string];
      q = q.where((eb) =>
        eb.or([
          eb('devices.name_key', '>', d),
          eb.and([eb('devices.name_key', '=', d), eb('checks.name_key', '>', c)]),
          eb.and([eb('devices.name_key', '=', d), eb('checks.name_key', '=', c), eb('checks.id', '>', id)]),
        ]),
      );
    }
    return q.execute() as Promise<GridCheckRow[]>;
  }

  async history(deviceIds: string[], from: number, to: number): Promise<HistoryRow[]> {
    if (deviceIds.length === 0) return [];
    return this.db
      .selectFrom('jobs')
      .select([
        'id', 'check_id', 'source', 'status', 'operation', 'reason', 'started_at', 'ended_at', 'occurred_at', 'duration_ms',
        'bytes', 'message', 'error_code', 'health_replication', 'health_failover',
      ])
      .where('device_id', 'in', deviceIds)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<', to)
      .orderBy('occurred_at')
      .execute();
  }

  async lastGoodOfCheckBefore(deviceId: string, checkId: string, before: number): Promise<{ endedAt: number; startedAt: number } | null> {
    return lastGoodOfCheck(this.db, deviceId, checkId, before);
  }
}
