// Multi-factor sign-in for password users (issue #24; docs/security.md "Multi-factor sign-in").
// Factors: a TOTP authenticator app (RFC 6238: SHA-1, 6 digits, 30 s, one step either side; a code
// is taken once: the last step accepted is kept per user) with ten recovery codes, and passkeys
// (WebAuthn, @simplewebauthn/server; relying party = KEEPWATCH_PUBLIC_URL's host and origin).
// The workspace's owners can make MFA mandatory: a password sign-in of a user without a factor
// then gets a session that may only enrol one (src/http/plugins/auth.ts asks `enrolmentOnly`).
// Single sign-on users are not asked: their identity provider is where their MFA lives.
import { createHash, randomBytes } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON, VerifiedAuthenticationResponse, VerifiedRegistrationResponse } from '@simplewebauthn/server';
import { Secret, TOTP } from 'otpauth';
import type { MfaRepository } from '../../db/repositories/mfa.js';
import type { SettingsRepository } from '../../db/repositories/settings.js';
import type { MfaPasskeyRow, UserRow } from '../../db/schema.js';
import type { Principal } from '../../domain/access.js';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../../domain/errors.js';
import type { Clock } from '../../lib/clock.js';
import { FailureLimiter } from '../../lib/failure-limiter.js';
import { newId } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { MINUTE, SECOND } from '../../lib/time.js';
import type { AuditService } from '../../ops/audit.js';
import { type SecondFactorProof, SIGN_IN_LIMITS } from '../sessions.js';
import { principalOf, type UserService } from '../users.js';
import { type MfaFactor, type MfaMethod, MfaRejectedError, MfaRequiredError } from './errors.js';

/** Loaded at the first passkey ceremony: a fifth of the app's start-up, which most processes never use. */
const webauthn = () => import('@simplewebauthn/server');

export const TOTP_PERIOD_S = 30;
const TOTP_DIGITS = 6;
const ISSUER = 'Keepwatch';
export const RECOVERY_CODES = 10;
/** A WebAuthn challenge is answered within this time, or not at all. */
export const CHALLENGE_TTL_MS = 5 * MINUTE;
const POLICY_SCOPE = 'mfa';
/** Recovery codes: 16 characters of base32 (80 bits), shown as four groups of four. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';


export interface MfaStatus {
  totp: boolean;
  totp_pending: boolean;
  passkeys: number;
  recovery_codes_left: number;
  /** The workspace makes MFA mandatory for password users. */
  required: boolean;
}

export interface PasskeyView {
  id: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface MfaPolicy {
  required: boolean;
}

function hashCode(code: string): string {
  return createHash('sha256').update(`keepwatch-recovery:${code}`).digest('hex');
}

/** Upper case, without spaces and dashes: how a recovery code is compared. */
function normaliseRecovery(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

function recoveryCode(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) out += BASE32[bytes[i]! & 31];
  return out.match(/.{4}/g)!.join('-');
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** The challenge a WebAuthn response answers (from its client data); null when unreadable. */
function challengeOf(response: unknown): string | null {
  try {
    const data = (response as { response?: { clientDataJSON?: unknown } }).response?.clientDataJSON;
    if (typeof data !== 'string') return null;
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' ? parsed.challenge : null;
  } catch {
    return null;
  }
}

function isCredentialJson(value: unknown): value is { id: string; rawId: string; type: string; response: Record<string, unknown> } {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.rawId === 'string' && v.type === 'public-key' && typeof v.response === 'object' && v.response !== null
  );
}

export class MfaService {
  private readonly rpId: string;
  private readonly origin: string;
  /** Wrong codes when confirming or turning off TOTP (a signed-in user), per user: as sign-in's limit. */
  private readonly wrongCodes = new FailureLimiter(SIGN_IN_LIMITS.perEmail, SIGN_IN_LIMITS.windowMs);

  constructor(
    private readonly repo: MfaRepository,
    private readonly users: UserService,
    private readonly settings: SettingsRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    publicUrl: string,
  ) {
    const url = new URL(publicUrl);
    this.rpId = url.hostname;
    this.origin = url.origin;
  }

  // --- the workspace's policy ---------------------------------------------------------------

  async policy(): Promise<MfaPolicy> {
    const raw = await this.settings.get(POLICY_SCOPE);
    return { required: raw !== null && (JSON.parse(raw) as Partial<MfaPolicy>).required === true };
  }

