// Console sign-in: server-side sessions. The browser holds a random secret in an HTTP-only
// cookie; the database keeps only its SHA-256, with an idle and an absolute expiry. Sign-out and
// password changes revoke sessions at once (every request reads the row: no cache to go stale).
import { createHash, randomBytes } from 'node:crypto';
import type { SessionRepository } from '../db/repositories/users.js';
import type { SessionRow, UserRow } from '../db/schema.js';
import { RateLimitedError, UnauthenticatedError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import { FailureLimiter } from '../lib/failure-limiter.js';
import { DAY, MINUTE, SECOND } from '../lib/time.js';
import type { AuditService } from '../ops/audit.js';
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
  ) {}

  async signIn(email: string, password: string, meta: ClientMeta): Promise<StartedSession> {
    const key = email.trim().toLowerCase();
    const ip = meta.ip ?? 'unknown';
    const now = this.clock.now();
    const wait = Math.max(this.byEmail.blockedFor(key, now), this.byIp.blockedFor(ip, now));
    if (wait > 0) throw new RateLimitedError('too many failed sign-ins; wait before trying again', Math.ceil(wait / SECOND));
    const user = await this.users.verifyCredentials(key, password);
    if (!user) {
      this.byEmail.fail(key, now);
      this.byIp.fail(ip, now);
      throw new UnauthenticatedError('wrong e-mail address or password');
    }
    this.byEmail.reset(key);
    const started = await this.start(user, meta);
    await this.audit.record(principalOf(user), { action: 'session.sign_in', targetType: 'user', targetId: user.id, details: { ip: meta.ip } });
    return started;
  }

  async start(user: UserRow, meta: ClientMeta): Promise<StartedSession> {
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
