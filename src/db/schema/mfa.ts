// Multi-factor sign-in (src/auth/mfa): TOTP, recovery codes, passkeys and pending WebAuthn challenges.
import type { Selectable } from 'kysely';

export interface MfaTotpTable {
  user_id: string;
  /** The base32 secret, sealed (src/lib/secret-box.ts). */
  secret: string;
  /** Null while enrolment awaits its first code: MFA is not on yet. */
  confirmed_at: number | null;
  /** The last 30-second step a code was accepted for: no code of it or before is taken again. */
  last_step: number | null;
  created_at: number;
}

export interface MfaRecoveryCodesTable {
  id: string;
  user_id: string;
  /** SHA-256 of the normalised code (upper case, no dashes). */
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface MfaPasskeysTable {
  id: string;
  user_id: string;
  /** The WebAuthn credential id, base64url. */
  credential_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** JSON list of the authenticator's transports, as the browser reported them. */
  transports: string | null;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** A WebAuthn challenge handed out: `register` or `authenticate`; used once, short-lived. */
export interface MfaChallengesTable {
  challenge: string;
  user_id: string;
  purpose: string;
  created_at: number;
}

export type MfaTotpRow = Selectable<MfaTotpTable>;
export type MfaRecoveryCodeRow = Selectable<MfaRecoveryCodesTable>;
export type MfaPasskeyRow = Selectable<MfaPasskeysTable>;
