// API tokens: random, shown once, stored as a SHA-256 hash (they carry 192 bits of entropy, so a
// slow hash adds nothing), scoped, optionally limited to clients and to a number of calls a day.
import { createHash, randomBytes } from 'node:crypto';
import type { TokenRepository } from '../db/repositories/tokens.js';
import type { ApiTokenRow } from '../db/schema.js';
import { type Principal, TOKEN_SCOPES, type TokenScope, tokenPrincipal } from '../domain/access.js';
import { NotFoundError, RateLimitedError, UnauthenticatedError, ValidationError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { DAY, MINUTE, SECOND } from '../lib/time.js';
import type { AuditService } from '../ops/audit.js';

const TOKEN_PREFIX = 'kw_';
/** How long a looked-up token is trusted before it is read again (revocation by another instance). */
const LOOKUP_TTL_MS = 10 * SECOND;
const TOUCH_EVERY_MS = MINUTE;

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  client_ids: string[] | null;
  daily_limit: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

interface Usage {
  day: string;
  known: number;
  pending: number;
  lastTouch: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

let dayCache = { day: -1, text: '' };
function utcDay(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== dayCache.day) dayCache = { day, text: new Date(day * DAY).toISOString().slice(0, 10) };
  return dayCache.text;
}

function toView(row: ApiTokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope as TokenScope,
    client_ids: row.client_ids ? (JSON.parse(row.client_ids) as string[]) : null,
    daily_limit: row.daily_limit,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

export class TokenService {
  private readonly lookups = new Map<string, { row: ApiTokenRow | null; expires: number }>();
  private readonly usage = new Map<string, Usage>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly repo: TokenRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(
    actor: Principal,
    input: { scope: string; name?: string; clientIds?: string[] | null; dailyLimit?: number | null },
  ): Promise<{ token: string; view: TokenView }> {
    if (!TOKEN_SCOPES.includes(input.scope as TokenScope)) {
      throw ValidationError.field('scope', `must be one of: ${TOKEN_SCOPES.join(', ')}`);
    }
    if (input.dailyLimit != null && (!Number.isInteger(input.dailyLimit) || input.dailyLimit <= 0)) {
      throw ValidationError.field('daily_limit', 'must be a positive integer');
    }
    const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
    const row: ApiTokenRow = {
      id: newId(),
      name: input.name?.trim() || `${input.scope} token`,
      prefix: token.slice(0, TOKEN_PREFIX.length + 8),
      token_hash: hashToken(token),
      scope: input.scope,
      client_ids: input.clientIds && input.clientIds.length > 0 ? JSON.stringify(input.clientIds) : null,
      daily_limit: input.dailyLimit ?? null,
      created_at: this.clock.now(),
      created_by: actor.name,
      last_used_at: null,
      revoked_at: null,
    };
    await this.repo.insert(row);
    await this.audit.record(actor, { action: 'token.create', targetType: 'api_token', targetId: row.id, details: { name: row.name, scope: row.scope } });
    return { token, view: toView(row) };
  }

  async list(): Promise<TokenView[]> {
    return (await this.repo.list()).map(toView);
  }

  /** Revokes by id, prefix or name; the name must be unambiguous. */
  async revoke(actor: Principal, idOrPrefix: string): Promise<TokenView> {
    const matches = (await this.repo.byIdOrPrefix(idOrPrefix)).filter((t) => t.revoked_at === null);
    if (matches.length === 0) throw new NotFoundError('token', idOrPrefix);
    if (matches.length > 1) throw ValidationError.field('token', `"${idOrPrefix}" names ${matches.length} tokens; use the id`);
    const row = matches[0]!;
    await this.repo.revoke(row.id, this.clock.now());
    this.lookups.clear();
    await this.audit.record(actor, { action: 'token.revoke', targetType: 'api_token', targetId: row.id, details: { name: row.name } });
    return toView({ ...row, revoked_at: this.clock.now() });
  }

  /** Answers who holds this token and counts the call; throws when unknown, revoked or over its daily limit. */
  async authenticate(token: string): Promise<Principal> {
    const row = await this.lookup(token);
    if (row === null) throw new UnauthenticatedError('unknown or revoked API token');
    await this.countCall(row);
    return tokenPrincipal({
      id: row.id,
      name: row.name,
      scope: row.scope as TokenScope,
      clientIds: row.client_ids ? (JSON.parse(row.client_ids) as string[]) : null,
    });
  }

  private async lookup(token: string): Promise<ApiTokenRow | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const now = this.clock.now();
    // Keyed by the token itself, so a cached call costs no hashing; the database only ever sees the hash.
    const cached = this.lookups.get(token);
    if (cached && cached.expires > now) return cached.row;
    const found = (await this.repo.byHash(hashToken(token))) ?? null;
    const row = found && found.revoked_at === null ? found : null;
    if (this.lookups.size > 10_000) this.lookups.clear();
    this.lookups.set(token, { row, expires: now + LOOKUP_TTL_MS });
    return row;
  }

  private async countCall(row: ApiTokenRow): Promise<void> {
    const now = this.clock.now();
    const day = utcDay(now);
    let u = this.usage.get(row.id);
    if (u === undefined || u.day !== day) {
      const known = row.daily_limit === null ? 0 : await this.repo.callsOn(row.id, day);
      u = { day, known, pending: 0, lastTouch: u?.lastTouch ?? 0 };
      this.usage.set(row.id, u);
    }
    if (row.daily_limit !== null && u.known + u.pending >= row.daily_limit) {
      const retryAfter = Math.max(1, Math.ceil((Math.floor(now / DAY + 1) * DAY - now) / SECOND));
      throw new RateLimitedError(`this token's limit of ${row.daily_limit} calls a day is used up`, retryAfter);
    }
    u.pending++;
  }

  /** Writes counted calls and last-used times; the app calls this every second and at shutdown. */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const now = this.clock.now();
    for (const [tokenId, u] of this.usage) {
      if (u.pending === 0) continue;
      const delta = u.pending;
      u.pending = 0;
      try {
        u.known = await this.repo.addCalls(tokenId, u.day, delta);
      } catch (err) {
        u.pending += delta;
        throw err;
      }
      if (now - u.lastTouch >= TOUCH_EVERY_MS) {
        u.lastTouch = now;
        await this.repo.touch(tokenId, now);
      }
    }
  }
}
