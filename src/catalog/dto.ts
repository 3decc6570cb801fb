// Rows to API shapes (schemas.ts): epoch milliseconds become ISO-8601, 0/1 become booleans, JSON text is parsed.
import type { Static } from 'typebox';
import type { CheckRow } from '../db/schema.js';
import type { ClientSummary, DeviceWithChecks } from './catalog.js';
import { boundedOrNull, storedIso, storedJson } from '../domain/limits.js';
import { toIso } from '../lib/time.js';
import { badgeUrl, statusPageUrl } from '../public/urls.js';
import type { CheckSchema, ClientSchema, DeviceSchema } from './schemas.js';

/** Stored values are guarded, not trusted: a database written before the bounds existed may hold an
 * infinite grace or a time out of range, and one such row must not fail every list that shows it. */
const iso = storedIso;
const json = storedJson;
const seconds = (ms: number | null) => (ms === null ? null : boundedOrNull(ms / 1000, 0));

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
          interval_seconds: seconds(c.interval_ms),
          cron: c.cron,
          tz: c.tz,
          inferred: c.schedule_inferred === 1,
        }
      : null,
    grace_seconds: seconds(c.grace_ms),
    max_runtime_seconds: seconds(c.max_runtime_ms),
    paused: c.paused === 1,
    ping_url: `${publicUrl}/ping/${c.ping_key}`,
    email_address: `${c.ping_key}@${mailDomain}`,
    badge_url: badgeUrl(publicUrl, c.badge_key),
    email: json(c.email_rules, null),
    tags: json<string[]>(c.tags, []),
    last_job_at: toIso(c.last_job_at),
    last_good_at: toIso(c.last_good_at),
    last_status: c.last_status,
    consecutive_failures: Math.max(0, Math.trunc(boundedOrNull(c.consecutive_failures, 0) ?? 0)),
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
    tags: json<string[]>(d.tags, []),
    status: d.status as Static<typeof DeviceSchema>['status'],
    score: Math.round(boundedOrNull(d.score, 0, 100) ?? 0),
    score_breakdown: json(d.score_breakdown, []),
    last_good_at: toIso(d.last_good_at),
    last_job_at: toIso(d.last_job_at),
    retired_at: toIso(d.retired_at),
    retired_manually_at: toIso(d.retired_manually_at),
    storage_used_bytes: boundedOrNull(d.storage_used_bytes, 0),
    storage_quota_bytes: boundedOrNull(d.storage_quota_bytes, 0),
    free_space_percent: boundedOrNull(d.free_space_percent, 0, 100),
    purgeable: d.purgeable === null ? null : d.purgeable === 1,
    created_at: iso(d.created_at),
    checks: checks.map((c) => checkDto(c, publicUrl, mailDomain)),
  };
}

export function clientDto({ client, deviceCount, rollup, openAlerts }: ClientSummary, mailDomain: string, publicUrl: string): Static<typeof ClientSchema> {
  return {
    id: client.id,
    name: client.name,
    device_count: deviceCount,
    rollup,
    open_alerts: openAlerts,
    email_address: `backups+${client.inbound_key}@${mailDomain}`,
    badge_url: badgeUrl(publicUrl, client.badge_key),
    status_page: client.status_page === 1,
    status_page_url: client.status_page === 1 && client.status_page_key !== null ? statusPageUrl(publicUrl, client.status_page_key) : null,
    ping_key: client.ping_key,
    created_at: iso(client.created_at),
  };
}
