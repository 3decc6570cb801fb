// What people do with alerts: list (filtered, searched, counted), read with history, acknowledge
// (with a note) one or a list of them, dismiss one, a list, a group (by client, device, type) or all.
// A dismissal hides an alert but fixes nothing: if its condition still holds when the dismissal runs
// out (default 24 h, or the `until` given), the alert is raised again.
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
import { DAY, HOUR } from '../lib/time.js';
import { nameKey } from '../domain/job.js';
import { tagFilter } from '../domain/tags.js';
import type { AlertNames, AlertWriter } from './alert-writer.js';
import type { AuditService } from '../ops/audit.js';
import { cursorOf, DEFAULT_LIMIT, type PageRequest } from '../catalog/catalog.js';
import type { SettingsService } from './settings.js';
import type { ALERT_STATES } from './alert-schemas.js';

type AlertState = (typeof ALERT_STATES)[number];

export interface AlertQuery extends PageRequest {
  state?: string;
  client?: string;
  device?: string;
  check?: string;
  type?: string;
  severity?: string;
  /** Tags, each on the alert's device or check (repeated: all of them). */
  tag?: string[];
  /** Text to find in the title or the client, device or check name (any case). */
  q?: string;
}

export interface GroupDismissal {
  client?: string;
  device?: string;
  type?: string;
  all?: boolean;
  note?: string;
  until?: string;
}

/** How far ahead a dismissal may be set: longer than this is a maintenance window or retiring the device. */
export const MAX_DISMISSAL_DAYS = 30;

/** One id of a bulk acknowledge or dismiss: done, already so (unchanged), not found (or not yours), or in a state that forbids it. */
export type BulkOutcome = 'done' | 'unchanged' | 'not_found' | 'conflict';

export interface BulkResult {
  id: string;
  result: BulkOutcome;
  /** The alert's state after the call; null when not found. */
  state: AlertState | null;
  detail: string | null;
}

