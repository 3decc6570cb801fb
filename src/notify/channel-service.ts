// Notification channels as people manage them: CRUD with write-only secrets, routing filters
// (clients, minimum severity, alert types), a test send, and the delivery logs. A principal
// limited to clients sees and manages only channels limited to (some of) its clients.
import type { ChannelRepository } from '../db/repositories/channels.js';
import type { DeliveryLogRow, DeliveryRepository } from '../db/repositories/deliveries.js';
import type { ChannelRow } from '../db/schema.js';
import type { Principal } from '../domain/access.js';
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../domain/errors.js';
import { channelHealth } from '../domain/integration-health.js';
import { hourStart } from '../domain/notify.js';
import type { Clock } from '../lib/clock.js';
import { type Page, toPage } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import { mergeSecrets, sealSecrets } from '../lib/secret-config.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { ChannelConfig, Mailer, Message, SendResult } from './channels/channel.js';
import { recipientsOf } from './channels/email/driver.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { AlertService } from '../engine/alerts.js';
import type { AuditService } from '../ops/audit.js';
import { cursorOf, DEFAULT_LIMIT, type PageRequest } from '../catalog/catalog.js';
import type { ChannelHealth } from './channel-health.js';
import { type ChannelWithHealth, OWNERS_CHANNEL_ID, openConfig, view } from './channel-model.js';
import { deliveryRow } from './router.js';
import type { SettingsService } from '../engine/settings.js';

export interface ChannelInput {
  type?: string;
  name?: string;
  config?: ChannelConfig;
  clients?: string[] | null;
  min_severity?: string | null;
  types?: string[] | null;
  repeat_hours?: number | null;
  enabled?: boolean;
}

export interface TestOutcome {
  ok: boolean;
  status: string;
  detail: string;
  delivery_id: string;
}

export interface ChannelDeps {
  repo: ChannelRepository;
  deliveries: DeliveryRepository;
  alerts: AlertService;
  registry: ChannelRegistry;
  secrets: SecretBox;
  health: ChannelHealth;
  settings: SettingsService;
  audit: AuditService;
  clock: Clock;
  mailer: () => Mailer | null;
  publicUrl: string;
  onQueued: () => void;
}

export class ChannelService {
  constructor(private readonly d: ChannelDeps) {}

  /** The built-in channel that tells owners and admins of destructive operations (and the weekly summary). */
  async ensureOwnersChannel(): Promise<void> {
    const now = this.d.clock.now();
    await this.d.repo.ensure({
      ...this.blank(now),
      id: OWNERS_CHANNEL_ID,
      type: 'email',
      name: 'Owners and admins',
      config: JSON.stringify({ to: [], mode: 'immediate', weekly_summary: false }),
      system: 1,
    });
  }

  async list(req: PageRequest): Promise<Page<ChannelWithHealth>> {
    const limit = req.limit ?? DEFAULT_LIMIT;
    const after = cursorOf(req, 1);
    // Channels are workspace-wide: their routes admit only unlimited principals (docs/security.md).
    const rows = await this.d.repo.list((after?.[0] as string) ?? null, limit);
    const page = toPage(rows, limit, (r) => [r.id], (r) => r);
    return { items: await Promise.all(page.items.map((r) => this.withHealth(r))), next_cursor: page.next_cursor };
  }

  async get(id: string): Promise<ChannelWithHealth> {
    return this.withHealth(await this.find(id));
  }

  private async find(id: string): Promise<ChannelRow> {
    const ch = await this.d.repo.byId(id);
    if (!ch) throw new NotFoundError('channel', id);
    return ch;
  }

  /** Health from the channel's state and its newest delivery attempts (notifications and tests). */
  private async withHealth(row: ChannelRow): Promise<ChannelWithHealth> {
    const attempts = (await this.d.deliveries.lastAttempts(row.id)).map((a) => ({ at: a.last_attempt_at!, sent: a.state === 'sent', status: a.last_status, response: a.last_response }));
    const newest = (xs: typeof attempts) => xs.reduce<(typeof attempts)[number] | null>((best, a) => (best === null || a.at > best.at ? a : best), null);
    const health = channelHealth({
      type: row.type,
      relay: this.mailerConfigured(),
      brokenAt: row.broken_at,
      brokenReason: row.broken_reason,
      failingSince: row.failing_since,
      lastAttempt: newest(attempts),
      lastFailure: newest(attempts.filter((a) => !a.sent)),
    });
    return { ...row, health };
  }

