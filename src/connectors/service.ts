// Connectors as an admin configures them: create, read, change, delete, test, sync now, and the
// history of their syncs. Secrets in a config are sealed at rest and never answered (`***`).
// Connectors are workspace-wide (they write to any client), so principals limited to clients
// may not manage them.
import type { Logger } from 'pino';
import { connectorType } from './registry.js';
import type { ConnectorType, TestReport } from './types.js';
import type { ConnectorRepository } from '../db/repositories/connectors.js';
import type { ConnectorRow, ConnectorRunRow } from '../db/schema.js';
import type { Principal } from '../domain/access.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { connectorHealth, type HealthReport } from '../domain/integration-health.js';
import { nameKey } from '../domain/job.js';
import { type Clock, sleepOn } from '../lib/clock.js';
import { type Page, toPage } from '../lib/cursor.js';
import { newId } from '../lib/ids.js';
import type { SecretBox } from '../lib/secret-box.js';
import { MASK, maskSecrets, mergeSecrets, sealSecrets } from '../lib/secret-config.js';
import type { AuditService } from '../ops/audit.js';
import { cursorOf, DEFAULT_LIMIT, type PageRequest } from '../catalog/catalog.js';
import { type ConnectorRunner, resolvedConfig, type RunTrigger } from './runner.js';
import type { IntegrationService } from '../engine/integrations.js';
import type { ConnectorTenantService } from './tenants.js';

export interface NewConnector {
  type: string;
  name: string;
  config: Record<string, unknown>;
  enabled?: boolean;
}

export interface ConnectorPatch {
  name?: string;
  enabled?: boolean;
  config?: Record<string, unknown>;
}

export interface ConnectorView {
  row: ConnectorRow;
  /** Stored config with secrets masked. */
  config: Record<string, unknown>;
  running: boolean;
  /** From its last sync run (docs/connectors.md, "Health"). */
  health: HealthReport;
}

export interface ConnectorServiceDeps {
  repo: ConnectorRepository;
  runner: ConnectorRunner;
  integrations: IntegrationService;
  secrets: SecretBox;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
  onChanged: () => void;
  /** Each connector's platform tenants and their client mapping (GET/PUT /api/v1/connectors/<id>/tenants). */
  tenants: ConnectorTenantService;
}

export class ConnectorService {
  constructor(private readonly d: ConnectorServiceDeps) {}

  get tenants(): ConnectorTenantService {
    return this.d.tenants;
  }

  async list(p: Principal, req: PageRequest): Promise<Page<ConnectorView>> {
    this.assertWorkspace(p);
    const limit = req.limit ?? DEFAULT_LIMIT;
    const after = cursorOf(req, 2) as [string, string] | null;
    const rows = await this.d.repo.list(after, limit);
    return toPage(rows, limit, (r) => [r.name_key, r.id], (r) => this.view(r));
  }

  async get(p: Principal, id: string): Promise<ConnectorView> {
    return this.view(await this.find(p, id));
  }