  async setPolicy(actor: Principal, policy: MfaPolicy): Promise<MfaPolicy> {
    await this.settings.put(POLICY_SCOPE, JSON.stringify({ required: policy.required }), this.clock.now(), actor.id);
    await this.audit.record(actor, { action: 'mfa.policy', details: { required: policy.required } });
    return { required: policy.required };
  }

  // --- what a user has ----------------------------------------------------------------------

  async methodsOf(userId: string): Promise<MfaMethod[]> {
    const [totp, passkeys] = await Promise.all([this.repo.totpOf(userId), this.repo.passkeysOf(userId)]);
    const methods: MfaMethod[] = [];
    if (totp?.confirmed_at != null) methods.push('totp');
    if (passkeys.length > 0) methods.push('passkey');
    return methods;
  }

  async status(userId: string): Promise<MfaStatus> {
    const [totp, passkeys, left, policy] = await Promise.all([this.repo.totpOf(userId), this.repo.passkeysOf(userId), this.repo.recoveryCodesLeft(userId), this.policy()]);
    return {
      totp: totp?.confirmed_at != null,
      totp_pending: totp !== undefined && totp.confirmed_at === null,
      passkeys: passkeys.length,
      recovery_codes_left: left,
      required: policy.required,
    };
  }

  // --- the second step of a password sign-in ------------------------------------------------

  /**
   * Called by SessionService.signIn once the password is right. Throws MfaRequiredError when the
   * user has a factor and none was given, MfaRejectedError when the one given is wrong; answers
   * whether the session may only enrol (MFA mandatory, the user has none) and the factor used.
   */
  async secondFactor(user: UserRow, proof: SecondFactorProof): Promise<{ enrolOnly: boolean; factor: MfaFactor | null }> {
    const methods = await this.methodsOf(user.id);
    if (methods.length === 0) return { enrolOnly: (await this.policy()).required, factor: null };
    if (proof.passkey !== undefined && proof.passkey !== null) {
      if (!methods.includes('passkey')) throw new MfaRejectedError('passkey', 'no passkey is registered for this user', methods);
      await this.verifyPasskey(user, proof.passkey, methods);
      return { enrolOnly: false, factor: 'passkey' };
    }
    const code = proof.code?.trim() ?? '';
    if (code === '') {
      const options = methods.includes('passkey') ? await this.authenticationOptions(user.id) : null;
      throw new MfaRequiredError(methods, options);
    }
    if (/^\d{6}$/.test(code)) {
      if (!methods.includes('totp')) throw new MfaRejectedError('totp', 'no authenticator app is set up for this user', methods);
      if (!(await this.takeTotp(user.id, code))) throw new MfaRejectedError('totp', 'wrong or already used code', methods);
      return { enrolOnly: false, factor: 'totp' };
    }
    if (!(await this.repo.consumeRecoveryCode(user.id, hashCode(normaliseRecovery(code)), this.clock.now()))) {
      throw new MfaRejectedError('recovery_code', 'wrong or already used recovery code', methods);
    }
    await this.audit.record(principalOf(user), {
      action: 'mfa.recovery_code_used',
      targetType: 'user',
      targetId: user.id,
      details: { left: await this.repo.recoveryCodesLeft(user.id) },
    });
    return { enrolOnly: false, factor: 'recovery_code' };
  }

  /** Whether this code of the user's confirmed (or, with `pending`, pending) secret is current and not used before; takes it. */
  private async takeTotp(userId: string, code: string, pending = false): Promise<boolean> {
    const row = await this.repo.totpOf(userId);
    if (!row || (row.confirmed_at === null) !== pending) return false;
    let secret: string;
    try {
      secret = this.box.open(row.secret);
    } catch {
      // Sealed under another KEEPWATCH_SECRET_KEY: no code can match.
      return false;
    }
    const now = this.clock.now();
    const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_S, timestamp: now, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
    return this.repo.takeStep(userId, step);
  }

  // --- TOTP enrolment -----------------------------------------------------------------------

  /** A new secret, pending until a code of it is confirmed. 409 while TOTP is on (turn it off first). */
  async beginTotp(actor: Principal): Promise<{ secret: string; otpauth_url: string }> {
    const user = await this.users.get(actor.id);
    const row = await this.repo.totpOf(user.id);
    if (row?.confirmed_at != null) throw new ConflictError('an authenticator app is already set up: turn it off first to set up another');
    const secret = new Secret({ size: 20 });
    const totp = new TOTP({ issuer: ISSUER, label: user.email, secret, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_S });
    await this.repo.putPendingTotp(user.id, this.box.seal(secret.base32), this.clock.now());
    return { secret: secret.base32, otpauth_url: totp.toString() };
  }