  async create(p: Principal, input: ChannelInput): Promise<ChannelWithHealth> {
    const driver = this.d.registry.get(input.type ?? '');
    if (!driver) throw ValidationError.field('type', `must be one of: ${this.d.registry.types().join(', ')}`);
    const parsed = driver.parseConfig(input.config ?? {});
    await this.check({ ...input, clients: input.clients ?? null }, 'problems' in parsed ? parsed.problems : []);
    const now = this.d.clock.now();
    const config = 'config' in parsed ? parsed.config : {};
    const row: ChannelRow = {
      ...this.blank(now),
      ...(await this.filters(input)),
      id: newId(now),
      type: driver.type,
      name: input.name!.trim(),
      config: JSON.stringify(sealSecrets(this.d.secrets, config, driver.secretFields)),
      enabled: input.enabled === false ? 0 : 1,
      digest_through: hourStart(now, (await this.d.settings.effective(null)).timezone),
    };
    await this.d.repo.insert(row);
    await this.d.audit.record(p, { action: 'channel.create', targetType: 'channel', targetId: row.id, details: { type: row.type, name: row.name } });
    if (row.type === 'email') await this.welcome(row, config.to as string[], config.mode as string, now);
    return this.withHealth(row);
  }

  async update(p: Principal, id: string, input: ChannelInput): Promise<ChannelWithHealth> {
    const ch = await this.find(id);
    if (ch.system === 1) throw new ConflictError('the built-in owners-and-admins channel cannot be changed');
    if (input.type !== undefined && input.type !== ch.type) throw ValidationError.field('type', 'cannot be changed; create a new channel');
    const v = view(ch, this.d.registry)!;
    const merge = input.config === undefined ? { config: v.stored } : mergeSecrets(this.d.secrets, v.stored, input.config, v.driver.secretFields, v.driver.configSchema);
    if ('problems' in merge) throw new ValidationError(merge.problems);
    const merged = merge.config;
    const plain = openConfig({ ...v, stored: merged }, this.d.secrets);
    const parsed = v.driver.parseConfig(plain);
    await this.check({ ...input, name: input.name ?? ch.name }, 'problems' in parsed ? parsed.problems : []);
    const now = this.d.clock.now();
    const config = 'config' in parsed ? parsed.config : {};
    const cols: Partial<ChannelRow> = {
      ...(await this.filters(input, ch)),
      name: input.name?.trim() ?? ch.name,
      config: JSON.stringify(sealSecrets(this.d.secrets, config, v.driver.secretFields)),
      enabled: input.enabled === undefined ? ch.enabled : input.enabled ? 1 : 0,
      // An edit is a person's fix: try again at once.
      broken_at: null,
      broken_reason: null,
      failing_since: null,
      hold_until: null,
      updated_at: now,
    };
    await this.d.repo.update(id, cols);
    await this.d.health.recovered(ch, 'the channel was edited');
    await this.d.audit.record(p, { action: 'channel.update', targetType: 'channel', targetId: id, details: { fields: Object.keys(input) } });
    if (ch.type === 'email') {
      const before = new Set(recipientsOf(v.stored.to) ?? []);
      const added = (config.to as string[]).filter((a) => !before.has(a));
      if (added.length > 0) await this.welcome({ ...ch, ...cols }, added, config.mode as string, now);
    }
    this.d.onQueued();
    return this.withHealth((await this.d.repo.byId(id))!);
  }

  async remove(p: Principal, id: string): Promise<void> {
    const ch = await this.find(id);
    if (ch.system === 1) throw new ConflictError('the built-in owners-and-admins channel cannot be deleted');
    await this.d.health.recovered(ch, 'the channel was deleted');
    await this.d.repo.remove(id);
    await this.d.audit.record(p, { action: 'channel.delete', targetType: 'channel', targetId: id, details: { name: ch.name } });
  }

