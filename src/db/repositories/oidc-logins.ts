// Pending OpenID Connect logins (src/auth/oidc/flow.ts): one row per redirect to the issuer.
import type { Kysely } from 'kysely';
import type { OidcLoginsTable } from '../schema/auth.js';
import type { DB } from '../schema.js';

export class OidcLoginRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores a new login and drops those started before `staleBefore`. */
  async insert(row: OidcLoginsTable, staleBefore: number): Promise<void> {
    await this.db.deleteFrom('oidc_logins').where('created_at', '<', staleBefore).execute();
    await this.db.insertInto('oidc_logins').values(row).execute();
  }

  /** The login with this state, deleted in the same step: only one caller ever gets it. */
  async take(state: string): Promise<OidcLoginsTable | null> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('oidc_logins').selectAll().where('state', '=', state).executeTakeFirst();
      if (!row) return null;
      const gone = await tx.deleteFrom('oidc_logins').where('state', '=', state).executeTakeFirst();
      return Number(gone.numDeletedRows) === 1 ? row : null;
    });
  }
}
