// Creating and editing checks: their schedules, grace and pause. A change makes the device due
// for evaluation at once, so states and alerts follow the new schedule.
import type { Transactor, Tx } from '../db/transaction.js';
import type { CheckRepository } from '../db/repositories/checks.js';
import type { IngestRepository } from '../db/repositories/ingest.js';
import type { CheckRow, CheckUpdate } from '../db/schema.js';
import { can, canSeeClient, type Principal } from '../domain/access.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { type CheckKind, type CopyTier, type DeviceClass, nameKey } from '../domain/job.js';
import { type Schedule, scheduleProblems } from '../domain/schedule.js';
import { compileRules, type EmailRulesInput, normaliseRules } from '../domain/email-rules.js';
import { normaliseTags, tagFilter } from '../domain/tags.js';
import { setTags } from '../db/repositories/tags.js';
import type { Clock } from '../lib/clock.js';
import type { Page } from '../lib/cursor.js';
import { toPage } from '../lib/cursor.js';
import { newId, randomKey } from '../lib/ids.js';
import type { AuditService } from '../ops/audit.js';
import { cursorOf, DEFAULT_LIMIT, type PageRequest } from './catalog.js';
import { DEFAULT_CLIENT_NAME } from '../ingest/service.js';

export interface ScheduleInput {
  type: 'interval' | 'cron';
  interval_seconds?: number;
  cron?: string;
  tz?: string | null;
}

export interface CheckChanges {
  name?: string;
  kind?: CheckKind;
  tier?: CopyTier | null;
  schedule?: ScheduleInput | null;
  grace_seconds?: number | null;
  max_runtime_seconds?: number | null;
  paused?: boolean;
  /** E-mail matching and status rules (docs/email.md); null removes them. */
  email?: EmailRulesInput | null;
  /** Replaces the check's tags. */
  tags?: string[];
}

export interface NewCheck extends CheckChanges {
  name: string;
  device_id?: string;
  client?: string;
  device?: { name: string; class?: DeviceClass; type?: string };
}

function toSchedule(input: ScheduleInput): Schedule {
  if (input.type === 'interval') {
    if (input.interval_seconds === undefined) throw ValidationError.field('schedule.interval_seconds', 'is required for an interval schedule');
    return { type: 'interval', intervalMs: input.interval_seconds * 1000 };
  }
  if (input.cron === undefined) throw ValidationError.field('schedule.cron', 'is required for a cron schedule');
  return { type: 'cron', cron: input.cron.trim(), tz: input.tz ?? 'UTC' };
}

/** Column values for the changes a user asked for; validates what the schema cannot. */
function changesToColumns(c: CheckChanges, now: number): CheckUpdate {
  const cols: CheckUpdate = { updated_at: now };
  if (c.name !== undefined) {
    if (c.name.trim() === '') throw ValidationError.field('name', 'must not be blank');
    cols.name = c.name.trim().replace(/\s+/g, ' ');
    cols.name_key = nameKey(c.name);
  }
  if (c.kind !== undefined) cols.kind = c.kind;
  if (c.tier !== undefined) cols.tier = c.tier;
  if (c.schedule !== undefined) {
    const s = c.schedule === null ? null : toSchedule(c.schedule);
    const problems = s ? scheduleProblems(s, 'schedule') : [];
    if (problems.length > 0) throw new ValidationError(problems);
    cols.schedule_type = s?.type ?? null;
    cols.interval_ms = s?.type === 'interval' ? s.intervalMs : null;
    cols.cron = s?.type === 'cron' ? s.cron : null;
    cols.tz = s?.type === 'cron' ? s.tz : null;
    cols.schedule_inferred = 0;
  }
  if (c.grace_seconds !== undefined) cols.grace_ms = c.grace_seconds === null ? null : c.grace_seconds * 1000;
  if (c.max_runtime_seconds !== undefined) cols.max_runtime_ms = c.max_runtime_seconds === null ? null : c.max_runtime_seconds * 1000;
  if (c.paused !== undefined) cols.paused = c.paused ? 1 : 0;
  if (c.email !== undefined) {
    const rules = c.email === null ? null : normaliseRules(c.email);
    if (rules) compileRules(rules); // throws a ValidationError naming the bad rule
    cols.email_rules = rules === null ? null : JSON.stringify(rules);
  }
  return cols;
}

const touchesRules = (cols: CheckUpdate) => cols.email_rules !== undefined;

export interface CheckServiceDeps {
  db: Transactor;
  checks: CheckRepository;
  ingest: IngestRepository;
  audit: AuditService;
  clock: Clock;
  /** Called after a check's e-mail rules changed (the e-mail router reloads them). */
  onEmailRulesChanged: () => void;
  /** Called after a rename (ingestion forgets the ids it cached by name). */
  onNamesChanged?: () => void;
}

export class CheckService {
  constructor(private readonly d: CheckServiceDeps) {}

  async list(
    p: Principal,
    req: PageRequest & { client?: string; device?: string; kind?: string; state?: string; tag?: string[] },
  ): Promise<Page<CheckRow>> {
    const limit = req.limit ?? DEFAULT_LIMIT;
    const rows = await this.d.checks.list({ clientIds: p.clientIds, ...req, tags: tagFilter(req.tag), after: cursorOf(req, 1), limit });
    return toPage(rows, limit, (r) => [r.id], (r) => r);
  }