  /** Sends a test message now, records it as a delivery, and answers how it went. */
  async test(p: Principal, id: string): Promise<TestOutcome> {
    const ch = await this.find(id);
    const v = view(ch, this.d.registry)!;
    const now = this.d.clock.now();
    const key = `test:${id}:${newId(now)}`;
    const message: Message = { kind: 'test', channel_name: ch.name, requested_by: p.name };
    const toOwners = ch.system === 1 ? { to: await this.d.repo.ownerAndAdminEmails() } : {};
    const result: SendResult = await v.driver.send(openConfig(v, this.d.secrets), { ...message, ...toOwners } as Message, {
      idempotencyKey: key,
      publicUrl: this.d.publicUrl,
      now,
      state: null,
      mailer: this.d.mailer(),
      timeoutMs: 10_000,
    });
    const row = deliveryRow(id, null, 'test', newId(now), key, message, now);
    const detail = result.ok ? result.response : result.error;
    await this.d.deliveries.insertOne({
      ...row,
      state: result.ok ? 'sent' : 'failed',
      attempts: 1,
      last_attempt_at: now,
      sent_at: result.ok ? now : null,
      last_status: result.status,
      last_response: detail.slice(0, 2000),
    });
    if (result.ok && (ch.broken_at !== null || ch.failing_since !== null)) {
      await this.d.repo.update(id, { broken_at: null, broken_reason: null, failing_since: null, hold_until: null, updated_at: now });
      await this.d.health.recovered(ch, 'a test notification went through');
      this.d.onQueued();
    }
    await this.d.audit.record(p, { action: 'channel.test', targetType: 'channel', targetId: id, details: { ok: result.ok, status: result.status } });
    return { ok: result.ok, status: result.status, detail, delivery_id: row.id };
  }

  async channelDeliveries(id: string, req: PageRequest & { state?: string }): Promise<Page<DeliveryLogRow>> {
    await this.find(id);
    const limit = req.limit ?? DEFAULT_LIMIT;
    const after = cursorOf(req, 1);
    const rows = await this.d.deliveries.ofChannel(id, (after?.[0] as string) ?? null, limit, req.state);
    return toPage(rows, limit, (r) => [r.id], (r) => r);
  }

  /** Every delivery of an alert, in the order they were queued (visible to whoever sees the alert). */
  async alertDeliveries(p: Principal, alertId: string): Promise<DeliveryLogRow[]> {
    await this.d.alerts.get(p, alertId);
    return this.d.deliveries.ofAlert(alertId);
  }

  mailerConfigured(): boolean {
    return this.d.mailer() !== null;
  }

  private async welcome(ch: Pick<ChannelRow, 'id' | 'name'>, recipients: string[], mode: string, now: number): Promise<void> {
    if (recipients.length === 0) return;
    const message: Message = { kind: 'welcome', channel_name: ch.name, recipients, mode };
    await this.d.deliveries.insertOne(deliveryRow(ch.id, null, 'welcome', newId(now), `welcome:${ch.id}:${newId(now)}`, message, now));
    this.d.onQueued();
  }

  private async check(input: ChannelInput, problems: FieldProblem[]): Promise<void> {
    const out = [...problems];
    if (typeof input.name !== 'string' || input.name.trim() === '') out.push({ field: 'name', message: 'is required' });
    if (input.clients) {
      const unknown = await this.d.repo.unknownClients(input.clients);
      if (unknown.length > 0) out.push({ field: 'clients', message: `unknown client ids: ${unknown.join(', ')}` });
    }
    if (out.length > 0) throw new ValidationError(out);
  }

  private async filters(input: ChannelInput, current?: ChannelRow): Promise<Pick<ChannelRow, 'client_ids' | 'min_severity' | 'types' | 'repeat_hours'>> {
    const list = (v: string[] | null | undefined, old: string | null) => (v === undefined ? old : v === null || v.length === 0 ? null : JSON.stringify([...new Set(v)]));
    return {
      client_ids: list(input.clients, current?.client_ids ?? null),
      min_severity: input.min_severity === undefined ? (current?.min_severity ?? null) : input.min_severity,
      types: list(input.types, current?.types ?? null),
      repeat_hours: input.repeat_hours === undefined ? (current?.repeat_hours ?? null) : input.repeat_hours,
    };
  }

  private blank(now: number): ChannelRow {
    return {
      id: '',
      type: '',
      name: '',
      config: '{}',
      client_ids: null,
      min_severity: null,
      types: null,
      repeat_hours: null,
      enabled: 1,
      system: 0,
      broken_at: null,
      broken_reason: null,
      failing_since: null,
      hold_until: null,
      claimed_until: null,
      digest_through: null,
      created_at: now,
      updated_at: now,
    };
  }
}
