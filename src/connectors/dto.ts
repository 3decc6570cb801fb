// Connector rows to API shapes.
import type { Static } from 'typebox';
import type { ConnectorRunRow } from '../db/schema.js';
import type { ConnectorView } from './service.js';
import type { ConnectorRunSchema, ConnectorSchema } from './schemas.js';
import { healthDto } from '../http/schemas.js';
import { boundedOrNull, storedIso, storedJson } from '../domain/limits.js';

const iso = storedIso;

export function connectorDto(v: ConnectorView): Static<typeof ConnectorSchema> {
  const r = v.row;
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    source: r.source,
    enabled: r.enabled === 1,
    interval_minutes: boundedOrNull(r.interval_ms / 60_000, 0) ?? 0,
    config: v.config,
    running: v.running,
    ...healthDto(v.health),
    next_run_at: iso(r.next_run_at),
    last_run:
      r.last_run_id !== null && r.last_run_at !== null
        ? { id: r.last_run_id, finished_at: iso(r.last_run_at), status: r.last_status ?? 'unknown', error: r.last_error }
        : null,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export function runDto(r: ConnectorRunRow): Static<typeof ConnectorRunSchema> {
  return {
    id: r.id,
    connector_id: r.connector_id,
    trigger: r.trigger as Static<typeof ConnectorRunSchema>['trigger'],
    status: r.status as Static<typeof ConnectorRunSchema>['status'],
    outcome: r.outcome,
    started_at: iso(r.started_at),
    finished_at: r.finished_at === null ? null : iso(r.finished_at),
    duration_ms: r.finished_at === null ? null : r.finished_at - r.started_at,
    counts: storedJson<Record<string, number>>(r.counts, {}),
    errors: storedJson<Static<typeof ConnectorRunSchema>['errors']>(r.errors, []),
    error: r.error,
  };
}
