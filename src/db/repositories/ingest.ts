// The statements on the path of every job. Hand-written and compiled once per dialect: this is
// the hottest code in Keepwatch (see docs/PERFORMANCE.md). Both dialects support
// `INSERT … ON CONFLICT … RETURNING`.
import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.js';
import { run, statement } from '../raw.js';
import type { DB } from '../schema.js';

type Tx = Kysely<DB>;

export interface JobWrite {
  id: string;
  clientId: string;
  deviceId: string;
  checkId: string | null;
  source: string;
  externalId: string;
  status: string;
  rawStatus: string;
  operation: string;
  trigger: string;
  startedAt: number | null;
  endedAt: number | null;
  occurredAt: number;
  durationMs: number | null;
  bytes: number | null;
  message: string | null;
  errorCode: string | null;
  reason: string | null;
  healthReplication: string | null;
  healthFailover: string | null;
  log: string | null;
  raw: string;
  receivedAt: number;
}

export interface FactsWrite {
  storageUsedBytes: number | null;
  storageQuotaBytes: number | null;
  freeSpacePercent: number | null;
  purgeable: boolean | null;
}

export interface PingTarget {
  checkId: string;
  deviceId: string;
  clientId: string;
}

export class IngestRepository {
  private readonly sql;

  constructor(dialect: Dialect) {
    const s = (text: string) => statement(dialect, text);
    this.sql = {
      client: s(`INSERT INTO clients (id, name, name_key, inbound_key, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (name_key) DO UPDATE SET name_key = excluded.name_key RETURNING id`),
      device: s(`INSERT INTO devices (id, client_id, name, name_key, class, type, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (client_id, name_key) DO UPDATE SET name_key = excluded.name_key RETURNING id`),
      check: s(`INSERT INTO checks (id, device_id, client_id, name, name_key, kind, tier, ping_key, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (device_id, name_key) DO UPDATE SET name_key = excluded.name_key RETURNING id`),
      // A stale `running` report (an overlapping pull window) never rewinds a finished job.
      job: s(`INSERT INTO jobs (id, client_id, device_id, check_id, source, external_id, status, raw_status,
          operation, trigger, started_at, ended_at, occurred_at, duration_ms, bytes, message, error_code, reason,
          health_replication, health_failover, log, raw, received_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (source, external_id) DO UPDATE SET
          client_id = excluded.client_id, device_id = excluded.device_id, check_id = excluded.check_id,
          status = excluded.status, raw_status = excluded.raw_status, operation = excluded.operation,
          trigger = excluded.trigger,
          started_at = COALESCE(excluded.started_at, jobs.started_at),
          ended_at = excluded.ended_at,
          occurred_at = CASE WHEN excluded.ended_at IS NOT NULL THEN excluded.ended_at
            ELSE COALESCE(excluded.started_at, jobs.started_at, jobs.received_at) END,
          duration_ms = COALESCE(excluded.duration_ms,
            CASE WHEN excluded.ended_at IS NOT NULL AND jobs.started_at IS NOT NULL
              THEN excluded.ended_at - jobs.started_at END),
          bytes = COALESCE(excluded.bytes, jobs.bytes),
          message = excluded.message, error_code = excluded.error_code, reason = excluded.reason,
          health_replication = COALESCE(excluded.health_replication, jobs.health_replication),
          health_failover = COALESCE(excluded.health_failover, jobs.health_failover),
          log = COALESCE(excluded.log, jobs.log),
          raw = excluded.raw, updated_at = excluded.updated_at
        WHERE NOT (excluded.status = 'running' AND jobs.status <> 'running')
        RETURNING id`),
      jobIdByKey: s('SELECT id FROM jobs WHERE source = ? AND external_id = ?'),
      facts: s(`UPDATE devices SET
          storage_used_bytes = COALESCE(?, storage_used_bytes),
          storage_quota_bytes = COALESCE(?, storage_quota_bytes),
          free_space_percent = COALESCE(?, free_space_percent),
          purgeable = COALESCE(?, purgeable),
          facts_updated_at = ?, updated_at = ?
        WHERE id = ?`),
      // Due now, unless something already made it due earlier.
      markDue: s(`UPDATE devices SET next_eval_at = ?
        WHERE id = ? AND (next_eval_at IS NULL OR next_eval_at > ?)`),
      pingTarget: s('SELECT id AS "checkId", device_id AS "deviceId", client_id AS "clientId" FROM checks WHERE ping_key = ?'),
      openPingRun: s(`SELECT external_id AS "externalId" FROM jobs
        WHERE check_id = ? AND source = 'ping' AND status = 'running' AND occurred_at >= ?
        ORDER BY occurred_at DESC LIMIT 1`),
      clientIdByKey: s('SELECT id FROM clients WHERE name_key = ?'),
    };
  }

