// The tables of multi-factor sign-in (migration 0023; src/auth/mfa): TOTP, recovery codes, passkeys, challenges.
import type { Kysely } from 'kysely';
import type { DB, MfaPasskeyRow, MfaTotpRow } from '../schema.js';

export class MfaRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async totpOf(userId: string): Promise<MfaTotpRow | undefined> {
    return this.db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  /** A new pending secret replaces any earlier one (only while MFA by TOTP is not on: the caller checks). */
  async putPendingTotp(userId: string, sealed: string, now: number): Promise<void> {
    await this.db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
    await this.db.insertInto('mfa_totp').values({ user_id: userId, secret: sealed, confirmed_at: null, last_step: null, created_at: now }).execute();
  }

  /**
   * Takes the code of `step` once: true when no code of this step or a later one was taken before
   * (the compare-and-set makes two requests racing with one code take it once).
   */
  async takeStep(userId: string, step: number): Promise<boolean> {
    const res = await this.db
      .updateTable('mfa_totp')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async confirmTotp(userId: string, now: number): Promise<void> {
    await this.db.updateTable('mfa_totp').set({ confirmed_at: now }).where('user_id', '=', userId).execute();
  }

  async removeTotp(userId: string): Promise<void> {
    await this.db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
    await this.db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  }

  async replaceRecoveryCodes(userId: string, rows: Array<{ id: string; code_hash: string }>, now: number): Promise<void> {
    await this.db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    await this.db
      .insertInto('mfa_recovery_codes')
      .values(rows.map((r) => ({ ...r, user_id: userId, created_at: now, used_at: null })))
      .execute();
  }

  /** Consumes an unused recovery code of the user with this hash: true when one was there. */
  async consumeRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) >= 1;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('mfa_recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async passkeysOf(userId: string): Promise<MfaPasskeyRow[]> {
    return this.db.selectFrom('mfa_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'asc').execute();
  }

  async addPasskey(row: MfaPasskeyRow): Promise<void> {
    await this.db.insertInto('mfa_passkeys').values(row).execute();
  }

  async passkeyByCredential(credentialId: string): Promise<MfaPasskeyRow | undefined> {
    return this.db.selectFrom('mfa_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  }

  async usedPasskey(id: string, counter: number, now: number): Promise<void> {
    await this.db.updateTable('mfa_passkeys').set({ counter, last_used_at: now }).where('id', '=', id).execute();
  }

  async removePasskey(userId: string, id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('mfa_passkeys').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  /** Keeps a challenge handed out; purges the ones older than `expiredBefore`. */
  async putChallenge(challenge: string, userId: string, purpose: string, now: number, expiredBefore: number): Promise<void> {
    await this.db.deleteFrom('mfa_challenges').where('created_at', '<', expiredBefore).execute();
    await this.db.insertInto('mfa_challenges').values({ challenge, user_id: userId, purpose, created_at: now }).execute();
  }

  /** Uses a challenge once: true when it was handed to this user for this purpose and has not expired. */
  async takeChallenge(challenge: string, userId: string, purpose: string, notBefore: number): Promise<boolean> {
    const res = await this.db
      .deleteFrom('mfa_challenges')
      .where('challenge', '=', challenge)
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('created_at', '>=', notBefore)
      .executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  /** Every factor of the user: authenticator app, recovery codes, passkeys and pending challenges. */
  async removeAll(userId: string): Promise<void> {
    await this.removeTotp(userId);
    await this.db.deleteFrom('mfa_passkeys').where('user_id', '=', userId).execute();
    await this.db.deleteFrom('mfa_challenges').where('user_id', '=', userId).execute();
  }

  /** Lets the user's enrolment-only sessions do everything again: a factor is now enrolled. */
  async releaseSessions(userId: string): Promise<void> {
    await this.db.updateTable('sessions').set({ mfa_enrolment: 0 }).where('user_id', '=', userId).where('mfa_enrolment', '=', 1).execute();
  }
}
