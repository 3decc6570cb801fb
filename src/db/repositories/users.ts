import type { Kysely } from 'kysely';
import type { DB, SessionRow, UserRow } from '../schema.js';

export type UserChanges = Partial<Pick<UserRow, 'name' | 'role' | 'client_ids' | 'password_hash' | 'disabled_at' | 'break_glass'>>;

export class UserRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async list(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('email').execute();
  }

  async byId(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  /** Creates the first owner, once: the setup claim's primary key makes a second attempt fail. */
  async insertFirstOwner(row: UserRow): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const claimed = await tx
        .insertInto('setup_claims')
        .values({ name: 'owner', at: row.created_at })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('name')
        .execute();
      if (claimed.length !== 1) return false;
      const owners = await tx.selectFrom('users').select('id').where('role', '=', 'owner').limit(1).execute();
      if (owners.length > 0) return false;
      await tx.insertInto('users').values(row).execute();
      return true;
    });
  }

  async update(id: string, changes: UserChanges, now: number): Promise<void> {
    await this.db.updateTable('users').set({ ...changes, updated_at: now }).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await tx.deleteFrom('users').where('id', '=', id).execute();
    });
  }

  async activeOwners(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'owner')
      .where('disabled_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

export class SessionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  async byHash(hash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id_hash', '=', hash).executeTakeFirst();
  }

  async touch(hash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id_hash', '=', hash).execute();
  }

  async revoke(hash: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: at }).where('id_hash', '=', hash).where('revoked_at', 'is', null).execute();
  }

  /** A user's live sessions, newest first. */
  async liveOf(userId: string, now: number): Promise<SessionRow[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Ends one live session of this user by its public id; false when there is none. */
  async revokePublic(userId: string, publicId: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('public_id', '=', publicId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async revokeAllOf(userId: string, at: number): Promise<number> {
    const r = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Sessions that ended long ago are only noise. */
  async purgeEndedBefore(at: number): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', at), eb('revoked_at', '<', at)]))
      .execute();
  }
}
