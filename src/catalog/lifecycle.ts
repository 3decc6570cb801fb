// Objects have a lifecycle (issue #16, docs/api.md "Lifecycle"): clients, devices and checks are
// renamed and deleted, devices retired and merged. Each change is one transaction with its audit
// entry. What a deleted object's alerts become: they are removed with their history and whatever
// of them was still to be sent, so nothing about an object that no longer exists can notify. The
// object goes first, then its alerts: on PostgreSQL the delete waits for an evaluation holding the
// device, and the alerts that evaluation wrote are then seen and removed too.
import type { AlertRepository } from '../db/repositories/alerts.js';
import type { CheckRepository } from '../db/repositories/checks.js';
import type { ClientRepository } from '../db/repositories/clients.js';
import type { DeviceRepository } from '../db/repositories/devices.js';
import type { IngestRepository } from '../db/repositories/ingest.js';
import type { Transactor, Tx } from '../db/transaction.js';
import type { CheckRow, ClientRow, DeviceRow } from '../db/schema.js';
import { canSeeClient, type Principal } from '../domain/access.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { nameKey } from '../domain/job.js';
import { normaliseTags, storedTags } from '../domain/tags.js';
import { addTags, setTags } from '../db/repositories/tags.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { AuditService } from '../ops/audit.js';

export interface LifecycleDeps {
  db: Transactor;
  clients: ClientRepository;
  devices: DeviceRepository;
  checks: CheckRepository;
  alerts: AlertRepository;
  ingest: IngestRepository;
  audit: AuditService;
  clock: Clock;
  /** After a rename, delete or merge: ingestion forgets the ids it cached by name. */
  onNamesChanged: () => void;
  /** After a device was queued for evaluation. */
  onQueued: () => void;
}

function cleanName(name: string): { name: string; key: string } {
  const clean = name.trim().replace(/\s+/g, ' ');
  if (clean === '') throw ValidationError.field('name', 'must not be blank');
  return { name: clean, key: nameKey(clean) };
}

export class LifecycleService {
  constructor(private readonly d: LifecycleDeps) {}

  private async client(p: Principal, id: string): Promise<ClientRow> {
    const c = await this.d.clients.byId(id);
    if (!c || !canSeeClient(p, c.id)) throw new NotFoundError('client', id);
    return c;
  }

  private async device(p: Principal, id: string, field?: string): Promise<DeviceRow> {
    const d = await this.d.devices.byId(id);
    if (!d || !canSeeClient(p, d.client_id)) {
      if (field) throw ValidationError.field(field, `device ${id} not found`);
      throw new NotFoundError('device', id);
    }
    return d;
  }

  private async check(p: Principal, id: string): Promise<CheckRow> {
    const c = await this.d.checks.byId(id);
    if (!c || !canSeeClient(p, c.client_id)) throw new NotFoundError('check', id);
    return c;
  }

  private run<T>(work: (tx: Tx, now: number) => Promise<T>): Promise<T> {
    const now = this.d.clock.now();
    return this.d.db.run((tx) => work(tx, now)).finally(() => this.d.onNamesChanged());
  }

  async renameClient(p: Principal, id: string, newName: string): Promise<void> {
    const c = await this.client(p, id);
    const { name, key } = cleanName(newName);
    await this.run(async (tx, now) => {
      if (!(await this.d.clients.rename(tx, id, name, key, now))) throw new ConflictError(`another client is named "${name}"`);
      await this.d.audit.record(p, { action: 'client.rename', targetType: 'client', targetId: id, clientId: id, details: { from: c.name, to: name } }, tx);
    });
  }

  /** Deletes a client; one that still holds devices or checks only with `cascade`. */
  async deleteClient(p: Principal, id: string, cascade: boolean): Promise<{ devices: number; checks: number; alerts: number }> {
    const c = await this.client(p, id);
    return this.run(async (tx) => {
      const held = await this.d.clients.contents(tx, id);
      if (!cascade && (held.devices > 0 || held.checks > 0)) {
        throw new ConflictError(
          `client "${c.name}" still holds ${held.devices} device(s) and ${held.checks} check(s); delete them first or ask for cascade=true`,
        );
      }
      await this.d.clients.delete(tx, id);
      const alerts = await this.d.alerts.removeOf(tx, { column: 'client_id', id });
      const details = { name: c.name, cascade, ...held, alerts };
      await this.d.audit.record(p, { action: 'client.delete', targetType: 'client', targetId: id, clientId: id, details }, tx);
      return { ...held, alerts };
    });
  }

  /** Deletes the clients of these names (those that exist) with everything under them. */
  async deleteClientsNamed(p: Principal, names: string[], action: string): Promise<string[]> {
    const removed: string[] = [];
    for (const n of names) {
      const c = await this.d.clients.byNameKey(nameKey(n));
      if (!c || !canSeeClient(p, c.id)) continue;
      await this.deleteClient(p, c.id, true);
      removed.push(c.name);
    }
    await this.d.audit.record(p, { action, details: { clients: removed } });
    return removed;
  }