  /** A code of the pending secret turns TOTP on; answers ten new recovery codes (shown this once). */
  async confirmTotp(actor: Principal, code: string): Promise<{ recovery_codes: string[] }> {
    const row = await this.repo.totpOf(actor.id);
    if (!row) throw new ConflictError('no authenticator app set-up is pending: POST /api/v1/session/mfa/totp first');
    if (row.confirmed_at !== null) throw new ConflictError('an authenticator app is already set up');
    this.throttled(actor.id);
    if (!/^\d{6}$/.test(code.trim()) || !(await this.takeTotp(actor.id, code.trim(), true))) {
      this.wrongCodes.fail(actor.id, this.clock.now());
      throw ValidationError.field('code', 'is not the current code of the new secret');
    }
    const now = this.clock.now();
    await this.repo.confirmTotp(actor.id, now);
    const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
    await this.repo.replaceRecoveryCodes(
      actor.id,
      codes.map((c) => ({ id: newId(), code_hash: hashCode(normaliseRecovery(c)) })),
      now,
    );
    await this.repo.releaseSessions(actor.id);
    await this.audit.record(actor, { action: 'mfa.totp_enabled', targetType: 'user', targetId: actor.id });
    return { recovery_codes: codes };
  }

  /** Turns TOTP off with a current code or an unused recovery code; its recovery codes go with it. */
  async disableTotp(actor: Principal, code: string): Promise<void> {
    const row = await this.repo.totpOf(actor.id);
    if (!row || row.confirmed_at === null) throw new NotFoundError('authenticator app', 'of this user');
    this.throttled(actor.id);
    const c = code.trim();
    const ok = /^\d{6}$/.test(c) ? await this.takeTotp(actor.id, c) : await this.repo.consumeRecoveryCode(actor.id, hashCode(normaliseRecovery(c)), this.clock.now());
    if (!ok) {
      this.wrongCodes.fail(actor.id, this.clock.now());
      throw ValidationError.field('code', 'is not a current code or an unused recovery code');
    }
    await this.keepsAFactor(actor.id, 'totp');
    await this.repo.removeTotp(actor.id);
    await this.audit.record(actor, { action: 'mfa.totp_disabled', targetType: 'user', targetId: actor.id });
  }

  /** 429 after too many wrong codes of this user when confirming or turning off TOTP. */
  private throttled(userId: string): void {
    const wait = this.wrongCodes.blockedFor(userId, this.clock.now());
    if (wait > 0) throw new RateLimitedError('too many wrong codes; wait before trying again', Math.ceil(wait / SECOND));
  }

  /** While MFA is mandatory, the last factor may not be removed (409). */
  private async keepsAFactor(userId: string, removing: 'totp' | 'passkey'): Promise<void> {
    if (!(await this.policy()).required) return;
    const [totp, passkeys] = await Promise.all([this.repo.totpOf(userId), this.repo.passkeysOf(userId)]);
    const others = removing === 'totp' ? passkeys.length : (totp?.confirmed_at != null ? 1 : 0) + passkeys.length - 1;
    if (others <= 0) throw new ConflictError('multi-factor sign-in is required in this workspace: set up another factor before removing your last one');
  }

  /** An owner removes every factor of a user who lost theirs (their sessions end too: sign in again, enrol again). */
  async resetUser(actor: Principal, userId: string, endSessions: (userId: string) => Promise<void>): Promise<void> {
    await this.users.get(userId);
    await this.repo.removeAll(userId);
    await endSessions(userId);
    await this.audit.record(actor, { action: 'mfa.reset', targetType: 'user', targetId: userId });
  }

  // --- passkeys -----------------------------------------------------------------------------

  async listPasskeys(actor: Principal): Promise<PasskeyView[]> {
    return (await this.repo.passkeysOf(actor.id)).map((p) => ({ id: p.id, name: p.name, created_at: p.created_at, last_used_at: p.last_used_at }));
  }

  /** Options for navigator.credentials.create(); the challenge is kept for five minutes. */
  async registrationOptions(actor: Principal): Promise<unknown> {
    const user = await this.users.get(actor.id);
    const existing = await this.repo.passkeysOf(user.id);
    const { generateRegistrationOptions } = await webauthn();
    const options = await generateRegistrationOptions({
      rpName: ISSUER,
      rpID: this.rpId,
      userName: user.email,
      userDisplayName: user.name ?? user.email,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports ? (JSON.parse(p.transports) as string[]) : undefined })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    const now = this.clock.now();
    await this.repo.putChallenge(options.challenge, user.id, 'register', now, now - CHALLENGE_TTL_MS);
    return options;
  }

