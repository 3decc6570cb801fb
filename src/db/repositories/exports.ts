// Exports walk a table's primary key in batches: UUIDv7 ids begin with the time the row was made,
// so "received (or raised, or logged) in a period" is an id range, read by keyset without OFFSET
// and without holding more than one batch in memory.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface ExportRange {
  /** Ids in [fromId, toId). */
  fromId: string;
  toId: string;
  clientIds: readonly string[] | null;
  client?: string;
}

const scoped = (ids: readonly string[] | null) => (ids === null ? null : ids.length ? [...ids] : ['']);

export class ExportRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async jobs(r: ExportRange, after: string | null, limit: number) {
    let q = this.db
      .selectFrom('jobs')
      .leftJoin('clients', 'clients.id', 'jobs.client_id')
      .leftJoin('devices', 'devices.id', 'jobs.device_id')
      .leftJoin('checks', 'checks.id', 'jobs.check_id')
      .select([
        'jobs.id',
        'jobs.received_at',
        'jobs.updated_at',
        'jobs.client_id',
        'clients.name as client_name',
        'jobs.device_id',
        'devices.name as device_name',
        'devices.class as device_class',
        'jobs.check_id',
        'checks.name as check_name',
        'checks.kind as check_kind',
        'jobs.source',
        'jobs.external_id',
        'jobs.status',
        'jobs.raw_status',
        'jobs.operation',
        'jobs.trigger',
        'jobs.started_at',
        'jobs.ended_at',
        'jobs.duration_ms',
        'jobs.bytes',
        'jobs.message',
        'jobs.error_code',
        'jobs.reason',
        'jobs.health_replication',
        'jobs.health_failover',
      ])
      .where('jobs.id', '>', after ?? r.fromId)
      .where('jobs.id', '<', r.toId)
      .orderBy('jobs.id')
      .limit(limit);
    const ids = scoped(r.clientIds);
    if (ids) q = q.where('jobs.client_id', 'in', ids);
    if (r.client) q = q.where('jobs.client_id', '=', r.client);
    return q.execute();
  }

  async alerts(r: ExportRange, after: string | null, limit: number) {
    let q = this.db
      .selectFrom('alerts')
      .leftJoin('clients', 'clients.id', 'alerts.client_id')
      .leftJoin('devices', 'devices.id', 'alerts.device_id')
      .leftJoin('checks', 'checks.id', 'alerts.check_id')
      .select([
        'alerts.id',
        'alerts.type',
        'alerts.severity',
        'alerts.state',
        'alerts.scope',
        'alerts.client_id',
        'clients.name as client_name',
        'alerts.device_id',
        'devices.name as device_name',
        'alerts.check_id',
        'checks.name as check_name',
        'alerts.integration_id',
        'alerts.title',
        'alerts.condition_since',
        'alerts.raised_at',
        'alerts.updated_at',
        'alerts.acknowledged_at',
        'alerts.acknowledged_by',
        'alerts.dismissed_at',
        'alerts.dismissed_by',
        'alerts.resolved_at',
        'alerts.resolved_by',
      ])
      .where('alerts.id', '>', after ?? r.fromId)
      .where('alerts.id', '<', r.toId)
      .orderBy('alerts.id')
      .limit(limit);
    const ids = scoped(r.clientIds);
    if (ids) q = q.where('alerts.client_id', 'in', ids);
    if (r.client) q = q.where('alerts.client_id', '=', r.client);
    return q.execute();
  }

  async audit(r: ExportRange, after: string | null, limit: number) {
    let q = this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', after ?? r.fromId)
      .where('id', '<', r.toId)
      .orderBy('id')
      .limit(limit);
    const ids = scoped(r.clientIds);
    if (ids) q = q.where('client_id', 'in', ids);
    if (r.client) q = q.where('client_id', '=', r.client);
    return q.execute();
  }
}