type Step = Omit<BulkResult, 'id'>;

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

  /** A page of alerts, and how many match the filter over all pages. */
  async list(p: Principal, q: AlertQuery): Promise<Page<AlertListRow> & { total: number }> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const search = q.q === undefined ? '' : nameKey(q.q);
    const filter: AlertFilter = {
      clientIds: p.clientIds,
      client: q.client,
      device: q.device,
      check: q.check,
      type: q.type,
      severity: q.severity,
      tags: tagFilter(q.tag),
      states: q.state ? q.state.split(',') : undefined,
      search: search || undefined,
    };
    const rows = await this.d.repo.list(filter, cursorOf(q, 1), limit);
    const total = await this.d.repo.count(filter);
    return { ...toPage(rows, limit, (r) => [r.id], (r) => r), total };
  }

  async get(p: Principal, id: string): Promise<{ alert: AlertListRow; events: AlertEventRow[] }> {
    const alert = await this.visible(p, id);
    return { alert, events: await this.d.repo.events(id) };
  }

  async acknowledge(p: Principal, id: string, note: string | null): Promise<AlertListRow> {
    const alert = await this.visible(p, id);
    const step = await this.d.db.run(async (tx) => this.acknowledgeOne(tx, p, await this.current(tx, id), names(alert), note));
    if (step.result === 'conflict') throw new ConflictError(step.detail!);
    return (await this.d.repo.byId(id))!;
  }

  async dismiss(p: Principal, id: string, note: string | null, until?: string): Promise<AlertListRow> {
    const alert = await this.visible(p, id);
    const end = this.dismissalEnd(until);
    const step = await this.d.db.run(async (tx) => this.dismissStep(tx, p, await this.current(tx, id), names(alert), note, end));
    if (step.result === 'conflict') throw new ConflictError(step.detail!);
    return (await this.d.repo.byId(id))!;
  }

  /** Acknowledges each alert of the list, each as far as its state and the caller's clients allow. */
  async acknowledgeMany(p: Principal, ids: readonly string[], note: string | null): Promise<BulkResult[]> {
    return this.each(p, ids, (tx, a, n) => this.acknowledgeOne(tx, p, a, n, note));
  }

  /** Dismisses each alert of the list, each as far as its state and the caller's clients allow. */
  async dismissMany(p: Principal, ids: readonly string[], note: string | null, until?: string): Promise<BulkResult[]> {
    const end = this.dismissalEnd(until);
    return this.each(p, ids, (tx, a, n) => this.dismissStep(tx, p, a, n, note, end));
  }

  /** Dismisses every open or acknowledged alert matching the group; all of them needs admin. */
  async dismissGroup(p: Principal, g: GroupDismissal): Promise<number> {
    const filtered = g.client !== undefined || g.device !== undefined || g.type !== undefined;
    if (!filtered && g.all !== true) throw ValidationError.field('all', 'give ids, client, device or type, or all: true to dismiss every alert');
    if (!filtered && !can(p, 'admin')) throw new ForbiddenError('dismissing every alert at once needs admin');
    const end = this.dismissalEnd(g.until);
    // Names first: on SQLite nothing outside the transaction may run while it is open.
    const candidates = await this.d.repo.dismissable(this.d.db.plain, { clientIds: p.clientIds, client: g.client, device: g.device, type: g.type });
    const full = new Map((await this.d.repo.byIds(candidates.map((a) => a.id))).map((a) => [a.id, a]));
    const n = await this.d.db.run(async (tx) => {
      let count = 0;
      for (const candidate of candidates) {
        const a = await this.current(tx, candidate.id);
        if (a.state !== 'open' && a.state !== 'acknowledged') continue;
        await this.dismissOne(tx, p, a, names(full.get(a.id)!), g.note ?? null, end);
        count++;
      }
      return count;
    });
    await this.d.audit.record(p, { action: 'alert.dismiss_group', targetType: 'alert', clientId: g.client ?? null, details: { ...g, count: n } });
    return n;
  }

  /**
   * Runs one step per distinct id in one transaction, in id order (the lock order), and answers in
   * the order asked. An id that does not exist or belongs to a client the caller cannot see is
   * `not_found`, as the single routes answer 404.
   */
  private async each(p: Principal, ids: readonly string[], step: (tx: Tx, a: AlertRow, n: AlertNames) => Promise<Step>): Promise<BulkResult[]> {
    const unique = [...new Set(ids)];
    // Names first: on SQLite nothing outside the transaction may run while it is open.
    const seen = new Map((await this.d.repo.byIds(unique)).filter((a) => this.canSee(p, a)).map((a) => [a.id, a]));
    const done = await this.d.db.run(async (tx) => {
      const out = new Map<string, Step>();
      for (const id of [...seen.keys()].sort()) {
        const a = await this.d.repo.lockForUpdate(tx, id, this.d.dialect);
        if (a) out.set(id, await step(tx, a, names(seen.get(id)!)));
      }
      return out;
    });
    return unique.map((id) => ({ id, ...(done.get(id) ?? { result: 'not_found', state: null, detail: `alert ${id} not found` }) }));
  }

  private async acknowledgeOne(tx: Tx, p: Principal, a: AlertRow, n: AlertNames, note: string | null): Promise<Step> {
    if (a.state === 'resolved' || a.state === 'dismissed') {
      return { result: 'conflict', state: a.state, detail: `alert ${a.id} is ${a.state}; only open alerts can be acknowledged` };
    }
    const now = this.d.clock.now();
    let state = a.state as AlertState;
    if (a.type === 'destructive_operation') {
      // A person has seen it: that is what ends this alert.
      const acked = await this.d.writer.acknowledge(tx, a, p, note, n, now);
      await this.d.writer.resolve(tx, acked, true, n, now, p, note);
      state = 'resolved';
    } else if (a.state === 'open') {
      await this.d.writer.acknowledge(tx, a, p, note, n, now);
      state = 'acknowledged';
    }
    if (state === a.state) return { result: 'unchanged', state, detail: null };
    await this.d.audit.record(p, { action: 'alert.acknowledge', targetType: 'alert', targetId: a.id, clientId: a.client_id, details: { note } }, tx);
    return { result: 'done', state, detail: null };
  }

  private async dismissStep(tx: Tx, p: Principal, a: AlertRow, n: AlertNames, note: string | null, until: number | null): Promise<Step> {
    if (a.state === 'resolved' || a.state === 'dismissed') {
      return a.state === 'resolved' ? { result: 'conflict', state: 'resolved', detail: `alert ${a.id} is resolved` } : { result: 'unchanged', state: 'dismissed', detail: null };
    }
    await this.dismissOne(tx, p, a, n, note, until);
    await this.d.audit.record(p, { action: 'alert.dismiss', targetType: 'alert', targetId: a.id, clientId: a.client_id, details: { note } }, tx);
    return { result: 'done', state: 'dismissed', detail: null };
  }

  /** The end of a dismissal asked for: in the future, and at most MAX_DISMISSAL_DAYS ahead; null: the client's default. */
  private dismissalEnd(until: string | undefined): number | null {
    if (until === undefined) return null;
    const at = Date.parse(until);
    const now = this.d.clock.now();
    if (Number.isNaN(at)) throw ValidationError.field('until', 'is not a date-time');
    if (at <= now) throw ValidationError.field('until', 'must be in the future');
    if (at > now + MAX_DISMISSAL_DAYS * DAY) throw ValidationError.field('until', `must be within ${MAX_DISMISSAL_DAYS} days; for longer, use a maintenance window`);
    return at;
  }

  private async dismissOne(tx: Tx, p: Principal, a: AlertRow, n: AlertNames, note: string | null, until: number | null): Promise<void> {
    const now = this.d.clock.now();
    const end = until ?? now + (await this.d.settings.effective(a.client_id, tx)).thresholds.dismiss_hours * HOUR;
    await this.d.writer.dismiss(tx, a, p, end, note, n, now);
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

  private canSee(p: Principal, a: AlertRow): boolean {
    return a.client_id === null ? p.clientIds === null : canSeeClient(p, a.client_id);
  }

  private async visible(p: Principal, id: string): Promise<AlertListRow> {
    const a = await this.d.repo.byId(id);
    if (!a || !this.canSee(p, a)) throw new NotFoundError('alert', id);
    return a;
  }
}
