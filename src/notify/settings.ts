// Workspace notification settings: when the weekly summary goes out (day and hour in the
// workspace time zone; default Monday 08:00) and whether owners and admins get it, and the group
// window of a device's alerts (default 30 s). Kept in the settings table under scope `notifications`.
import type { SettingsRepository } from '../db/repositories/settings.js';
import type { Principal } from '../domain/access.js';
import { ValidationError } from '../domain/errors.js';
import { WEEKDAYS, type Weekday } from '../domain/notify.js';
import type { Clock } from '../lib/clock.js';
import type { AuditService } from '../ops/audit.js';

const SCOPE = 'notifications';

export interface NotificationSettings {
  weekly_summary: {
    enabled: boolean;
    day: Weekday;
    /** 0–23, workspace time. */
    hour: number;
    /** Owners and admins get the workspace-wide summary (e-mail channels opt in with `weekly_summary: true`). */
    owners_and_admins: boolean;
  };
  /** Alerts a device raises within this long after its last notice go out together when it ends (0: each at once). */
  group_wait_seconds: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  weekly_summary: { enabled: true, day: 'monday', hour: 8, owners_and_admins: true },
  group_wait_seconds: 30,
};

export const MAX_GROUP_WAIT_SECONDS = 600;

export type NotificationSettingsPatch = { weekly_summary?: Partial<NotificationSettings['weekly_summary']>; group_wait_seconds?: number };

export class NotificationSettingsService {
  private cached: { value: NotificationSettings; expires: number } | null = null;

  constructor(
    private readonly repo: SettingsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async get(): Promise<NotificationSettings> {
    const now = this.clock.now();
    if (this.cached && this.cached.expires > now) return this.cached.value;
    const text = await this.repo.get(SCOPE);
    const stored = text === null ? {} : (JSON.parse(text) as NotificationSettingsPatch);
    const value = {
      weekly_summary: { ...DEFAULT_NOTIFICATION_SETTINGS.weekly_summary, ...stored.weekly_summary },
      group_wait_seconds: stored.group_wait_seconds ?? DEFAULT_NOTIFICATION_SETTINGS.group_wait_seconds,
    };
    this.cached = { value, expires: now + 5000 };
    return value;
  }

  async update(actor: Principal, patch: NotificationSettingsPatch): Promise<NotificationSettings> {
    const w = patch.weekly_summary ?? {};
    if (w.day !== undefined && !WEEKDAYS.includes(w.day)) throw ValidationError.field('weekly_summary.day', `must be one of: ${WEEKDAYS.join(', ')}`);
    if (w.hour !== undefined && (!Number.isInteger(w.hour) || w.hour < 0 || w.hour > 23)) throw ValidationError.field('weekly_summary.hour', 'must be an hour, 0-23');
    const g = patch.group_wait_seconds;
    if (g !== undefined && (!Number.isInteger(g) || g < 0 || g > MAX_GROUP_WAIT_SECONDS)) throw ValidationError.field('group_wait_seconds', `must be whole seconds, 0-${MAX_GROUP_WAIT_SECONDS}`);
    const current = await this.get();
    const next = { weekly_summary: { ...current.weekly_summary, ...w }, group_wait_seconds: g ?? current.group_wait_seconds };
    await this.repo.put(SCOPE, JSON.stringify(next), this.clock.now(), actor.name);
    this.cached = null;
    await this.audit.record(actor, { action: 'notifications.settings.update', targetType: 'settings', targetId: SCOPE, details: { ...next } });
    return next;
  }
}
