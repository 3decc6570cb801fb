// Issue #23: a device queued by a job that may raise an alert (a status other than succeeded or
// running) is evaluated ahead of the rest of a deep queue. `urgent_seq` is the enqueue (seq) that
// made the entry urgent; an evaluation that read past it clears it. `not_before`: a device whose
// jobs kept coming while it was evaluated waits that long before the background loop takes it
// again, unless urgent (docs/engine.md, "The queue").
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('eval_queue').addColumn('urgent_seq', 'text').execute();
  await db.schema.alterTable('eval_queue').addColumn('not_before', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
