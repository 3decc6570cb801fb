// The one constructor of a NormalisedJob. Every source (API, ping, e-mail, each connector) says
// what it knows as a JobInput; buildJob fills the defaults and applies the limits, here only.
import type {
  CheckKind,
  CopyTier,
  DeviceClass,
  DeviceFacts,
  HealthLevel,
  JobStatus,
  NormalisedJob,
  Operation,
  Reason,
  Trigger,
} from './job.js';

// The limits of a job's fields, in characters (code points, as the API's JSON schema counts them).
/** Client, device and check names. */
export const MAX_NAME_LENGTH = 200;
export const MAX_SOURCE_LENGTH = 200;
/** Checked by the API's schema only: a cut id would merge jobs that are not the same. */
export const MAX_EXTERNAL_ID_LENGTH = 500;
export const MAX_DEVICE_TYPE_LENGTH = 100;
export const MAX_RAW_STATUS_LENGTH = 200;
export const MAX_ERROR_CODE_LENGTH = 200;
export const MAX_MESSAGE_LENGTH = 10_000;
/** A report's log (checked by the API's schema). */
export const MAX_LOG_LENGTH = 100_000;
/** A ping's request body is kept as its log up to this many bytes of UTF-8. */
export const MAX_LOG_BYTES = 100_000;
/** How far ahead of the server's clock a reported time may be: the API refuses more, e-mail and
 * connectors store the received time instead (clampFuture). */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;

/**
 * How a source keeps the start of a long text as its log, and the note put after the cut:
 * `maxBytes` of UTF-8 (never splitting a character) or `maxChars` UTF-16 units (string length).
 */
export type LogCut = { maxBytes: number; note: string } | { maxChars: number; note: string };

/** What a source knows of a job. Only source, device name and status are required. */
export interface JobInput {
  source: string;
  /** null or absent: the source gave no id (see NormalisedJob.externalId). */
  externalId?: string | null;
  clientName?: string | null;
  /** class defaults to `server`, type to the class, facts to none. */
  device: { name: string; class?: DeviceClass | null; type?: string | null; facts?: DeviceFacts | null; tags?: string[] };
  /**
   * Absent: the default check of the operation (`Backup` for a backup, none for a management
   * operation). null: no check. A check without a kind takes the operation's; a copy is `hot`
   * unless it says otherwise.
   */
  check?: { name: string; kind?: CheckKind | null; tier?: CopyTier | null; tags?: string[] } | null;
  status: JobStatus;
  /** Defaults to the status. */
  rawStatus?: string | null;
  /** Defaults to `backup`. */
  operation?: Operation | null;
  /** Defaults to `scheduled`. */
  trigger?: Trigger | null;
  startedAt?: number | null;
  endedAt?: number | null;
  /** Absent: from startedAt to endedAt when both are known. null: unknown. */
  durationMs?: number | null;
  bytes?: number | null;
  message?: string | null;
  errorCode?: string | null;
  reason?: Reason | null;
  healthReplication?: HealthLevel | null;
  healthFailover?: HealthLevel | null;
  log?: string | null;
  /** Absent: the log is kept as given. */
  logCut?: LogCut;
  /** The payload as the source gave it; kept as JSON text. */
  raw: unknown;
}

const DEFAULT_CHECK_BY_OPERATION: Partial<Record<Operation, { name: string; kind: CheckKind }>> = {
  backup: { name: 'Backup', kind: 'backup' },
  copy: { name: 'Backup copy', kind: 'copy' },
  replication: { name: 'Replication', kind: 'replication' },
  verification: { name: 'Restore test', kind: 'verification' },
};

const KIND_BY_OPERATION: Partial<Record<Operation, CheckKind>> = {
  copy: 'copy',
  replication: 'replication',
  verification: 'verification',
};

/** A name as stored: trimmed, whitespace collapsed. */
export function cleanName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** At most `max` characters: a value the API's schema accepts is never cut. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max).join('');
}

