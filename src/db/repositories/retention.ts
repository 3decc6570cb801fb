// Deletes old rows in small batches by primary key: ids are UUIDv7, so "older than" is an id range
// and each batch is an index range delete that holds the writer only briefly.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.js';

export type RetainedTable = 'jobs' | 'check_logs' | 'audit_log' | 'outbox' | 'deliveries';

export class RetentionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Deletes up to `limit` rows with ids below `beforeId`; answers how many went. */
  async deleteBatch(table: RetainedTable, beforeId: string, limit: number): Promise<number> {
    // The outbox keeps what the notifier has not handled yet, and deliveries what is still to be
    // sent, however old.
    const pending = table === 'outbox' ? sql` AND processed_at IS NOT NULL` : table === 'deliveries' ? sql` AND state <> 'pending'` : sql``;
    const r = await sql`DELETE FROM ${sql.table(table)} WHERE id IN (SELECT id FROM ${sql.table(table)} WHERE id < ${beforeId}${pending} ORDER BY id LIMIT ${limit})`.execute(
      this.db,
    );
    return Number(r.numAffectedRows ?? 0);
  }

  /** Takes (or renews) a named lease for `holder`; true when it holds it now. */
  async lease(name: string, holder: string, now: number, ms: number): Promise<boolean> {
    await this.db
      .insertInto('leases')
      .values({ name, holder, until: now + ms })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, until: now + ms })
          .where((eb) => eb.or([eb('leases.until', '<', now), eb('leases.holder', '=', holder)])),
      )
      .execute();
    const row = await this.db.selectFrom('leases').select('holder').where('name', '=', name).executeTakeFirst();
    return row?.holder === holder;
  }
}
