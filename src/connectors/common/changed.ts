// What a sync re-reads in its overlap window is mostly stored already: only jobs that are new or
// changed (another status, or a size now known that was not) are emitted again.
import type { NormalisedJob } from '../../domain/job.js';
import type { KnownJob, SyncContext } from '../types.js';

/** The jobs that are new or changed since stored, and what is stored of them all. */
export async function changedJobs(ctx: Pick<SyncContext, 'known'>, jobs: NormalisedJob[]): Promise<{ changed: NormalisedJob[]; known: Map<string, KnownJob> }> {
  if (jobs.length === 0) return { changed: [], known: new Map() };
  const known = await ctx.known(jobs.map((j) => j.externalId!));
  const changed = jobs.filter((j) => {
    const k = known.get(j.externalId!);
    return k === undefined || k.rawStatus !== j.rawStatus || (j.bytes !== null && !k.hasBytes);
  });
  return { changed, known };
}

/** Stores jobs and counts them: `jobs_recorded` (sent) and `jobs_created` (new). */
export async function emitCounted(ctx: Pick<SyncContext, 'emit'>, jobs: NormalisedJob[], counts: Record<string, number>): Promise<void> {
  if (jobs.length === 0) return;
  const { created } = await ctx.emit(jobs);
  counts.jobs_recorded = (counts.jobs_recorded ?? 0) + jobs.length;
  counts.jobs_created = (counts.jobs_created ?? 0) + created;
}

/** Emits what changed of `jobs`, counting `jobs_unchanged` too. */
export async function emitChanged(ctx: Pick<SyncContext, 'known' | 'emit'>, jobs: NormalisedJob[], counts: Record<string, number>): Promise<void> {
  const { changed } = await changedJobs(ctx, jobs);
  counts.jobs_unchanged = (counts.jobs_unchanged ?? 0) + jobs.length - changed.length;
  await emitCounted(ctx, changed, counts);
}
