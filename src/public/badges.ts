// Badges: a client's, a check's or a tag's band, served without credentials at an unguessable URL
// (docs/api.md "Badges"). Client and check keys are random and stored (regenerable one by one);
// a tag's key is derived, HMAC(workspace secret, tag), so every tag has a stable URL without a row,
// and rotating the secret changes every tag's URL at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BadgeRepository } from '../db/repositories/badges.js';
import type { CheckRepository } from '../db/repositories/checks.js';
import type { ClientRepository } from '../db/repositories/clients.js';
import type { SettingsRepository } from '../db/repositories/settings.js';
import { canSeeClient, type Principal } from '../domain/access.js';
import { checkBadgeStatus, deviceBadgeStatus, worstStatus } from '../domain/badges.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { normaliseTag } from '../domain/tags.js';
import type { Clock } from '../lib/clock.js';
import type { AuditService } from '../ops/audit.js';
import type { Badge } from './badge-render.js';
import { badgeUrl } from './urls.js';

/** Stored keys: 32 lowercase hex digits (also what the database makes, migration 0017). */
export const newPublicKey = () => randomBytes(16).toString('hex');
const SECRET_SCOPE = 'badges';
const MAC_LENGTH = 24; // hex digits: 96 bits

export interface BadgeServiceDeps {
  repo: BadgeRepository;
  clients: ClientRepository;
  checks: CheckRepository;
  settings: SettingsRepository;
  audit: AuditService;
  clock: Clock;
  publicUrl: string;
}

export class BadgeService {
  private secret: { value: string; expires: number } | null = null;

  constructor(private readonly d: BadgeServiceDeps) {}

  url(key: string): string {
    return badgeUrl(this.d.publicUrl, key);
  }

  /** The badge behind a key, or null for a key nobody was given. */
  async resolve(key: string): Promise<Badge | null> {
    if (key.startsWith('t')) {
      const tag = await this.tagOf(key);
      return tag === null ? null : this.tagBadge(tag);
    }
    const client = await this.d.repo.clientByBadgeKey(key);
    if (client) return { label: client.name, status: worstStatus((await this.d.repo.clientBands(client.id)).map(deviceBadgeStatus)) };
    const check = await this.d.repo.checkByBadgeKey(key);
    if (check) return { label: check.name, status: checkBadgeStatus(check.state, check.paused === 1) };
    return null;
  }

  private async tagBadge(tag: string): Promise<Badge> {
    const { deviceBands, checks } = await this.d.repo.tagged(tag);
    const statuses = [...deviceBands.map(deviceBadgeStatus), ...checks.map((c) => checkBadgeStatus(c.state, c.paused === 1))];
    return { label: tag, status: worstStatus(statuses) };
  }

  async regenerateClient(p: Principal, id: string): Promise<string> {
    const client = await this.d.clients.byId(id);
    if (!client || !canSeeClient(p, id)) throw new NotFoundError('client', id);
    const key = newPublicKey();
    await this.d.repo.setClientBadgeKey(id, key, this.d.clock.now());
    await this.d.audit.record(p, { action: 'client.badge_key', targetType: 'client', targetId: id, clientId: id });
    return this.url(key);
  }

  async regenerateCheck(p: Principal, id: string): Promise<string> {
    const check = await this.d.checks.byId(id);
    if (!check || !canSeeClient(p, check.client_id)) throw new NotFoundError('check', id);
    const key = newPublicKey();
    await this.d.repo.setCheckBadgeKey(id, key, this.d.clock.now());
    await this.d.audit.record(p, { action: 'check.badge_key', targetType: 'check', targetId: id, clientId: check.client_id });
    return this.url(key);
  }

  /** A tag's badge covers every client: only an unlimited principal may have its URL. */
  async tagUrl(p: Principal, raw: string): Promise<{ tag: string; badge_url: string }> {
    if (p.clientIds !== null) throw new ForbiddenError('a tag badge covers every client; a user or token limited to clients cannot have one');
    const tag = normaliseTag(raw);
    if (tag === null) throw ValidationError.field('tag', 'must be 1 to 50 letters, digits or - _ . : /');
    return { tag, badge_url: this.url(await this.tagKey(tag)) };
  }

  /** New secret: every tag badge URL given out so far stops working. */
  async rotateTagSecret(p: Principal): Promise<void> {
    if (p.clientIds !== null) throw new ForbiddenError('a tag badge covers every client; a user or token limited to clients cannot change them');
    const now = this.d.clock.now();
    await this.d.settings.put(SECRET_SCOPE, JSON.stringify({ tag_secret: randomBytes(32).toString('base64url') }), now, p.name);
    this.secret = null;
    await this.d.audit.record(p, { action: 'tags.badge_key', targetType: 'settings', targetId: SECRET_SCOPE, clientId: null });
  }

  // A tag key is `t`, the MAC, then the tag itself (base64url), so the tag can be read back and checked.
  private async tagKey(tag: string): Promise<string> {
    return `t${await this.mac(tag)}${Buffer.from(tag).toString('base64url')}`;
  }

  private async tagOf(key: string): Promise<string | null> {
    const mac = key.slice(1, 1 + MAC_LENGTH);
    const tag = Buffer.from(key.slice(1 + MAC_LENGTH), 'base64url').toString();
    if (mac.length !== MAC_LENGTH || normaliseTag(tag) !== tag) return null;
    const expected = Buffer.from(await this.mac(tag));
    return timingSafeEqual(expected, Buffer.from(mac.padEnd(MAC_LENGTH))) ? tag : null;
  }

  private async mac(tag: string): Promise<string> {
    return createHmac('sha256', await this.tagSecret()).update(`tag:${tag}`).digest('hex').slice(0, MAC_LENGTH);
  }

  // Cached briefly: another instance may rotate it, and its old URLs should die within a minute.
  private async tagSecret(): Promise<string> {
    const now = this.d.clock.now();
    if (this.secret && this.secret.expires > now) return this.secret.value;
    const doc = await this.d.settings.get(SECRET_SCOPE);
    const value = doc === null ? null : (JSON.parse(doc) as { tag_secret?: string }).tag_secret;
    if (!value) throw new Error('the tag badge secret is missing (settings scope "badges", made by migration 0017)');
    this.secret = { value, expires: now + 30_000 };
    return value;
  }
}
