// What people do with alerts: list, read with history, acknowledge (with a note), dismiss one, a
// group (by client, device, type) or all. A dismissal hides an alert but fixes nothing: if its
// condition still holds when the dismissal runs out (default 24 h), the alert is raised again.
import type { Transactor, Tx } from '../db/transaction.js';
import type { Dialect } from '../db/connection.js';
import type { AlertFilter, AlertListRow, AlertRepository } from '../db/repositories/alerts.js';
import type { IngestRepository } from '../db/repositories/ingest.js';
import type { AlertEventRow, AlertRow } from '../db/schema.js';
import { can, canSeeClient, type Principal } from '../domain/access.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Clock } from '../lib/clock.js';
import { type Page, toPage } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import { HOUR } from '../lib/time.js';
import type { AlertNames, AlertWriter } from './alert-writer.js';
import type { AuditService } from '../ops/audit.js';
import { cursorOf, DEFAULT_LIMIT, type PageRequest } from '../catalog/catalog.js';
import type { SettingsService } from './settings.js';

export interface AlertQuery extends PageRequest {
  state?: string;
  client?: string;
  device?: string;
  check?: string;
  type?: string;
  severity?: string;
}

export interface GroupDismissal {
  client?: string;
  device?: string;
  type?: string;
  all?: boolean;
  note?: string;
}

function names(a: AlertListRow): AlertNames {
  return {
    clientId: a.client_id,
    clientName: a.client_name,
    deviceId: a.device_id,
    deviceName: a.device_name,
    checkNames: new Map(a.check_id && a.check_name ? [[a.check_id, a.check_name]] : []),
    integrationId: a.integration_id,
    integrationName: null,
  };
}

export interface AlertServiceDeps {
  db: Transactor;
  dialect: Dialect;
  repo: AlertRepository;
  writer: AlertWriter;
  ingest: IngestRepository;
  settings: SettingsService;
  audit: AuditService;
  clock: Clock;
  onQueued: () => void;
}

export class AlertService {
  constructor(private readonly d: AlertServiceDeps) {}

  async list(p: Principal, q: AlertQuery): Promise<Page<AlertListRow>> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const filter: AlertFilter = { clientIds: p.clientIds, ...q, states: q.state ? q.state.split(',') : undefined };
    const rows = await this.d.repo.list(filter, cursorOf(q, 1), limit);
    return toPage(rows, limit, (r) => [r.id], (r) => r);
  }

  async get(p: Principal, id: string): Promise<{ alert: AlertListRow; events: AlertEventRow[] }> {
    const alert = await this.visible(p, id);
    return { alert, events: await this.d.repo.events(id) };
  }

  async acknowledge(p: Principal, id: string, note: string | null): Promise<AlertListRow> {
    const alert = await this.visible(p, id);
    await this.d.db.run(async (tx) => {
      const now = this.d.clock.now();
      const a = await this.current(tx, id);
      if (a.state === 'resolved' || a.state === 'dismissed') throw new ConflictError(`alert ${id} is ${a.state}; only open alerts can be acknowledged`);
      if (a.type === 'destructive_operation') {
        // A person has seen it: that is what ends this alert.
        const acked = await this.d.writer.acknowledge(tx, a, p, note, names(alert), now);
        await this.d.writer.resolve(tx, acked, true, names(alert), now, p, note);
      } else if (a.state === 'open') {
        await this.d.writer.acknowledge(tx, a, p, note, names(alert), now);
      }
      await this.d.audit.record(p, { action: 'alert.acknowledge', targetType: 'alert', targetId: id, clientId: a.client_id, details: { note } }, tx);
    });
    return (await this.d.repo.byId(id))!;
  }

  async dismiss(p: Principal, id: string, note: string | null): Promise<AlertListRow> {
    const alert = await this.visible(p, id);
    await this.d.db.run(async (tx) => {
      const a = await this.current(tx, id);
      if (a.state === 'resolved') throw new ConflictError(`alert ${id} is resolved`);
      if (a.state === 'dismissed') return;
      await this.dismissOne(tx, p, a, names(alert), note);
    });
    await this.d.audit.record(p, { action: 'alert.dismiss', targetType: 'alert', targetId: id, clientId: alert.client_id, details: { note } });
    return (await this.d.repo.byId(id))!;
  }

  /** Dismisses every open or acknowledged alert matching the group; all of them needs admin. */
  async dismissGroup(p: Principal, g: GroupDismissal): Promise<number> {
    const filtered = g.client !== undefined || g.device !== undefined || g.type !== undefined;
    if (!filtered && g.all !== true) throw ValidationError.field('all', 'give client, device or type, or all: true to dismiss every alert');
    if (!filtered && !can(p, 'admin')) throw new ForbiddenError('dismissing every alert at once needs admin');
    // Names first: on SQLite nothing outside the transaction may run while it is open.
    const candidates = await this.d.repo.dismissable(this.d.db.plain, { clientIds: p.clientIds, client: g.client, device: g.device, type: g.type });
    const full = new Map<string, AlertListRow>();
    for (const a of candidates) full.set(a.id, (await this.d.repo.byId(a.id))!);
    const n = await this.d.db.run(async (tx) => {
      let count = 0;
      for (const candidate of candidates) {
        const a = await this.current(tx, candidate.id);
        if (a.state !== 'open' && a.state !== 'acknowledged') continue;
        await this.dismissOne(tx, p, a, names(full.get(a.id)!), g.note ?? null);
        count++;
      }
      return count;
    });
    await this.d.audit.record(p, { action: 'alert.dismiss_group', targetType: 'alert', clientId: g.client ?? null, details: { ...g, count: n } });
    return n;
  }

  private async dismissOne(tx: Tx, p: Principal, a: AlertRow, n: AlertNames, note: string | null): Promise<void> {
    const now = this.d.clock.now();
    const config = await this.d.settings.effective(a.client_id, tx);
    await this.d.writer.dismiss(tx, a, p, now + config.thresholds.dismiss_hours * HOUR, note, n, now);
    // Its device must look again when the dismissal runs out.
    if (a.device_id) {
      await this.d.ingest.enqueue(tx, [a.device_id], newId(now), now);
      this.d.onQueued();
    }
  }

  private async current(tx: Tx, id: string): Promise<AlertRow> {
    const a = await this.d.repo.lockForUpdate(tx, id, this.d.dialect);
    if (!a) throw new NotFoundError('alert', id);
    return a;
  }

  private async visible(p: Principal, id: string): Promise<AlertListRow> {
    const a = await this.d.repo.byId(id);
    if (!a || (a.client_id !== null && !canSeeClient(p, a.client_id)) || (a.client_id === null && p.clientIds !== null)) {
      throw new NotFoundError('alert', id);
    }
    return a;
  }
}
