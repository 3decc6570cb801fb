import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export class SettingsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Pass the transaction when inside one: on SQLite, a query outside it would wait for it forever. */
  async get(scope: string, tx: Kysely<DB> = this.db): Promise<string | null> {
    return (await tx.selectFrom('settings').select('doc').where('scope', '=', scope).executeTakeFirst())?.doc ?? null;
  }

  async put(scope: string, doc: string, now: number, by: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ scope, doc, updated_at: now, updated_by: by })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ doc, updated_at: now, updated_by: by }))
      .execute();
  }

  async remove(scope: string): Promise<void> {
    await this.db.deleteFrom('settings').where('scope', '=', scope).execute();
  }
}
