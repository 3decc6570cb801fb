// Ping URLs for scripts: `/ping/<key>` (success), `/start`, `/fail`, `/warn`, `/<exit-code>`.
// The adapter only parses; the job goes through recordJobs like every other.
import type { JobStatus } from '../../domain/job.js';
import { buildJob, MAX_LOG_BYTES } from '../../domain/job-build.js';
import type { PingTarget } from '../../db/repositories/ingest.js';
import type { IngestJob } from '../service.js';

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

export function pingJob(
  target: PingTarget,
  signal: PingSignal,
  input: { body: string | null; runId: string | null; now: number; userAgent?: string },
): IngestJob {
  const { status, raw } = statusOf(signal);
  const starting = status === 'running';
  const failedWith = typeof signal === 'object' && signal.exitCode !== 0 ? signal.exitCode : null;
  return {
    target,
    pairWithOpenRun: input.runId === null,
    ...buildJob({
      source: 'ping',
      externalId: input.runId === null ? null : `${target.checkId}:${input.runId}`,
      device: { name: '' },
      check: null,
      status,
      rawStatus: raw,
      startedAt: starting ? input.now : null,
      endedAt: starting ? null : input.now,
      message: failedWith === null ? null : `exit code ${failedWith}`,
      errorCode: failedWith === null ? null : String(failedWith),
      log: input.body || null,
      logCut: { maxBytes: MAX_LOG_BYTES, note: `truncated at ${MAX_LOG_BYTES / 1000} kB` },
      raw: { signal: raw, run_id: input.runId, user_agent: input.userAgent ?? null },
    }),
  };
}
