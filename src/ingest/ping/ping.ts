// Ping URLs for scripts: `/ping/<key>` (success), `/start`, `/fail`, `/warn`, `/<exit-code>`.
// The adapter only parses; the job goes through recordJobs like every other.
import type { JobStatus } from '../../domain/job.js';
import type { PingTarget } from '../../db/repositories/ingest.js';
import type { IngestJob } from '../service.js';

export const MAX_PING_LOG_BYTES = 100_000;

export type PingSignal = 'success' | 'start' | 'fail' | 'warn' | { exitCode: number };

/** Parses the path segment after the key; null when it is none of ours. */
export function parseSignal(segment: string | undefined): PingSignal | null {
  if (segment === undefined || segment === '') return 'success';
  if (segment === 'start' || segment === 'fail' || segment === 'warn') return segment;
  if (/^\d{1,3}$/.test(segment)) {
    const code = Number(segment);
    return code <= 255 ? { exitCode: code } : null;
  }
  return null;
}

function statusOf(signal: PingSignal): { status: JobStatus; raw: string } {
  if (typeof signal === 'object') {
    return { status: signal.exitCode === 0 ? 'succeeded' : 'failed', raw: `exit ${signal.exitCode}` };
  }
  const status: Record<typeof signal, JobStatus> = { success: 'succeeded', start: 'running', fail: 'failed', warn: 'warning' };
  return { status: status[signal], raw: signal };
}

/** Keeps the first 100 kB of a body, cut on a character boundary. */
export function truncateLog(body: string | null): string | null {
  if (body === null || body === '') return null;
  const buf = Buffer.from(body, 'utf8');
  if (buf.length <= MAX_PING_LOG_BYTES) return body;
  return `${buf.subarray(0, MAX_PING_LOG_BYTES).toString('utf8').replace(/\uFFFD$/, '')}\n[… truncated at 100 kB]`;
}

export function pingJob(
  target: PingTarget,
  signal: PingSignal,
  input: { body: string | null; runId: string | null; now: number; userAgent?: string },
): IngestJob {
  const { status, raw } = statusOf(signal);
  const starting = status === 'running';
  return {
    target,
    pairWithOpenRun: input.runId === null,
    source: 'ping',
    externalId: input.runId === null ? null : `${target.checkId}:${input.runId}`,
    clientName: null,
    device: { name: '', class: 'server', type: 'server', facts: null },
    check: null,
    status,
    rawStatus: raw,
    operation: 'backup',
    trigger: 'scheduled',
    startedAt: starting ? input.now : null,
    endedAt: starting ? null : input.now,
    durationMs: null,
    bytes: null,
    message: typeof signal === 'object' && signal.exitCode !== 0 ? `exit code ${signal.exitCode}` : null,
    errorCode: typeof signal === 'object' && signal.exitCode !== 0 ? String(signal.exitCode) : null,
    reason: null,
    healthReplication: null,
    healthFailover: null,
    log: truncateLog(input.body),
    raw: JSON.stringify({ signal: raw, run_id: input.runId, user_agent: input.userAgent ?? null }),
  };
}
