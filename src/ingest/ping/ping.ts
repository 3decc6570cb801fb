// Ping URLs for scripts: `/ping/<key>` (success), `/start`, `/fail`, `/warn`, `/log`, `/<exit-code>`.
// The adapter only parses; the job goes through recordJobs like every other (a `/log` is no job:
// see names.ts).
import type { JobStatus } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';
import type { PingTarget } from '../../db/repositories/ingest.js';
import type { IngestJob } from '../service.js';

export type PingSignal = 'success' | 'start' | 'fail' | 'warn' | 'log' | { exitCode: number };
/** The signals that are runs (or their start); `log` is not. */
export type RunSignal = Exclude<PingSignal, 'log'>;

/** Parses the path segment after the key; null when it is none of ours. */
export function parseSignal(segment: string | undefined): PingSignal | null {
  if (segment === undefined || segment === '') return 'success';
  if (segment === 'start' || segment === 'fail' || segment === 'warn' || segment === 'log') return segment;
  if (/^\d{1,3}$/.test(segment)) {
    const code = Number(segment);
    return code <= 255 ? { exitCode: code } : null;
  }
  return null;
}

function statusOf(signal: RunSignal): { status: JobStatus; raw: string } {
  if (typeof signal === 'object') {
    return { status: signal.exitCode === 0 ? 'succeeded' : 'failed', raw: `exit ${signal.exitCode}` };
  }
  const status: Record<typeof signal, JobStatus> = { success: 'succeeded', start: 'running', fail: 'failed', warn: 'warning' };
  return { status: status[signal], raw: signal };
}

/** The job of a ping; `body` is already cut to the limit (body.ts keeps its end). */
export function pingJob(
  target: PingTarget,
  signal: RunSignal,
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
      raw: { signal: raw, run_id: input.runId, user_agent: input.userAgent ?? null },
    }),
  };
}
