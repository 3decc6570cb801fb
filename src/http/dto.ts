// Rows to API shapes: epoch milliseconds become ISO-8601, 0/1 become booleans, JSON text is parsed.
import type { Static } from 'typebox';
import type { AlertListRow } from '../db/repositories/alerts.js';
import type { AlertEventRow, CheckRow, IntegrationHealthRow, JobRow, MaintenanceWindowRow } from '../db/schema.js';
import type { ClientSummary, DeviceWithChecks, JobListItem } from '../catalog/catalog.js';
import { toIso } from '../lib/time.js';
import type {
  AlertEventSchema,
  AlertSchema,
  CheckSchema,
  ClientSchema,
  DeviceSchema,
  IntegrationSchema,
  JobDetailSchema,
  JobSchema,
  WindowSchema,
} from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function checkDto(c: CheckRow, publicUrl: string, mailDomain = new URL(publicUrl).hostname): Static<typeof CheckSchema> {
  return {
    id: c.id,
    device_id: c.device_id,
    client_id: c.client_id,
    name: c.name,
    kind: c.kind as Static<typeof CheckSchema>['kind'],
    tier: c.tier,
    state: (c.paused ? 'paused' : c.state) as Static<typeof CheckSchema>['state'],
    schedule: c.schedule_type
      ? {
          type: c.schedule_type,
          interval_seconds: c.interval_ms === null ? null : c.interval_ms / 1000,
          cron: c.cron,
          tz: c.tz,
          inferred: c.schedule_inferred === 1,
        }
      : null,
    grace_seconds: c.grace_ms === null ? null : c.grace_ms / 1000,
    paused: c.paused === 1,
    ping_url: `${publicUrl}/ping/${c.ping_key}`,
    email_address: `${c.ping_key}@${mailDomain}`,
    email: c.email_rules === null ? null : JSON.parse(c.email_rules),
    last_job_at: toIso(c.last_job_at),
    last_good_at: toIso(c.last_good_at),
    last_status: c.last_status,
    consecutive_failures: c.consecutive_failures,
    next_due_at: toIso(c.next_due_at),
    created_at: iso(c.created_at),
  };
}

export function deviceDto({ device: d, checks }: DeviceWithChecks, publicUrl: string, mailDomain?: string): Static<typeof DeviceSchema> {
  return {
    id: d.id,
    name: d.name,
    client_id: d.client_id,
    class: d.class as Static<typeof DeviceSchema>['class'],
    type: d.type,
    tags: JSON.parse(d.tags) as string[],
    status: d.status as Static<typeof DeviceSchema>['status'],
    score: d.score,
    last_good_at: toIso(d.last_good_at),
    last_job_at: toIso(d.last_job_at),
    retired_at: toIso(d.retired_at),
    storage_used_bytes: d.storage_used_bytes,
    storage_quota_bytes: d.storage_quota_bytes,
    free_space_percent: d.free_space_percent,
    purgeable: d.purgeable === null ? null : d.purgeable === 1,
    created_at: iso(d.created_at),
    checks: checks.map((c) => checkDto(c, publicUrl, mailDomain)),
  };
}

export function clientDto({ client, deviceCount, rollup, openAlerts }: ClientSummary, mailDomain: string): Static<typeof ClientSchema> {
  return {
    id: client.id,
    name: client.name,
    device_count: deviceCount,
    rollup,
    open_alerts: openAlerts,
    email_address: `backups+${client.inbound_key}@${mailDomain}`,
    created_at: iso(client.created_at),
  };
}

export function alertDto(a: AlertListRow): Static<typeof AlertSchema> {
  return {
    id: a.id,
    type: a.type as Static<typeof AlertSchema>['type'],
    severity: a.severity as Static<typeof AlertSchema>['severity'],
    state: a.state as Static<typeof AlertSchema>['state'],
    scope: a.scope as Static<typeof AlertSchema>['scope'],
    client_id: a.client_id,
    client_name: a.client_name,
    device_id: a.device_id,
    device_name: a.device_name,
    check_id: a.check_id,
    check_name: a.check_name,
    integration_id: a.integration_id,
    title: a.title,
    detail: JSON.parse(a.detail) as unknown,
    condition_since: iso(a.condition_since),
    raised_at: iso(a.raised_at),
    updated_at: iso(a.updated_at),
    acknowledged_at: toIso(a.acknowledged_at),
    acknowledged_by: a.acknowledged_by,
    ack_note: a.ack_note,
    dismissed_at: toIso(a.dismissed_at),
    dismissed_by: a.dismissed_by,
    dismissed_until: toIso(a.dismissed_until),
    resolved_at: toIso(a.resolved_at),
    resolved_by: a.resolved_by,
    replaces_id: a.replaces_id,
  };
}

export function alertEventDto(e: AlertEventRow): Static<typeof AlertEventSchema> {
  return {
    at: iso(e.at),
    kind: e.kind,
    actor_type: e.actor_type,
    actor_name: e.actor_name,
    from_severity: e.from_severity,
    to_severity: e.to_severity,
    note: e.note,
  };
}

export function windowDto(w: MaintenanceWindowRow): Static<typeof WindowSchema> {
  return {
    id: w.id,
    client_id: w.client_id,
    scope: w.scope,
    scope_id: w.scope_id,
    kind: w.kind,
    starts_at: toIso(w.starts_at),
    ends_at: toIso(w.ends_at),
    cron: w.cron,
    tz: w.tz,
    duration_minutes: w.duration_ms === null ? null : w.duration_ms / 60_000,
    reason: w.reason,
    created_at: iso(w.created_at),
    created_by: w.created_by,
  };
}

export function integrationDto(i: IntegrationHealthRow): Static<typeof IntegrationSchema> {
  return {
    id: i.id,
    name: i.name,
    type: i.type,
    source: i.source,
    healthy: i.auth_error === null && i.quota_error === null,
    auth_error: i.auth_error,
    auth_since: toIso(i.auth_since),
    quota_error: i.quota_error,
    quota_since: toIso(i.quota_since),
    last_success_at: toIso(i.last_success_at),
  };
}

export function jobDto(j: JobListItem): Static<typeof JobSchema> {
  return {
    id: j.id,
    client_id: j.client_id,
    device_id: j.device_id,
    check_id: j.check_id,
    source: j.source,
    external_id: j.external_id,
    status: j.status as Static<typeof JobSchema>['status'],
    raw_status: j.raw_status,
    operation: j.operation,
    trigger: j.trigger,
    started_at: toIso(j.started_at),
    ended_at: toIso(j.ended_at),
    duration_seconds: j.duration_ms === null ? null : j.duration_ms / 1000,
    bytes: j.bytes,
    message: j.message,
    error_code: j.error_code,
    reason: j.reason,
    health:
      j.health_replication === null && j.health_failover === null
        ? null
        : { replication: j.health_replication, failover: j.health_failover },
    received_at: iso(j.received_at),
    updated_at: iso(j.updated_at),
  };
}

export function jobDetailDto(j: JobRow): Static<typeof JobDetailSchema> {
  let raw: unknown = j.raw;
  try {
    raw = JSON.parse(j.raw);
  } catch {
    // Sources that are not JSON (e-mail, ping bodies) keep their raw text.
  }
  return { ...jobDto(j), log: j.log, raw };
}
