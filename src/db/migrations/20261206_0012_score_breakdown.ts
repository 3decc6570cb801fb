// Why a device's score is what it is: the factors that took points off 100, as JSON text
// (`[{factor, impact, detail}]`), written with the score by the evaluator. Every device is made
// due for evaluation once, so existing devices get their breakdown (and the storage cap) at once.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('score_breakdown', 'text').execute();
  await sql`UPDATE devices SET next_eval_at = 0`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
