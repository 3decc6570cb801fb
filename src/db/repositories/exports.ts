// Exports walk a table's primary key in batches: UUIDv7 ids begin with the time the row was made,
// so "received (or raised, or logged) in a period" is an id range, read by keyset without OFFSET
// and without holding more than one batch in memory.
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from '../schema.js';

export interface ExportRange {
  /** Ids in [fromId, toId). */
  fromId: string;
  toId: string;
  clientIds: readonly string[] | null;
  client?: string;
}

const scoped = (ids: readonly string[] | null) => (ids === null ? null : ids.length ? [...ids] : ['']);

/** One keyset page of `table`'s rows in the range, after `after`, limited to the range's clients. */
function page<TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  table: 'jobs' | 'alerts' | 'audit_log',
  r: ExportRange,
  after: string | null,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const id = sql.ref<string>(`${table}.id`);
  const clientId = sql.ref<string | null>(`${table}.client_id`);
  const ids = scoped(r.clientIds);
  return q
    .where(id, '>', after ?? r.fromId)
    .where(id, '<', r.toId)
    .$if(ids !== null, (w) => w.where(clientId, 'in', ids!))
    .$if(Boolean(r.client), (w) => w.where(clientId, '=', r.client!))
    .orderBy(id)
    .limit(limit);
}

/** Rows of `table` beside the names of the client, device and check each belongs to. */
function withNames<TB extends 'jobs' | 'alerts', O>(q: SelectQueryBuilder<DB, TB, O>, table: TB) {
  const owner = (t: 'clients' | 'devices' | 'checks', column: string) => sql<boolean>`${sql.ref(`${t}.id`)} = ${sql.ref(`${table}.${column}`)}`;
  return q
    .leftJoin('clients', (join) => join.on(owner('clients', 'client_id')))
    .leftJoin('devices', (join) => join.on(owner('devices', 'device_id')))
    .leftJoin('checks', (join) => join.on(owner('checks', 'check_id')));
}

export class ExportRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async jobs(r: ExportRange, after: string | null, limit: number) {
    const q = withNames(this.db.selectFrom('jobs'), 'jobs').select([
      'jobs.id', 'jobs.received_at', 'jobs.updated_at', 'jobs.client_id', 'clients.name as client_name', 'jobs.device_id',
      'devices.name as device_name', 'devices.class as device_class', 'jobs.check_id', 'checks.name as check_name', 'checks.kind as check_kind',
      'jobs.source', 'jobs.external_id', 'jobs.status', 'jobs.raw_status', 'jobs.operation', 'jobs.trigger', 'jobs.started_at', 'jobs.ended_at',
      'jobs.duration_ms', 'jobs.bytes', 'jobs.message', 'jobs.error_code', 'jobs.reason', 'jobs.health_replication', 'jobs.health_failover',
    ]);
    return page(q, 'jobs', r, after, limit).execute();
  }

  async alerts(r: ExportRange, after: string | null, limit: number) {
    const q = withNames(this.db.selectFrom('alerts'), 'alerts').select([
      'alerts.id', 'alerts.type', 'alerts.severity', 'alerts.state', 'alerts.scope', 'alerts.client_id', 'clients.name as client_name',
      'alerts.device_id', 'devices.name as device_name', 'alerts.check_id', 'checks.name as check_name', 'alerts.integration_id', 'alerts.title',
      'alerts.condition_since', 'alerts.raised_at', 'alerts.updated_at', 'alerts.acknowledged_at', 'alerts.acknowledged_by', 'alerts.dismissed_at',
      'alerts.dismissed_by', 'alerts.resolved_at', 'alerts.resolved_by',
    ]);
    return page(q, 'alerts', r, after, limit).execute();
  }

  async audit(r: ExportRange, after: string | null, limit: number) {
    return page(this.db.selectFrom('audit_log').selectAll(), 'audit_log', r, after, limit).execute();
  }
}
