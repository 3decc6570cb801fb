// Badges, client status pages and the branding they show.
import type { CoreDeps } from '../core.js';
import { BadgeRepository } from '../db/repositories/badges.js';
import type { CheckRepository } from '../db/repositories/checks.js';
import type { ClientRepository } from '../db/repositories/clients.js';
import { SettingsRepository } from '../db/repositories/settings.js';
import { BadgeService } from './badges.js';
import { BrandingService } from './branding.js';
import { StatusPageService } from './status-page.js';

export function buildPublic(c: CoreDeps, d: { clients: ClientRepository; checks: CheckRepository }) {
  const repo = new BadgeRepository(c.db);
  const settings = new SettingsRepository(c.db);
  const publicUrl = c.config.publicUrl;
  const branding = new BrandingService(settings, c.audit, c.clock);
  const badges = new BadgeService({ repo, clients: d.clients, checks: d.checks, settings, audit: c.audit, clock: c.clock, publicUrl });
  const statusPages = new StatusPageService({ repo, clients: d.clients, branding, audit: c.audit, clock: c.clock, publicUrl });
  return { badges, statusPages, branding };
}
