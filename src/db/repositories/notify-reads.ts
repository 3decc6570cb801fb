// What digests, repeats and the weekly summary read: open alerts raised in an hour (with names),
// and the week's figures. Clients may be limited (a client's own contacts get their own figures).
import { type Kysely, sql } from 'kysely';
import type { AlertEventAlert } from '../../domain/notify.js';
import type { DB } from '../schema.js';

/** The columns `named()` reads that the outbox payload's alert carries as they are. */
type NamedColumns = 'id' | 'type' | 'state' | 'scope' | 'title' | 'client_id' | 'client_name' | 'device_id' | 'device_name' | 'check_id' | 'check_name' | 'integration_id';

/** An alert with its names as stored: the outbox payload's alert (AlertEventAlert) before its times become ISO text and its detail JSON is read. */
export interface NamedAlert extends Pick<AlertEventAlert, NamedColumns> {
  severity: string;
  detail: string;
  condition_since: number;
  raised_at: number;
  resolved_at: number | null;
}

export class NotifyReadRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private named() {
    return this.db
      .selectFrom('alerts')
      .leftJoin('clients', 'clients.id', 'alerts.client_id')
      .leftJoin('devices', 'devices.id', 'alerts.device_id')
      .leftJoin('checks', 'checks.id', 'alerts.check_id')
      .select([
        'alerts.id', 'alerts.type', 'alerts.severity', 'alerts.state', 'alerts.scope', 'alerts.title', 'alerts.detail',
        'alerts.client_id', 'clients.name as client_name', 'alerts.device_id', 'devices.name as device_name',
        'alerts.check_id', 'checks.name as check_name', 'alerts.integration_id', 'alerts.condition_since',
        'alerts.raised_at', 'alerts.resolved_at',
      ]);
  }

  /** Alerts raised in [start, end) that are open or acknowledged now. */
  async openRaisedBetween(start: number, end: number): Promise<NamedAlert[]> {
    return this.named()
      .where('alerts.state', 'in', ['open', 'acknowledged'])
      .where('alerts.raised_at', '>=', start)
      .where('alerts.raised_at', '<', end)
      .orderBy('alerts.raised_at')
      .execute() as Promise<NamedAlert[]>;
  }

  async alert(id: string): Promise<NamedAlert | undefined> {
    return this.named().where('alerts.id', '=', id).executeTakeFirst() as Promise<NamedAlert | undefined>;
  }

  async bands(clientIds: string[] | null): Promise<Array<{ status: string; n: number; protected: number; applicable: number }>> {
    let q = this.db
      .selectFrom('devices')
      .select([
        'status',
        (eb) => eb.fn.countAll<number>().as('n'),
        sql<number>`sum(case when compliant = 1 then 1 else 0 end)`.as('protected'),
        sql<number>`sum(case when compliant is not null then 1 else 0 end)`.as('applicable'),
      ])
      .where('retired_at', 'is', null)
      .groupBy('status');
    if (clientIds) q = q.where('client_id', 'in', clientIds.length ? clientIds : ['']);
    return (await q.execute()).map((r) => ({ status: r.status, n: Number(r.n), protected: Number(r.protected ?? 0), applicable: Number(r.applicable ?? 0) }));
  }

  /** Finished jobs in [start, end): how many, and how many good. */
  async jobOutcomes(start: number, end: number, clientIds: string[] | null): Promise<{ finished: number; good: number }> {
    let q = this.db
      .selectFrom('jobs')
      .select([(eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(case when status in ('succeeded', 'warning') then 1 else 0 end)`.as('good')])
      .where('occurred_at', '>=', start)
      .where('occurred_at', '<', end)
      .where('status', 'in', ['succeeded', 'warning', 'partial', 'failed'])
      .where('operation', 'in', ['backup', 'copy', 'replication', 'verification', 'saas_backup']);
    if (clientIds) q = q.where('client_id', 'in', clientIds.length ? clientIds : ['']);
    const r = await q.executeTakeFirst();
    return { finished: Number(r?.n ?? 0), good: Number(r?.good ?? 0) };
  }

  /** Bytes written by good jobs in [start, end), per day from `start`. */
  async bytesPerDay(start: number, end: number, clientIds: string[] | null): Promise<Map<number, number>> {
    let q = this.db
      .selectFrom('jobs')
      // The start as a literal (an integer we made) and GROUP BY 1: PostgreSQL sees one expression.
      .select([sql<number>`cast((occurred_at - ${sql.lit(Math.trunc(start))}) / 86400000 as integer)`.as('day'), (eb) => eb.fn.sum<number>('bytes').as('bytes')])
      .where('occurred_at', '>=', start)
      .where('occurred_at', '<', end)
      .where('status', 'in', ['succeeded', 'warning'])
      .where('bytes', 'is not', null)
      .groupBy(sql`1`);
    if (clientIds) q = q.where('client_id', 'in', clientIds.length ? clientIds : ['']);
    const rows = await q.execute();
    return new Map(rows.map((r) => [Number(r.day), Number(r.bytes ?? 0)]));
  }

  async storage(clientIds: string[] | null): Promise<{ used: number; quota: number }> {
    let q = this.db
      .selectFrom('devices')
      .select([(eb) => eb.fn.sum<number>('storage_used_bytes').as('used'), (eb) => eb.fn.sum<number>('storage_quota_bytes').as('quota')])
      .where('retired_at', 'is', null)
      .where('storage_quota_bytes', 'is not', null);
    if (clientIds) q = q.where('client_id', 'in', clientIds.length ? clientIds : ['']);
    const r = await q.executeTakeFirst();
    return { used: Number(r?.used ?? 0), quota: Number(r?.quota ?? 0) };
  }

  async criticalRaisedBetween(start: number, end: number, clientIds: string[] | null, limit: number): Promise<{ count: number; items: NamedAlert[] }> {
    let q = this.named().where('alerts.severity', '=', 'critical').where('alerts.raised_at', '>=', start).where('alerts.raised_at', '<', end);
    let c = this.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('severity', '=', 'critical')
      .where('raised_at', '>=', start)
      .where('raised_at', '<', end);
    if (clientIds) {
      q = q.where('alerts.client_id', 'in', clientIds.length ? clientIds : ['']);
      c = c.where('client_id', 'in', clientIds.length ? clientIds : ['']);
    }
    const items = (await q.orderBy('alerts.raised_at', 'desc').limit(limit).execute()) as NamedAlert[];
    return { count: Number((await c.executeTakeFirst())?.n ?? 0), items };
  }

  async lowestScores(clientIds: string[] | null, limit: number) {
    let q = this.db
      .selectFrom('devices')
      .leftJoin('clients', 'clients.id', 'devices.client_id')
      .select(['devices.id', 'devices.name', 'clients.name as client_name', 'devices.score', 'devices.status'])
      .where('devices.retired_at', 'is', null)
      .where('devices.status', '!=', 'unknown')
      .orderBy('devices.score')
      .orderBy('devices.name_key')
      .limit(limit);
    if (clientIds) q = q.where('devices.client_id', 'in', clientIds.length ? clientIds : ['']);
    return q.execute();
  }

  /** Open (not acknowledged) alerts raised since `since`, with their device's class: what escalation rules look at. */
  async openForPaging(since: number): Promise<Array<NamedAlert & { device_class: string | null }>> {
    return this.named()
      .select('devices.class as device_class')
      .where('alerts.state', '=', 'open')
      .where('alerts.raised_at', '>=', since)
      .orderBy('alerts.raised_at')
      .execute() as Promise<Array<NamedAlert & { device_class: string | null }>>;
  }

  async deviceLastGood(deviceId: string): Promise<number | null> {
    const r = await this.db.selectFrom('devices').select('last_good_at').where('id', '=', deviceId).executeTakeFirst();
    return r?.last_good_at == null ? null : Number(r.last_good_at);
  }

  async clients(): Promise<Array<{ id: string; name: string }>> {
    return this.db.selectFrom('clients').select(['id', 'name']).orderBy('name').execute();
  }

  async clientNames(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('clients').select('name').where('id', 'in', ids).orderBy('name').execute();
    return rows.map((r) => r.name);
  }
}