  async updateDevice(p: Principal, id: string, change: { name?: string; retired?: boolean; tags?: string[] }): Promise<void> {
    const dev = await this.device(p, id);
    const renamed = change.name === undefined ? null : cleanName(change.name);
    const tags = change.tags === undefined ? null : normaliseTags(change.tags);
    await this.run(async (tx, now) => {
      if (tags) {
        await setTags(tx, 'device', id, tags, now);
        await this.d.audit.record(p, { action: 'device.tags', targetType: 'device', targetId: id, clientId: dev.client_id, details: { tags } }, tx);
      }
      if (renamed) {
        if (!(await this.d.devices.rename(tx, { id, clientId: dev.client_id }, renamed.name, renamed.key, now))) {
          throw new ConflictError(`the client already has a device named "${renamed.name}"`);
        }
        await this.d.audit.record(p, { action: 'device.rename', targetType: 'device', targetId: id, clientId: dev.client_id, details: { from: dev.name, to: renamed.name } }, tx);
      }
      if (change.retired !== undefined && change.retired !== (dev.retired_manually_at !== null)) {
        await this.d.devices.setRetiredManually(tx, id, change.retired ? now : null, now);
        const action = change.retired ? 'device.retire' : 'device.unretire';
        await this.d.audit.record(p, { action, targetType: 'device', targetId: id, clientId: dev.client_id, details: { name: dev.name } }, tx);
      }
      // Evaluation applies it: a retired device's open alerts resolve, a device brought back is judged again.
      await this.d.ingest.enqueue(tx, [id], newId(now), now, 'all');
    });
    this.d.onQueued();
  }

  async deleteDevice(p: Principal, id: string): Promise<void> {
    const dev = await this.device(p, id);
    await this.run(async (tx) => {
      await this.d.devices.delete(tx, id);
      const alerts = await this.d.alerts.removeOf(tx, { column: 'device_id', id });
      await this.d.audit.record(p, { action: 'device.delete', targetType: 'device', targetId: id, clientId: dev.client_id, details: { name: dev.name, alerts } }, tx);
    });
  }

  /**
   * One machine known under two names: the source's checks and jobs move to the target (a check
   * of the same name is merged into the target's), then the source is deleted with its alerts;
   * the target is evaluated again with the whole history.
   */
  async mergeDevice(p: Principal, id: string, intoId: string): Promise<void> {
    if (id === intoId) throw ValidationError.field('into', 'must be another device');
    const source = await this.device(p, id);
    const target = await this.device(p, intoId, 'into');
    if (source.client_id !== target.client_id) throw ValidationError.field('into', 'must be a device of the same client');
    const theirs = await this.d.checks.forDevices([target.id]);
    const mine = await this.d.checks.forDevices([source.id]);
    await this.run(async (tx, now) => {
      const moved: string[] = [];
      const merged: string[] = [];
      for (const c of mine) {
        const same = theirs.find((t) => t.name_key === c.name_key);
        if (same) {
          await this.d.devices.moveJobs(tx, { deviceId: source.id, checkId: c.id }, { deviceId: target.id, checkId: same.id });
          await addTags(tx, 'check', same.id, storedTags(c.tags), now);
          await this.d.checks.delete(tx, c.id);
          await this.d.alerts.removeOf(tx, { column: 'check_id', id: c.id });
          merged.push(c.name);
        } else {
          await this.d.devices.moveCheck(tx, c.id, target.id, now);
          moved.push(c.name);
        }
      }
      await this.d.devices.moveJobs(tx, { deviceId: source.id }, { deviceId: target.id });
      // One machine under two names: it keeps the tags of both.
      await addTags(tx, 'device', target.id, storedTags(source.tags), now);
      await this.d.devices.delete(tx, source.id);
      await this.d.alerts.removeOf(tx, { column: 'device_id', id: source.id });
      await this.d.ingest.enqueue(tx, [target.id], newId(now), now, 'all');
      const details = { name: source.name, into: target.id, into_name: target.name, moved_checks: moved, merged_checks: merged };
      await this.d.audit.record(p, { action: 'device.merge', targetType: 'device', targetId: source.id, clientId: source.client_id, details }, tx);
    });
    this.d.onQueued();
  }

  async deleteCheck(p: Principal, id: string): Promise<void> {
    const c = await this.check(p, id);
    await this.run(async (tx, now) => {
      await this.d.checks.delete(tx, id);
      const alerts = await this.d.alerts.removeOf(tx, { column: 'check_id', id });
      await this.d.ingest.enqueue(tx, [c.device_id], newId(now), now, 'all');
      await this.d.audit.record(p, { action: 'check.delete', targetType: 'check', targetId: id, clientId: c.client_id, details: { name: c.name, device_id: c.device_id, alerts } }, tx);
    });
    this.d.onQueued();
  }
}
