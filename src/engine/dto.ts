// Rows to API shapes (alert-schemas.ts, schemas.ts): epoch milliseconds become ISO-8601, JSON text is parsed.
import type { Static } from 'typebox';
import type { AlertListRow } from '../db/repositories/alerts.js';
import type { AlertEventRow, IntegrationHealthRow, MaintenanceWindowRow } from '../db/schema.js';
import { toIso } from '../lib/time.js';
import type { AlertEventSchema, AlertSchema } from './alert-schemas.js';
import type { IntegrationSchema, WindowSchema } from './schemas.js';
import { boundedOrNull, storedIso, storedJson } from '../domain/limits.js';

const iso = storedIso;

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
    detail: storedJson<unknown>(a.detail, null),
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
    duration_minutes: w.duration_ms === null ? null : boundedOrNull(w.duration_ms / 60_000, 0),
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