const cutOrNull = (s: string | null | undefined, max: number) => (s == null ? null : cut(s, max));

const name = (s: string) => cut(cleanName(s), MAX_NAME_LENGTH);

function cutLog(text: string, how: LogCut | undefined): string {
  if (how === undefined) return text;
  let kept: string;
  if ('maxBytes' in how) {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length <= how.maxBytes) return text;
    // A character split by the cut decodes as U+FFFD: drop it.
    kept = new TextDecoder().decode(bytes.subarray(0, how.maxBytes)).replace(/\uFFFD$/, '');
  } else {
    if (text.length <= how.maxChars) return text;
    kept = text.slice(0, how.maxChars);
  }
  return `${kept}\n[… ${how.note}]`;
}

function resolveCheck(check: JobInput['check'], operation: Operation): NormalisedJob['check'] {
  if (check === null) return null;
  if (check !== undefined) {
    const kind = check.kind ?? KIND_BY_OPERATION[operation] ?? 'backup';
    return { name: name(check.name), kind, tier: kind === 'copy' ? (check.tier ?? 'hot') : null, ...(check.tags?.length && { tags: check.tags }) };
  }
  const fallback = DEFAULT_CHECK_BY_OPERATION[operation];
  return fallback ? { ...fallback, tier: fallback.kind === 'copy' ? 'hot' : null } : null;
}

/** The NormalisedJob for what a source knows: defaults filled, every limit applied. */
export function buildJob(input: JobInput): NormalisedJob {
  const operation = input.operation ?? 'backup';
  const startedAt = input.startedAt ?? null;
  const endedAt = input.endedAt ?? null;
  const deviceClass = input.device.class ?? 'server';
  return {
    source: cut(input.source.trim(), MAX_SOURCE_LENGTH),
    externalId: input.externalId ?? null,
    clientName: input.clientName ? name(input.clientName) : null,
    device: {
      name: name(input.device.name),
      class: deviceClass,
      type: cut(input.device.type ?? deviceClass, MAX_DEVICE_TYPE_LENGTH),
      facts: input.device.facts ?? null,
      ...(input.device.tags?.length && { tags: input.device.tags }),
    },
    check: resolveCheck(input.check, operation),
    status: input.status,
    rawStatus: cut(input.rawStatus ?? input.status, MAX_RAW_STATUS_LENGTH),
    operation,
    trigger: input.trigger ?? 'scheduled',
    startedAt,
    endedAt,
    durationMs: input.durationMs !== undefined ? input.durationMs : startedAt !== null && endedAt !== null ? endedAt - startedAt : null,
    bytes: input.bytes ?? null,
    message: cutOrNull(input.message, MAX_MESSAGE_LENGTH),
    errorCode: cutOrNull(input.errorCode, MAX_ERROR_CODE_LENGTH),
    reason: input.reason ?? null,
    healthReplication: input.healthReplication ?? null,
    healthFailover: input.healthFailover ?? null,
    log: input.log == null ? null : cutLog(input.log, input.logCut),
    raw: JSON.stringify(input.raw),
    clockSkew: false,
  };
}

/**
 * For sources that cannot be refused (e-mail, connectors): a start or end more than
 * FUTURE_TOLERANCE_MS after `receivedAt` is replaced by `receivedAt` and the job is flagged
 * `clockSkew`. The duration is kept as reported (a skewed clock still measures it right).
 */
export function clampFuture<J extends NormalisedJob>(job: J, receivedAt: number): J {
  const ahead = (t: number | null) => t !== null && t > receivedAt + FUTURE_TOLERANCE_MS;
  if (!ahead(job.startedAt) && !ahead(job.endedAt)) return job;
  return {
    ...job,
    startedAt: ahead(job.startedAt) ? receivedAt : job.startedAt,
    endedAt: ahead(job.endedAt) ? receivedAt : job.endedAt,
    clockSkew: true,
  };
}
