// A job report as the API receives it (SPEC §8 payload, already shape-checked by its schema) →
// a NormalisedJob: what a schema cannot check (times, order, blank names), then buildJob.
import { type FieldProblem, ValidationError } from './errors.js';
import type { DeviceFacts, JobReport, NormalisedJob } from './job.js';
import { buildJob, cleanName, FUTURE_TOLERANCE_MS } from './job-build.js';
import { normaliseTags } from './tags.js';

function time(value: string | null | undefined, field: string, now: number | null, problems: FieldProblem[]): number | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    problems.push({ field, message: 'must be an ISO-8601 date-time' });
    return null;
  }
  if (now !== null && ms > now + FUTURE_TOLERANCE_MS) {
    problems.push({
      field,
      message: `must not be more than ${FUTURE_TOLERANCE_MS / 60_000} minutes ahead of the server's clock (${new Date(now).toISOString()}); check the reporting machine's clock and time zone`,
    });
    return null;
  }
  return ms;
}

/** A report's tags, normalised; a bad one is a problem naming it (`jobs[0].device.tags[2]`). */
function tags(values: string[] | null | undefined, field: string, problems: FieldProblem[]): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  try {
    return normaliseTags(values, field);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    problems.push(...e.problems);
    return undefined;
  }
}

function facts(device: JobReport['device']): DeviceFacts | null {
  const f: DeviceFacts = {
    storageUsedBytes: device.storage_used_bytes ?? null,
    storageQuotaBytes: device.storage_quota_bytes ?? null,
    freeSpacePercent: device.free_space_percent ?? null,
    purgeable: device.purgeable ?? null,
  };
  return Object.values(f).every((v) => v === null) ? null : f;
}

/**
 * Turns a validated report into a NormalisedJob. `path` prefixes field names in errors
 * (`jobs[3]`). Shape and enum checks happen at the edge; this checks what a schema cannot.
 * `now` (the server's clock): a time more than FUTURE_TOLERANCE_MS ahead of it is refused;
 * null (a trusted loader such as the demo) skips that check.
 */
export function normaliseJob(report: JobReport, path = '', now: number | null = null): NormalisedJob {
  const problems: FieldProblem[] = [];
  const at = (f: string) => (path ? `${path}.${f}` : f);
  const startedAt = time(report.started_at, at('started_at'), now, problems);
  const endedAt = time(report.ended_at, at('ended_at'), now, problems);
  if (startedAt !== null && endedAt !== null && endedAt < startedAt) {
    problems.push({ field: at('ended_at'), message: 'must not be before started_at' });
  }
  for (const [field, value] of [
    ['source', report.source],
    ['device.name', report.device.name],
    ['check.name', report.check?.name],
  ] as const) {
    if (value !== undefined && cleanName(value) === '') problems.push({ field: at(field), message: 'must not be blank' });
  }
  if (report.client !== undefined && report.client !== null && cleanName(report.client) === '') {
    problems.push({ field: at('client'), message: 'must not be blank' });
  }
  const deviceTags = tags(report.device.tags, at('device.tags'), problems);
  const checkTags = tags(report.check?.tags, at('check.tags'), problems);
  if (problems.length > 0) throw new ValidationError(problems);

  return buildJob({
    source: report.source,
    externalId: report.external_id,
    clientName: report.client,
    device: { name: report.device.name, class: report.device.class, type: report.device.type, facts: facts(report.device), tags: deviceTags },
    check: report.check ? { ...report.check, tags: checkTags } : report.check,
    status: report.status,
    rawStatus: report.raw_status,
    operation: report.operation,
    trigger: report.trigger,
    startedAt,
    endedAt,
    durationMs: report.duration_seconds != null ? Math.round(report.duration_seconds * 1000) : undefined,
    bytes: report.bytes,
    message: report.message,
    errorCode: report.error_code,
    reason: report.reason,
    healthReplication: report.health?.replication,
    healthFailover: report.health?.failover,
    log: report.log,
    raw: report,
  });
}
