// Maintenance windows (one-off or recurring) and snoozes on a client, a device or a check. They
// hold alerts back while they last; schedules restart from their end.
import type { CheckRepository } from '../db/repositories/checks.js';
import type { EvaluationRepository } from '../db/repositories/evaluation.js';
import type { WindowRepository } from '../db/repositories/windows.js';
import type { MaintenanceWindowRow } from '../db/schema.js';
import { canSeeClient, type Principal } from '../domain/access.js';
import { type FieldProblem, NotFoundError, ValidationError } from '../domain/errors.js';
import { isValidTimeZone, scheduleProblems } from '../domain/schedule.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { HOUR, MINUTE, parseIso } from '../lib/time.js';
import type { AuditService } from '../ops/audit.js';
import type { CatalogService } from '../catalog/catalog.js';

export interface NewWindow {
  scope: 'client' | 'device' | 'check';
  scope_id: string;
  starts_at?: string;
  ends_at?: string;
  cron?: string;
  tz?: string;
  duration_minutes?: number;
  reason?: string;
}

export interface WindowServiceDeps {
  repo: WindowRepository;
  catalog: CatalogService;
  checks: CheckRepository;
  evaluation: EvaluationRepository;
  audit: AuditService;
  clock: Clock;
  onQueued: () => void;
}

export class WindowService {
  constructor(private readonly d: WindowServiceDeps) {}

  async list(p: Principal, filter: { client?: string; device?: string; check?: string }): Promise<MaintenanceWindowRow[]> {
    return this.d.repo.list(p.clientIds, filter);
  }

  async create(p: Principal, input: NewWindow, kind: 'maintenance' | 'snooze' = 'maintenance'): Promise<MaintenanceWindowRow> {
    const clientId = await this.clientOf(p, input.scope, input.scope_id);
    const problems: FieldProblem[] = [];
    const startsAt = parseIso(input.starts_at);
    const endsAt = parseIso(input.ends_at);
    const recurring = input.cron !== undefined;
    if (recurring) {
      if (!input.duration_minutes) problems.push({ field: 'duration_minutes', message: 'is required for a recurring window' });
      problems.push(...scheduleProblems({ type: 'cron', cron: input.cron!, tz: input.tz ?? 'UTC' }, 'window').map((x) => ({ ...x, field: x.field.replace('window.', '') })));
    } else {
      if (startsAt === null) problems.push({ field: 'starts_at', message: 'is required (or give cron and duration_minutes)' });
      if (endsAt === null) problems.push({ field: 'ends_at', message: 'is required (or give cron and duration_minutes)' });
      if (startsAt !== null && endsAt !== null && endsAt <= startsAt) problems.push({ field: 'ends_at', message: 'must be after starts_at' });
    }
    if (input.tz !== undefined && !isValidTimeZone(input.tz) && !problems.some((x) => x.field === 'tz')) {
      problems.push({ field: 'tz', message: `unknown IANA time zone "${input.tz}"` });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const now = this.d.clock.now();
    const row: MaintenanceWindowRow = {
      id: newId(now),
      client_id: clientId,
      scope: input.scope,
      scope_id: input.scope_id,
      kind,
      starts_at: recurring ? null : startsAt,
      ends_at: recurring ? null : endsAt,
      cron: recurring ? input.cron!.trim() : null,
      tz: recurring ? (input.tz ?? 'UTC') : null,
      duration_ms: recurring ? input.duration_minutes! * MINUTE : null,
      reason: input.reason ?? null,
      created_at: now,
      created_by: p.name,
    };
    await this.d.repo.insert(row);
    await this.d.audit.record(p, { action: `${kind}.create`, targetType: input.scope, targetId: input.scope_id, clientId, details: { window_id: row.id } });
    await this.requeue(clientId);
    return row;
  }

  /** Holds a device's or check's alerts back for the next N hours. */
  async snooze(p: Principal, scope: 'device' | 'check', id: string, hours: number, reason?: string): Promise<MaintenanceWindowRow> {
    const now = this.d.clock.now();
    return this.create(
      p,
      { scope, scope_id: id, starts_at: new Date(now).toISOString(), ends_at: new Date(now + hours * HOUR).toISOString(), reason },
      'snooze',
    );
  }

  async remove(p: Principal, id: string): Promise<void> {
    const row = await this.d.repo.byId(id);
    if (!row || !canSeeClient(p, row.client_id)) throw new NotFoundError('maintenance window', id);
    await this.d.repo.remove(id);
    await this.d.audit.record(p, { action: `${row.kind}.delete`, targetType: row.scope, targetId: row.scope_id, clientId: row.client_id, details: { window_id: id } });
    await this.requeue(row.client_id);
  }

  private async requeue(clientId: string): Promise<void> {
    const now = this.d.clock.now();
    await this.d.evaluation.queue.enqueueAll(now, newId(now), clientId);
    this.d.onQueued();
  }

  private async clientOf(p: Principal, scope: NewWindow['scope'], id: string): Promise<string> {
    if (scope === 'client') {
      await this.d.catalog.getClient(p, id);
      return id;
    }
    if (scope === 'device') return (await this.d.catalog.visibleDevice(p, id)).client_id;
    const check = await this.d.checks.byId(id);
    if (!check || !canSeeClient(p, check.client_id)) throw new NotFoundError('check', id);
    return check.client_id;
  }
}
