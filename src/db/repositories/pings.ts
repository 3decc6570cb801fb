// What name-addressed pings read and write: a client by its ping key, a check by its device's and
// its own natural keys, the client's key itself, and `/log` lines (check_logs).
import type { Kysely } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { CheckLogRow, DB } from '../schema.js';
import type { Tx } from '../transaction.js';
import type { PingTarget } from './ingest.js';

export interface CheckLogQuery {
  deviceId: string;
  checkId?: string;
  after: CursorKey | null;
  limit: number;
}

export class PingRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async clientByPingKey(pingKey: string): Promise<{ id: string; name: string } | undefined> {
    return this.db.selectFrom('clients').select(['id', 'name']).where('ping_key', '=', pingKey).executeTakeFirst();
  }

  /** The check named so on the device named so, both by natural key, under that client. */
  async targetByNames(clientId: string, deviceKey: string, checkKey: string): Promise<PingTarget | undefined> {
    return this.db
      .selectFrom('checks')
      .innerJoin('devices', 'devices.id', 'checks.device_id')
      .select(['checks.id as checkId', 'checks.device_id as deviceId', 'checks.client_id as clientId', 'checks.kind as kind'])
      .where('devices.client_id', '=', clientId)
      .where('devices.name_key', '=', deviceKey)
      .where('checks.name_key', '=', checkKey)
      .executeTakeFirst();
  }

  async targetByCheckId(tx: Tx, checkId: string): Promise<PingTarget | undefined> {
    return tx
      .selectFrom('checks')
      .select(['id as checkId', 'device_id as deviceId', 'client_id as clientId', 'kind'])
      .where('id', '=', checkId)
      .executeTakeFirst();
  }

  /** Answers false when no such client exists. */
  async setPingKey(tx: Tx, clientId: string, pingKey: string, now: number): Promise<boolean> {
    const r = await tx.updateTable('clients').set({ ping_key: pingKey, updated_at: now }).where('id', '=', clientId).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertLog(row: CheckLogRow): Promise<void> {
    await this.db.insertInto('check_logs').values(row).execute();
  }

  /** A device's log lines, newest first, optionally of one check. */
  async logs(q: CheckLogQuery): Promise<CheckLogRow[]> {
    let sel = this.db
      .selectFrom('check_logs')
      .selectAll()
      .where('device_id', '=', q.deviceId)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.checkId) sel = sel.where('check_id', '=', q.checkId);
    if (q.after) {
      const [at, id] = q.after as [number, string];
      sel = sel.where((eb) => eb.or([eb('received_at', '<', at), eb.and([eb('received_at', '=', at), eb('id', '<', id)])]));
    }
    return sel.execute();
  }
}
