// The MSP's name and logo, shown on client status pages. Kept in the settings table under scope
// `branding`. A logo is an https URL or a small data: image, so a page never pulls a script or an
// http resource and stays within its Content-Security-Policy.
import type { SettingsRepository } from '../db/repositories/settings.js';
import type { Principal } from '../domain/access.js';
import { ForbiddenError, ValidationError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import type { AuditService } from '../ops/audit.js';

const SCOPE = 'branding';
export const MAX_LOGO_DATA_CHARS = 100_000;
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

export interface Branding {
  name: string | null;
  logo_url: string | null;
}

/** Why a logo URL is refused, or null when it is fine. */
export function logoProblem(url: string): string | null {
  if (url.startsWith('data:')) {
    if (url.length > MAX_LOGO_DATA_CHARS) return `a data: image must be under ${MAX_LOGO_DATA_CHARS} characters`;
    return DATA_IMAGE.test(url) ? null : 'a data: URL must be a base64 PNG, JPEG, GIF, WebP or SVG image';
  }
  try {
    return new URL(url).protocol === 'https:' ? null : 'must be an https URL or a data: image';
  } catch {
    return 'must be an https URL or a data: image';
  }
}

export class BrandingService {
  constructor(
    private readonly repo: SettingsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async get(): Promise<Branding> {
    const text = await this.repo.get(SCOPE);
    const stored = text === null ? {} : (JSON.parse(text) as Partial<Branding>);
    return { name: stored.name ?? null, logo_url: stored.logo_url ?? null };
  }

  async set(actor: Principal, next: Branding): Promise<Branding> {
    if (actor.clientIds !== null) throw new ForbiddenError('branding applies to every client; a user or token limited to clients cannot change it');
    const name = next.name?.trim() || null;
    if (next.logo_url !== null) {
      const problem = logoProblem(next.logo_url);
      if (problem !== null) throw ValidationError.field('logo_url', problem);
    }
    const value = { name, logo_url: next.logo_url };
    await this.repo.put(SCOPE, JSON.stringify(value), this.clock.now(), actor.name);
    // The logo itself may be 100 kB: the audit log records whether there is one, not its bytes.
    await this.audit.record(actor, { action: 'branding.update', targetType: 'settings', targetId: SCOPE, details: { name, has_logo: next.logo_url !== null } });
    return value;
  }
}