  /** The id of the check with these names (matched as auto-discovery matches them), if any. */
  async idByNames(client: string, device: string, check: string): Promise<string | undefined> {
    return (await this.d.checks.byNames(nameKey(client), nameKey(device), nameKey(check)))?.id;
  }

  async get(p: Principal, id: string): Promise<CheckRow> {
    const check = await this.d.checks.byId(id);
    if (!check || !canSeeClient(p, check.client_id)) throw new NotFoundError('check', id);
    return check;
  }

  async create(p: Principal, input: NewCheck): Promise<CheckRow> {
    const now = this.d.clock.now();
    const cols = changesToColumns(input, now);
    const tags = input.tags === undefined ? null : normaliseTags(input.tags);
    const id = newId();
    await this.d.db.run(async (tx) => {
      const device = await this.resolveDevice(tx, p, input, now);
      const row: Omit<CheckRow, 'badge_key'> = {
        id,
        device_id: device.deviceId,
        client_id: device.clientId,
        name: cols.name!,
        name_key: cols.name_key!,
        kind: input.kind ?? 'backup',
        tier: input.kind === 'copy' ? (input.tier ?? 'hot') : null,
        schedule_type: cols.schedule_type ?? null,
        interval_ms: cols.interval_ms ?? null,
        cron: cols.cron ?? null,
        tz: cols.tz ?? null,
        grace_ms: cols.grace_ms ?? null,
        max_runtime_ms: cols.max_runtime_ms ?? null,
        schedule_inferred: 0,
        paused: cols.paused ?? 0,
        ping_key: randomKey(),
        state: 'new',
        last_job_at: null,
        last_good_at: null,
        last_status: null,
        consecutive_failures: 0,
        next_due_at: null,
        last_source: null,
        email_rules: cols.email_rules ?? null,
        tags: '[]',
        created_at: now,
        updated_at: now,
      };
      const clash = await this.d.checks.byDeviceAndName(tx, row.device_id, row.name_key);
      if (clash) throw new ConflictError(`the device already has a check named "${row.name}" (${clash.id})`);
      await this.d.checks.insert(row, tx);
      if (tags) await setTags(tx, 'check', id, tags, now);
      await this.d.ingest.enqueue(tx, [row.device_id], newId(now), now, 'all'); // someone is waiting to see it
      await this.d.audit.record(p, { action: 'check.create', targetType: 'check', targetId: id, clientId: row.client_id, details: { name: row.name } }, tx);
    });
    if (touchesRules(cols)) this.d.onEmailRulesChanged();
    return (await this.d.checks.byId(id))!;
  }

  async update(p: Principal, id: string, changes: CheckChanges): Promise<CheckRow> {
    const check = await this.get(p, id);
    const now = this.d.clock.now();
    const cols = changesToColumns(changes, now);
    const tags = changes.tags === undefined ? null : normaliseTags(changes.tags);
    if (cols.kind !== undefined && cols.kind !== 'copy') cols.tier = null;
    if (cols.kind === 'copy' && check.tier === null && cols.tier === undefined) cols.tier = 'hot';
    await this.d.db.run(async (tx) => {
      if (cols.name_key !== undefined) {
        const clash = await this.d.checks.clash(tx, check.device_id, cols.name_key, id);
        if (clash) throw new ConflictError(`the device already has a check named "${cols.name}" (${clash.id})`);
      }
      await this.d.checks.update(id, cols, tx);
      if (tags) await setTags(tx, 'check', id, tags, now);
      await this.d.ingest.enqueue(tx, [check.device_id], newId(now), now, 'all');
      await this.d.audit.record(p, { action: 'check.update', targetType: 'check', targetId: id, clientId: check.client_id, details: { ...changes } }, tx);
    });
    if (touchesRules(cols)) this.d.onEmailRulesChanged();
    if (cols.name_key !== undefined) this.d.onNamesChanged?.();
    return (await this.d.checks.byId(id))!;
  }

  private async resolveDevice(
    tx: Tx,
    p: Principal,
    input: NewCheck,
    now: number,
  ): Promise<{ deviceId: string; clientId: string }> {
    if (input.device_id) {
      const d = await this.d.checks.deviceOwner(tx, input.device_id);
      if (!d || !canSeeClient(p, d.client_id)) throw new NotFoundError('device', input.device_id);
      return { deviceId: d.id, clientId: d.client_id };
    }
    if (!input.device) throw ValidationError.field('device_id', 'required (or give device.name)');
    const clientName = input.client ?? DEFAULT_CLIENT_NAME;
    const existingId = await this.d.checks.clientIdByNameKey(tx, nameKey(clientName));
    if (!existingId && (p.clientIds !== null || !can(p, 'admin'))) {
      throw new ForbiddenError(`client "${clientName}" does not exist, and only an unrestricted admin may create clients`);
    }
    const clientId =
      existingId ?? (await this.d.ingest.ensureClient(tx, newId(), clientName.trim(), nameKey(clientName), randomKey(12), now));
    if (!canSeeClient(p, clientId)) throw new NotFoundError('client', clientName);
    const d = input.device;
    const deviceId = await this.d.ingest.ensureDevice(
      tx,
      { id: newId(), clientId, name: d.name.trim(), key: nameKey(d.name), class: d.class ?? 'server', type: d.type ?? d.class ?? 'server' },
      now,
    );
    return { deviceId, clientId };
  }
}
