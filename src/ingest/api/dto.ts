// Jobs as the API shows them (schemas.ts): epoch milliseconds become ISO-8601; a JSON report is parsed.
import type { Static } from 'typebox';
import type { JobReviewRow, JobRow } from '../../db/schema.js';
import type { JobListItem } from '../../catalog/catalog.js';
import { toIso } from '../../lib/time.js';
import type { JobDetailSchema, JobSchema, ReviewSchema } from './schemas.js';
import { boundedOrNull, storedIso } from '../../domain/limits.js';

const iso = storedIso;

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
    duration_seconds: j.duration_ms === null ? null : boundedOrNull(j.duration_ms / 1000, 0),
    bytes: boundedOrNull(j.bytes, 0),
    message: j.message,
    error_code: j.error_code,
    reason: j.reason,
    health:
      j.health_replication === null && j.health_failover === null
        ? null
        : { replication: j.health_replication, failover: j.health_failover },
    received_at: iso(j.received_at),
    updated_at: iso(j.updated_at),
    clock_skew: Number(j.clock_skew) === 1,
    review: j.review ? reviewDto(j.review) : null,
  };
}

export function reviewDto(r: JobReviewRow): Static<typeof ReviewSchema> {
  return { by: r.by_name, at: iso(Number(r.at)), note: r.note, ticket: r.ticket };
}

export function jobDetailDto(j: JobRow & { review?: JobReviewRow | null }): Static<typeof JobDetailSchema> {
  let raw: unknown = j.raw;
  try {
    raw = JSON.parse(j.raw);
  } catch {
    // Sources that are not JSON (e-mail, ping bodies) keep their raw text.
  }
  return { ...jobDto(j), log: j.log, raw };
}
