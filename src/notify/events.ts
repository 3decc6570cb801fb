// An open alert as the event a channel is sent (digests, repeats, pages).
import type { NamedAlert } from '../db/repositories/notify-reads.js';
import type { AlertEvent } from '../domain/notify.js';
import type { Severity } from '../domain/settings.js';
import { toIso } from '../lib/time.js';

export function eventOf(a: NamedAlert, topic: AlertEvent['event'], now: number): AlertEvent {
  return {
    event: topic,
    at: new Date(now).toISOString(),
    alert: {
      id: a.id,
      type: a.type,
      severity: a.severity as Severity,
      state: a.state,
      scope: a.scope,
      client_id: a.client_id,
      client_name: a.client_name,
      device_id: a.device_id,
      device_name: a.device_name,
      check_id: a.check_id,
      check_name: a.check_name,
      integration_id: a.integration_id,
      integration_name: null,
      title: a.title,
      detail: JSON.parse(a.detail) as unknown,
      condition_since: toIso(a.condition_since),
      raised_at: toIso(a.raised_at),
      resolved_at: toIso(a.resolved_at),
    },
  };
}
