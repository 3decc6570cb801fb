// A client's public status page (docs/api.md "Status pages"): that client's devices with their
// band, last good backup, last good restore test and a 30-day strip, under the MSP's branding.
// Only these fields are read from the database, so no log, message, address or other client's
// data can reach the page.
import type { BadgeRepository, DayRow } from '../db/repositories/badges.js';
import type { ClientRepository } from '../db/repositories/clients.js';
import { canSeeClient, type Principal } from '../domain/access.js';
import { type BadgeStatus, deviceBadgeStatus } from '../domain/badges.js';
import { NotFoundError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import type { AuditService } from '../ops/audit.js';
import { newPublicKey } from './badges.js';
import type { Branding, BrandingService } from './branding.js';
import { statusPageUrl } from './urls.js';

export const STRIP_DAYS = 30;
const DAY_MS = 86_400_000;

/** A day of the strip: the worst finished run that day, as a band; `none` when nothing ran. */
export type DayCell = BadgeStatus | 'none';

export interface StatusDevice {
  name: string;
  status: BadgeStatus;
  lastGoodAt: number | null;
  lastRestoreAt: number | null;
  /** Oldest first, the last one being today (UTC). */
  days: DayCell[];
}

export interface StatusPage {
  client: string;
  branding: Branding;
  devices: StatusDevice[];
  now: number;
}

const JOB_BAND: Record<string, BadgeStatus> = {
  succeeded: 'healthy',
  warning: 'warning',
  skipped: 'warning',
  cancelled: 'warning',
  partial: 'critical',
  failed: 'critical',
};
const RANK: DayCell[] = ['critical', 'warning', 'unknown', 'healthy', 'none'];

export function dayCells(rows: readonly DayRow[], today: number): DayCell[] {
  const cells: DayCell[] = new Array(STRIP_DAYS).fill('none');
  for (const r of rows) {
    const i = STRIP_DAYS - 1 - (today - r.day);
    if (i < 0 || i >= STRIP_DAYS) continue;
    const band = JOB_BAND[r.status] ?? 'unknown';
    if (RANK.indexOf(band) < RANK.indexOf(cells[i]!)) cells[i] = band;
  }
  return cells;
}

export class StatusPageService {
  constructor(
    private readonly d: { repo: BadgeRepository; clients: ClientRepository; branding: BrandingService; audit: AuditService; clock: Clock; publicUrl: string },
  ) {}

  url(key: string): string {
    return statusPageUrl(this.d.publicUrl, key);
  }

  /** The page behind a key, or null when the key is unknown or the page is off. */
  async page(key: string): Promise<StatusPage | null> {
    const client = await this.d.repo.clientByStatusKey(key);
    if (!client) return null;
    const now = this.d.clock.now();
    const today = Math.floor(now / DAY_MS);
    const [devices, restores, days, branding] = await Promise.all([
      this.d.repo.statusDevices(client.id),
      this.d.repo.lastRestores(client.id),
      this.d.repo.days(client.id, (today - STRIP_DAYS + 1) * DAY_MS),
      this.d.branding.get(),
    ]);
    const byDevice = new Map<string, DayRow[]>();
    for (const r of days) byDevice.set(r.device_id, [...(byDevice.get(r.device_id) ?? []), r]);
    return {
      client: client.name,
      branding,
      now,
      devices: devices.map((dev) => ({
        name: dev.name,
        status: deviceBadgeStatus(dev.status),
        lastGoodAt: dev.last_good_at === null ? null : Number(dev.last_good_at),
        lastRestoreAt: restores.get(dev.id) ?? null,
        days: dayCells(byDevice.get(dev.id) ?? [], today),
      })),
    };
  }

  async setEnabled(p: Principal, clientId: string, on: boolean): Promise<void> {
    await this.visible(p, clientId);
    await this.d.repo.setStatusPage(clientId, on, newPublicKey(), this.d.clock.now());
    await this.d.audit.record(p, { action: on ? 'client.status_page.on' : 'client.status_page.off', targetType: 'client', targetId: clientId, clientId });
  }

  /** A new key: the old link stops working at once. Answers the new link (live only while the page is on). */
  async regenerate(p: Principal, clientId: string): Promise<string> {
    await this.visible(p, clientId);
    const key = newPublicKey();
    await this.d.repo.setStatusPageKey(clientId, key, this.d.clock.now());
    await this.d.audit.record(p, { action: 'client.status_page_key', targetType: 'client', targetId: clientId, clientId });
    return this.url(key);
  }

  private async visible(p: Principal, id: string): Promise<void> {
    const client = await this.d.clients.byId(id);
    if (!client || !canSeeClient(p, id)) throw new NotFoundError('client', id);
  }
}
