// Reading clients, devices and jobs, always within what the principal may see. A resource of a
// client the principal may not see is reported as not found, so its existence does not leak.
import type { AlertRepository } from '../db/repositories/alerts.js';
import type { CheckRepository } from '../db/repositories/checks.js';
import type { ClientRepository } from '../db/repositories/clients.js';
import { type DeviceRepository, type DeviceSort, type FactsUpdate, parseSort, sortValueOf } from '../db/repositories/devices.js';
import type { JobRepository } from '../db/repositories/jobs.js';
import type { ReportRepository } from '../db/repositories/reports.js';
import type { CheckRow, ClientRow, DeviceRow, JobReviewRow, JobRow } from '../db/schema.js';
import { canSeeClient, type Principal } from '../domain/access.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { emptyRollup, type Rollup, rollupOf } from '../domain/rollup.js';
import { tagFilter } from '../domain/tags.js';
import type { Clock } from '../lib/clock.js';
import { type CursorKey, decodeCursor, type Page, toPage } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import type { AuditService } from '../ops/audit.js';

export interface PageRequest {
  cursor?: string;
  limit?: number;
}

export const DEFAULT_LIMIT = 50;

export function cursorOf(req: PageRequest, length: number): CursorKey | null {
  if (req.cursor === undefined || req.cursor === '') return null;
  const key = decodeCursor(req.cursor, length);
  if (key === null) throw ValidationError.field('cursor', 'is not a cursor this list gave out');
  return key;
}

export interface ClientSummary {
  client: ClientRow;
  deviceCount: number;
  rollup: Rollup;
  openAlerts: { critical: number; warning: number; info: number };
}

export interface DeviceWithChecks {
  device: DeviceRow;
  checks: CheckRow[];
}

/** A job as lists show it; `review`: a person's review of the run, when there is one (docs/review.md). */
export type JobListItem = Omit<JobRow, 'raw' | 'log'> & { review?: JobReviewRow | null };

export interface CatalogServiceDeps {
  clients: ClientRepository;
  devices: DeviceRepository;
  checks: CheckRepository;
  jobs: JobRepository;
  reports: ReportRepository;
  alerts: AlertRepository;
  /** Reviews of runs, shown on every job (docs/review.md). */
  reviews: { forJobs(ids: readonly string[]): Promise<Map<string, JobReviewRow>> };
  audit: AuditService;
  clock: Clock;
}

export class CatalogService {
  constructor(private readonly d: CatalogServiceDeps) {}

  async listClients(p: Principal, req: PageRequest & { q?: string }): Promise<Page<ClientSummary>> {
    const limit = req.limit ?? DEFAULT_LIMIT;
    const rows = await this.d.clients.list({ clientIds: p.clientIds, q: req.q, after: cursorOf(req, 2), limit });
    const page = toPage(rows, limit, (r) => [r.name_key, r.id], (r) => r);
    return { items: await this.summaries(page.items), next_cursor: page.next_cursor };
  }

  async getClient(p: Principal, id: string): Promise<ClientSummary> {
    const client = await this.d.clients.byId(id);
    if (!client || !canSeeClient(p, client.id)) throw new NotFoundError('client', id);
    return (await this.summaries([client]))[0]!;
  }

  private async summaries(clients: ClientRow[]): Promise<ClientSummary[]> {
    const ids = clients.map((c) => c.id);
    const rollups = rollupOf(await this.d.reports.rollup(ids));
    const alertCounts = ids.length === 0 ? [] : await this.d.alerts.counts(ids);
    return clients.map((client) => {
      const rollup = rollups.get(client.id) ?? emptyRollup();
      const openAlerts = { critical: 0, warning: 0, info: 0 };
      for (const a of alertCounts) if (a.client_id === client.id) openAlerts[a.severity as keyof typeof openAlerts] += Number(a.n);
      return { client, deviceCount: Object.values(rollup.bands).reduce((a, b) => a + b, 0), rollup, openAlerts };
    });
  }

  /** Client ids for references given by id or name (CLI options, settings). */
  async resolveClients(refs: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const ref of refs) {
      const row = await this.d.clients.byRef(ref);
      if (!row) throw new NotFoundError('client', ref);
      ids.push(row.id);
    }
    return ids;
  }

  async listDevices(
    p: Principal,
    req: PageRequest & { client?: string; status?: string; class?: string; q?: string; sort?: DeviceSort; tag?: string[] },
  ): Promise<Page<DeviceWithChecks>> {
    const limit = req.limit ?? DEFAULT_LIMIT;
    const { key } = parseSort(req.sort);
    const rows = await this.d.devices.list({ clientIds: p.clientIds, ...req, tags: tagFilter(req.tag), after: cursorOf(req, key === 'name' ? 2 : 3), limit });
    const cursorKey = (r: DeviceRow) => (key === 'name' ? [r.name_key, r.id] : [sortValueOf(r, key), r.name_key, r.id]);
    const page = toPage(rows, limit, cursorKey, (r) => r);
    const checks = await this.d.checks.forDevices(page.items.map((d) => d.id));
    return {
      items: page.items.map((device) => ({ device, checks: checks.filter((c) => c.device_id === device.id) })),
      next_cursor: page.next_cursor,
    };
  }

  async getDevice(p: Principal, id: string): Promise<DeviceWithChecks> {
    const device = await this.visibleDevice(p, id);
    return { device, checks: await this.d.checks.forDevices([id]) };
  }

  async listDeviceJobs(
    p: Principal,
    deviceId: string,
    req: PageRequest & { check?: string; status?: string },
  ): Promise<Page<JobListItem>> {
    await this.visibleDevice(p, deviceId);
    const limit = req.limit ?? DEFAULT_LIMIT;
    const rows = await this.d.jobs.forDevice({ deviceId, check: req.check, status: req.status, after: cursorOf(req, 2), limit });
    const page = toPage(rows, limit, (r) => [r.occurred_at, r.id], (r): JobListItem => r);
    const reviews = await this.d.reviews.forJobs(page.items.map((j) => j.id));
    return { items: page.items.map((j) => ({ ...j, review: reviews.get(j.id) ?? null })), next_cursor: page.next_cursor };
  }

  async getJob(p: Principal, id: string): Promise<JobRow & { review: JobReviewRow | null }> {
    const job = await this.d.jobs.byId(id);
    if (!job || !canSeeClient(p, job.client_id)) throw new NotFoundError('job', id);
    return { ...job, review: (await this.d.reviews.forJobs([id])).get(id) ?? null };
  }

  /** Sets storage facts without a job (SPEC §8 `PUT /devices/<id>/facts`); the device is re-evaluated. */
  async setFacts(p: Principal, deviceId: string, facts: FactsUpdate): Promise<DeviceWithChecks> {
    const device = await this.visibleDevice(p, deviceId);
    const now = this.d.clock.now();
    await this.d.devices.setFacts(deviceId, facts, now, newId(now));
    // Sources push facts all day; only a person's change belongs in the audit log.
    if (p.kind === 'user') {
      await this.d.audit.record(p, { action: 'device.facts', targetType: 'device', targetId: deviceId, clientId: device.client_id, details: { ...facts } });
    }
    return this.getDevice(p, deviceId);
  }

  async visibleDevice(p: Principal, id: string): Promise<DeviceRow> {
    const device = await this.d.devices.byId(id);
    if (!device || !canSeeClient(p, device.client_id)) throw new NotFoundError('device', id);
    return device;
  }
}