  async create(p: Principal, input: NewConnector): Promise<ConnectorView> {
    this.assertWorkspace(p);
    const type = this.typeOf(input.type);
    const name = input.name.trim().replace(/\s+/g, ' ');
    for (const f of type.secretFields) {
      if (input.config[f] === MASK) throw ValidationError.field(`config.${f}`, 'give the secret itself, not the mask');
    }
    const config = type.initialConfig ? type.initialConfig(input.config, name) : input.config;
    const resolved = type.resolve(config, name);
    const now = this.d.clock.now();
    const id = newId(now);
    await this.assertNameFree(name);
    const row: ConnectorRow = {
      id,
      type: type.type,
      name,
      name_key: nameKey(name),
      source: `${type.type}:${id}`,
      config: JSON.stringify(sealSecrets(this.d.secrets, config, type.secretFields)),
      enabled: input.enabled === false ? 0 : 1,
      interval_ms: type.intervalMs(resolved),
      cursor: null,
      next_run_at: now,
      claimed_until: null,
      claimed_by: null,
      last_run_id: null,
      last_run_at: null,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    await this.d.repo.insert(row);
    await this.d.audit.record(p, { action: 'connector.create', targetType: 'connector', targetId: id, details: { type: row.type, name } });
    this.d.onChanged();
    return this.view(row);
  }

  /** Fields given replace stored ones; a config change is merged (secrets kept unless replaced or an endpoint changed) and syncs soon. */
  async update(p: Principal, id: string, patch: ConnectorPatch): Promise<ConnectorView> {
    const row = await this.find(p, id);
    const type = this.typeOf(row.type);
    const now = this.d.clock.now();
    const changes: Partial<ConnectorRow> = { updated_at: now };
    const name = patch.name === undefined ? row.name : patch.name.trim().replace(/\s+/g, ' ');
    if (nameKey(name) !== row.name_key) await this.assertNameFree(name);
    if (patch.name !== undefined) Object.assign(changes, { name, name_key: nameKey(name) });
    if (patch.config !== undefined) {
      const merged = mergeSecrets(this.d.secrets, JSON.parse(row.config) as Record<string, unknown>, patch.config, type.secretFields, type.configSchema);
      if ('problems' in merged) throw new ValidationError(merged.problems);
      const stored = merged.config;
      const resolved = resolvedConfig(type, { ...row, name, config: JSON.stringify(stored) }, this.d.secrets);
      Object.assign(changes, { config: JSON.stringify(stored), interval_ms: type.intervalMs(resolved), next_run_at: now });
    }
    if (patch.enabled !== undefined) {
      changes.enabled = patch.enabled ? 1 : 0;
      if (patch.enabled && row.enabled === 0) changes.next_run_at = now;
    }
    await this.d.repo.update(id, changes);
    const fields = Object.keys(patch.config ?? {}).map((k) => (type.secretFields.includes(k) ? `${k} (secret)` : k));
    await this.d.audit.record(p, { action: 'connector.update', targetType: 'connector', targetId: id, details: { name: patch.name, enabled: patch.enabled, config_fields: fields } });
    this.d.onChanged();
    return this.view((await this.d.repo.byId(id))!);
  }

  /** Deletes it with its sync history; its integration alerts resolve. Its jobs, devices and checks stay. */
  async remove(p: Principal, id: string): Promise<void> {
    const row = await this.find(p, id);
    await this.d.repo.delete(id);
    await this.d.integrations.remove({ id: row.id, name: row.name, type: row.type, source: row.source });
    await this.d.audit.record(p, { action: 'connector.delete', targetType: 'connector', targetId: id, details: { name: row.name } });
  }

  /** Checks the connection step by step without syncing; says which step failed. */
  async test(p: Principal, id: string): Promise<TestReport> {
    const row = await this.find(p, id);
    const type = this.typeOf(row.type);
    const connector = type.create(resolvedConfig(type, row, this.d.secrets), {
      now: () => this.d.clock.now(),
      sleep: (ms) => sleepOn(this.d.clock, ms),
      logger: this.d.logger.child({ connector: row.id }),
    });
    return connector.test();
  }

  /** Syncs now and answers the finished run. */
  async sync(p: Principal, id: string, trigger: RunTrigger = 'manual'): Promise<ConnectorRunRow> {
    const row = await this.find(p, id);
    await this.d.audit.record(p, { action: 'connector.sync', targetType: 'connector', targetId: id, details: { name: row.name, trigger } });
    return this.d.runner.syncNow(id, trigger);
  }

  async runs(p: Principal, id: string, req: PageRequest): Promise<Page<ConnectorRunRow>> {
    await this.find(p, id);
    const limit = req.limit ?? DEFAULT_LIMIT;
    const before = cursorOf(req, 1)?.[0];
    const rows = await this.d.repo.runs(id, typeof before === 'string' ? before : null, limit);
    return toPage(rows, limit, (r) => [r.id], (r) => r);
  }

  /** By id or by name (the CLI). */
  async resolve(p: Principal, idOrName: string): Promise<ConnectorRow> {
    this.assertWorkspace(p);
    const row = (await this.d.repo.byId(idOrName)) ?? (await this.d.repo.byNameKey(nameKey(idOrName)));
    if (!row) throw new NotFoundError('connector', idOrName);
    return row;
  }

  private view(row: ConnectorRow): ConnectorView {
    const type = connectorType(row.type);
    const stored = JSON.parse(row.config) as Record<string, unknown>;
    return {
      row,
      config: maskSecrets(stored, type?.secretFields ?? []),
      running: row.claimed_until !== null && row.claimed_until >= this.d.clock.now(),
      health: connectorHealth({ status: row.last_status, error: row.last_error, at: row.last_run_at }),
    };
  }

  private async find(p: Principal, id: string): Promise<ConnectorRow> {
    this.assertWorkspace(p);
    const row = await this.d.repo.byId(id);
    if (!row) throw new NotFoundError('connector', id);
    return row;
  }

  private typeOf(type: string): ConnectorType {
    const t = connectorType(type);
    if (!t) throw ValidationError.field('type', `unknown connector type "${type}"`);
    return t;
  }

  private async assertNameFree(name: string): Promise<void> {
    if (name === '') throw ValidationError.field('name', 'must not be blank');
    const clash = await this.d.repo.byNameKey(nameKey(name));
    if (clash) throw new ConflictError(`a connector named "${clash.name}" already exists (${clash.id})`);
  }

  private assertWorkspace(p: Principal): void {
    if (p.clientIds !== null) throw new ForbiddenError('connectors are workspace-wide: a principal limited to clients may not manage them');
  }
}