  /** Verifies the browser's answer to the registration options and keeps the passkey. */
  async registerPasskey(actor: Principal, response: unknown, name: string | undefined): Promise<PasskeyView> {
    if (!isCredentialJson(response)) throw ValidationError.field('response', 'is not a WebAuthn registration response (PublicKeyCredential JSON)');
    const challenge = challengeOf(response);
    const now = this.clock.now();
    if (challenge === null || !(await this.repo.takeChallenge(challenge, actor.id, 'register', now - CHALLENGE_TTL_MS))) {
      throw ValidationError.field('response', 'answers no registration challenge of yours, or one that expired: ask for new options');
    }
    const { verifyRegistrationResponse } = await webauthn();
    let verified: VerifiedRegistrationResponse;
    try {
      verified = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        requireUserVerification: false,
      });
    } catch (err) {
      throw ValidationError.field('response', `was not verified: ${(err as Error).message}`);
    }
    if (!verified.verified) throw ValidationError.field('response', 'was not verified');
    const { credential } = verified.registrationInfo;
    if (await this.repo.passkeyByCredential(credential.id)) throw new ConflictError('this passkey is registered already');
    const count = (await this.repo.passkeysOf(actor.id)).length;
    const row: MfaPasskeyRow = {
      id: newId(),
      user_id: actor.id,
      credential_id: credential.id,
      public_key: b64url(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ? JSON.stringify(credential.transports) : null,
      name: name?.trim() || `Passkey ${count + 1}`,
      created_at: now,
      last_used_at: null,
    };
    await this.repo.addPasskey(row);
    await this.repo.releaseSessions(actor.id);
    await this.audit.record(actor, { action: 'mfa.passkey_added', targetType: 'user', targetId: actor.id, details: { passkey: row.id, name: row.name } });
    return { id: row.id, name: row.name, created_at: row.created_at, last_used_at: null };
  }

  async removePasskey(actor: Principal, id: string): Promise<void> {
    const mine = (await this.repo.passkeysOf(actor.id)).find((p) => p.id === id);
    if (!mine) throw new NotFoundError('passkey', id);
    await this.keepsAFactor(actor.id, 'passkey');
    await this.repo.removePasskey(actor.id, id);
    await this.audit.record(actor, { action: 'mfa.passkey_removed', targetType: 'user', targetId: actor.id, details: { passkey: id, name: mine.name } });
  }

  /** Options for navigator.credentials.get() with the user's passkeys; the challenge is kept for five minutes. */
  private async authenticationOptions(userId: string): Promise<unknown> {
    const passkeys = await this.repo.passkeysOf(userId);
    const { generateAuthenticationOptions } = await webauthn();
    const options = await generateAuthenticationOptions({
      rpID: this.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: p.transports ? (JSON.parse(p.transports) as string[]) : undefined })),
      userVerification: 'preferred',
    });
    const now = this.clock.now();
    await this.repo.putChallenge(options.challenge, userId, 'authenticate', now, now - CHALLENGE_TTL_MS);
    return options;
  }

  private async verifyPasskey(user: UserRow, assertion: unknown, methods: MfaMethod[]): Promise<void> {
    const reject = (why: string) => new MfaRejectedError('passkey', why, methods);
    if (!isCredentialJson(assertion)) throw reject('"passkey" is not a WebAuthn authentication response (PublicKeyCredential JSON)');
    const passkey = await this.repo.passkeyByCredential(assertion.id);
    if (!passkey || passkey.user_id !== user.id) throw reject('this passkey is not registered for this user');
    const challenge = challengeOf(assertion);
    const now = this.clock.now();
    if (challenge === null || !(await this.repo.takeChallenge(challenge, user.id, 'authenticate', now - CHALLENGE_TTL_MS))) {
      throw reject('the passkey answered no current challenge: sign in again');
    }
    const { verifyAuthenticationResponse } = await webauthn();
    let result: VerifiedAuthenticationResponse;
    try {
      result = await verifyAuthenticationResponse({
        response: assertion as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        credential: {
          id: passkey.credential_id,
          publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')),
          counter: passkey.counter,
          transports: passkey.transports ? (JSON.parse(passkey.transports) as never) : undefined,
        },
        requireUserVerification: false,
      });
    } catch (err) {
      throw reject(`the passkey was not verified: ${(err as Error).message}`);
    }
    if (!result.verified) throw reject('the passkey was not verified');
    await this.repo.usedPasskey(passkey.id, result.authenticationInfo.newCounter, now);
  }
}
