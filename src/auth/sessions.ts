// Console sign-in: server-side sessions. The browser holds a random secret in an HTTP-only
// cookie; the database keeps only its SHA-256, with an idle and an absolute expiry. Sign-out and
// password changes revoke sessions at once (every request reads the row: no cache to go stale).
import { createHash, randomBytes } from 'node:crypto';
import type { SessionRepository } from '../db/repositories/users.js';
import type { SessionRow, UserRow } from '../db/schema.js';
import type { Principal } from '../domain/access.js';
import { ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import { FailureLimiter } from '../lib/failure-limiter.js';
import { DAY, MINUTE, SECOND } from '../lib/time.js';
import type { AuditService } from '../ops/audit.js';
import { MfaRejectedError } from './mfa/errors.js';
import type { Metrics } from '../ops/metrics.js';
import { principalOf, type UserService } from './users.js';

export const SESSION_IDLE_MS = 7 * DAY;
export const SESSION_MAX_MS = 30 * DAY;
const TOUCH_EVERY_MS = MINUTE;
/** Failed sign-ins allowed per e-mail address, and per client address, in the window. */
export const SIGN_IN_LIMITS = { perEmail: 5, perIp: 30, windowMs: 15 * MINUTE };

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

/** How a session was started (`mfa` is a second step, recorded as an event only). */
export type SignInMethod = 'password' | 'oidc';
export type SignInOutcome = 'success' | 'failure' | 'refused' | 'throttled';

export interface SessionOptions {
  metrics?: Pick<Metrics, 'signIns'>;
  /** Why this user may not sign in with a password now (SSO switched it off); null when they may. */
  passwordRefusal?: (user: UserRow) => Promise<string | null>;
  /**
   * The second step of a password sign-in (src/auth/mfa): throws MfaRequiredError when a factor is
   * needed and not given, MfaRejectedError when the one given is wrong; says whether the session
   * may only enrol a factor, and which factor was used.
   */
  secondFactor?: (user: UserRow, proof: SecondFactorProof) => Promise<{ enrolOnly: boolean; factor: string | null }>;
}

/** What a password sign-in may bring besides the password (docs/security.md "Multi-factor sign-in"). */
export interface SecondFactorProof {
  code?: string;
  passkey?: unknown;
}

/** Who a failed sign-in is recorded as: nobody is signed in yet. */
const ANONYMOUS: Principal = { kind: 'system', id: 'sign-in', name: 'sign-in', abilities: new Set(), clientIds: [] };

/** A session as its owner sees it in the list: never the cookie's value. */
export interface SessionView {
  id: string;
  current: boolean;
  method: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface StartedSession {
  /** The cookie's value: shown to the browser once, never stored. */
  secret: string;
  session: SessionRow;
  user: UserRow;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class SessionService {
  private readonly byEmail = new FailureLimiter(SIGN_IN_LIMITS.perEmail, SIGN_IN_LIMITS.windowMs);
  private readonly byIp = new FailureLimiter(SIGN_IN_LIMITS.perIp, SIGN_IN_LIMITS.windowMs);

  constructor(
    private readonly repo: SessionRepository,
    private readonly users: UserService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly options: SessionOptions = {},
  ) {}

  /**
   * One sign-in event, in the audit log and in `keepwatch_sign_ins_total{method,outcome}`:
   * password and SSO sign-ins call it here; a second factor (MFA) calls it with its own method.
   */
  async recordSignIn(method: string, outcome: SignInOutcome, user: UserRow | null, details: Record<string, unknown> = {}): Promise<void> {
    this.options.metrics?.signIns.inc({ method, outcome });
    const action = outcome === 'success' ? 'session.sign_in' : 'session.sign_in_failed';
    await this.audit.record(user ? principalOf(user) : ANONYMOUS, { action, targetType: 'user', targetId: user?.id, details: { method, outcome, ...details } });
  }

  async signIn(email: string, password: string, meta: ClientMeta, proof: SecondFactorProof = {}): Promise<StartedSession> {
    const key = email.trim().toLowerCase();
    const ip = meta.ip ?? 'unknown';
    const now = this.clock.now();
    const wait = Math.max(this.byEmail.blockedFor(key, now), this.byIp.blockedFor(ip, now));
    if (wait > 0) {
      this.options.metrics?.signIns.inc({ method: 'password', outcome: 'throttled' });
      throw new RateLimitedError('too many failed sign-ins; wait before trying again', Math.ceil(wait / SECOND));
    }
    const user = await this.users.verifyCredentials(key, password);
    if (!user) {
      this.byEmail.fail(key, now);
      this.byIp.fail(ip, now);
      await this.recordSignIn('password', 'failure', null, { email: key.slice(0, 320), ip: meta.ip, reason: 'wrong e-mail address or password' });
      throw new UnauthenticatedError('wrong e-mail address or password');
    }
    const refusal = this.options.passwordRefusal ? await this.options.passwordRefusal(user) : null;
    if (refusal !== null) {
      this.byEmail.reset(key);
      await this.recordSignIn('password', 'refused', user, { ip: meta.ip, reason: refusal });
      throw new ForbiddenError(refusal);
    }
    let second: { enrolOnly: boolean; factor: string | null } = { enrolOnly: false, factor: null };
    if (this.options.secondFactor) {
      try {
        second = await this.options.secondFactor(user, proof);
      } catch (err) {
        // A wrong second factor counts as a failed sign-in (the password alone must not reset the count).
        if (err instanceof MfaRejectedError) {
          this.byEmail.fail(key, now);
          this.byIp.fail(ip, now);
          await this.recordSignIn('mfa', 'failure', user, { ip: meta.ip, factor: err.factor, reason: err.message });
        }
        throw err;
      }
    }
    this.byEmail.reset(key);
    const started = await this.start(user, meta, 'password', { enrolOnly: second.enrolOnly });
    if (second.factor !== null) await this.recordSignIn('mfa', 'success', user, { ip: meta.ip, factor: second.factor });
    await this.recordSignIn('password', 'success', user, { ip: meta.ip, ...(second.enrolOnly && { mfa_enrolment: true }) });
    return started;
  }

  /** Whether this client address may try to sign in now (SSO callbacks share the password sign-in's limit); seconds to wait, or 0. */
  throttledFor(meta: ClientMeta): number {
    return Math.ceil(this.byIp.blockedFor(meta.ip ?? 'unknown', this.clock.now()) / SECOND);
  }

  /** Counts a failed attempt from this client address (an SSO callback that failed). */
  failedFrom(meta: ClientMeta): void {
    this.byIp.fail(meta.ip ?? 'unknown', this.clock.now());
  }

  /** Every sign-in ends here once the user is known and allowed: the one place a further factor can gate. */
  async start(user: UserRow, meta: ClientMeta, method: SignInMethod = 'password', options: { enrolOnly?: boolean } = {}): Promise<StartedSession> {
    const now = this.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const session: SessionRow = {
      id_hash: hashSecret(secret),
      user_id: user.id,
      csrf_token: randomBytes(24).toString('base64url'),
      created_at: now,
      last_seen_at: now,
      expires_at: now + SESSION_IDLE_MS,
      revoked_at: null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip,
      public_id: randomBytes(16).toString('hex'),
      method,
      mfa_enrolment: options.enrolOnly ? 1 : 0,
    };
    await this.repo.insert(session);
    return { secret, session, user };
  }

  /** The live session and its user for a cookie's value; null when unknown, expired, revoked or disabled. */
  async resolve(secret: string): Promise<{ session: SessionRow; user: UserRow } | null> {
    const hash = hashSecret(secret);
    const session = await this.repo.byHash(hash);
    const now = this.clock.now();
    if (!session || session.revoked_at !== null || session.expires_at <= now) return null;
    const user = await this.users.get(session.user_id).catch(() => null);
    if (!user || user.disabled_at !== null) return null;
    if (now - session.last_seen_at >= TOUCH_EVERY_MS) {
      const expires = Math.min(session.created_at + SESSION_MAX_MS, now + SESSION_IDLE_MS);
      await this.repo.touch(hash, now, expires);
    }
    return { session, user };
  }

  async signOut(secret: string): Promise<void> {
    const found = await this.resolve(secret);
    await this.repo.revoke(hashSecret(secret), this.clock.now());
    if (found) await this.audit.record(principalOf(found.user), { action: 'session.sign_out', targetType: 'user', targetId: found.user.id });
  }

  /** The user's live sessions; `current` marks the one this request came with. */
  async list(userId: string, current: SessionRow | null): Promise<SessionView[]> {
    const rows = await this.repo.liveOf(userId, this.clock.now());
    return rows.map((r) => ({
      id: r.public_id,
      current: current !== null && r.id_hash === current.id_hash,
      method: r.method,
      user_agent: r.user_agent,
      ip: r.ip,
      created_at: r.created_at,
      last_seen_at: r.last_seen_at,
      expires_at: r.expires_at,
    }));
  }

  /** Ends one of the user's own sessions by its public id; 404 when the user has no such live session. */
  async revokeOwn(user: Principal, publicId: string): Promise<void> {
    if (!(await this.repo.revokePublic(user.id, publicId, this.clock.now()))) throw new NotFoundError('session', publicId);
    await this.audit.record(user, { action: 'session.revoke', targetType: 'user', targetId: user.id, details: { session: publicId } });
  }

  /** An owner ends every session of a user (404 for an unknown user). */
  async revokeAllOf(actor: Principal, userId: string): Promise<number> {
    await this.users.get(userId);
    const n = await this.repo.revokeAllOf(userId, this.clock.now());
    await this.audit.record(actor, { action: 'session.revoke_all', targetType: 'user', targetId: userId, details: { sessions: n } });
    return n;
  }

  async revokeAll(userId: string): Promise<void> {
    await sessionRevoker(this.repo, this.clock)(userId);
  }
}

/** Ends every session of a user (and purges long-ended ones): what UserService calls on disable, reset or removal. */
export function sessionRevoker(repo: SessionRepository, clock: Clock): (userId: string) => Promise<void> {
  return async (userId) => {
    const now = clock.now();
    await repo.revokeAllOf(userId, now);
    await repo.purgeEndedBefore(now - SESSION_MAX_MS);
  };
}
