import type { Kysely } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { DB, JobRow } from '../schema.js';

export interface DeviceJobsQuery {
  deviceId: string;
  check?: string;
  status?: string;
  after: CursorKey | null;
  limit: number;
}

export class JobRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Newest first. The raw payload and log are left out of lists; fetch one job for them. */
  async forDevice(query: DeviceJobsQuery): Promise<Omit<JobRow, 'raw' | 'log'>[]> {
    let q = this.db
      .selectFrom('jobs')
      .select([
        'id', 'client_id', 'device_id', 'check_id', 'source', 'external_id', 'status', 'raw_status', 'operation',
        'trigger', 'started_at', 'ended_at', 'occurred_at', 'duration_ms', 'bytes', 'message', 'error_code', 'reason',
        'health_replication', 'health_failover', 'received_at', 'updated_at', 'clock_skew',
      ])
      .where('device_id', '=', query.deviceId)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1);
    if (query.check) q = q.where('check_id', '=', query.check);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.after) {
      const [at, id] = query.after as [number, string];
      q = q.where((eb) => eb.or([eb('occurred_at', '<', at), eb.and([eb('occurred_at', '=', at), eb('id', '<', id)])]));
    }
    return q.execute();
  }

  async byId(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