  async upsertClient(tx: Tx, id: string, name: string, key: string, inboundKey: string, now: number): Promise<string> {
    const rows = await run<{ id: string }>(tx, this.sql.client, [id, name, key, inboundKey, now, now]);
    return rows[0]!.id;
  }

  async clientIdByKey(tx: Tx, key: string): Promise<string | null> {
    const rows = await run<{ id: string }>(tx, this.sql.clientIdByKey, [key]);
    return rows[0]?.id ?? null;
  }

  async upsertDevice(
    tx: Tx,
    d: { id: string; clientId: string; name: string; key: string; class: string; type: string },
    now: number,
  ): Promise<string> {
    const rows = await run<{ id: string }>(tx, this.sql.device, [d.id, d.clientId, d.name, d.key, d.class, d.type, now, now]);
    return rows[0]!.id;
  }

  async upsertCheck(
    tx: Tx,
    c: { id: string; deviceId: string; clientId: string; name: string; key: string; kind: string; tier: string | null; pingKey: string },
    now: number,
  ): Promise<string> {
    const params = [c.id, c.deviceId, c.clientId, c.name, c.key, c.kind, c.tier, c.pingKey, now, now];
    const rows = await run<{ id: string }>(tx, this.sql.check, params);
    return rows[0]!.id;
  }

  /** Inserts or updates by (source, external_id); answers the stored id. */
  async upsertJob(tx: Tx, j: JobWrite): Promise<string> {
    const rows = await run<{ id: string }>(tx, this.sql.job, [
      j.id, j.clientId, j.deviceId, j.checkId, j.source, j.externalId, j.status, j.rawStatus,
      j.operation, j.trigger, j.startedAt, j.endedAt, j.occurredAt, j.durationMs, j.bytes, j.message,
      j.errorCode, j.reason, j.healthReplication, j.healthFailover, j.log, j.raw, j.receivedAt, j.receivedAt,
    ]);
    if (rows[0]) return rows[0].id;
    // The update was refused (stale `running`): the stored job stands.
    const existing = await run<{ id: string }>(tx, this.sql.jobIdByKey, [j.source, j.externalId]);
    return existing[0]!.id;
  }

  async updateFacts(tx: Tx, deviceId: string, f: FactsWrite, now: number): Promise<void> {
    const purgeable = f.purgeable === null ? null : f.purgeable ? 1 : 0;
    await run(tx, this.sql.facts, [
      f.storageUsedBytes, f.storageQuotaBytes, f.freeSpacePercent, purgeable, now, now, deviceId,
    ]);
  }

  async markDue(tx: Tx, deviceId: string, at: number): Promise<void> {
    await run(tx, this.sql.markDue, [at, deviceId, at]);
  }

  async pingTarget(tx: Tx, pingKey: string): Promise<PingTarget | null> {
    const rows = await run<PingTarget>(tx, this.sql.pingTarget, [pingKey]);
    return rows[0] ?? null;
  }

  /** The external id of the newest unfinished ping run of a check that started after `since`. */
  async openPingRun(tx: Tx, checkId: string, since: number): Promise<string | null> {
    const rows = await run<{ externalId: string }>(tx, this.sql.openPingRun, [checkId, since]);
    return rows[0]?.externalId ?? null;
  }
}
