// Platform tenants (VSPC companies, Datto and Acronis customers, Cove partners, Azure client
// groups) and the Keepwatch clients their jobs land in (issue #19; docs/connectors.md, "Tenants
// and clients"). A user's mapping wins; without one a tenant goes to the existing client of
// exactly its name (case and spaces aside), else to a new client of its name.

import type { ClientName, ConnectorTenantRepository } from '../db/repositories/connector-tenants.js';
import type { ConnectorRepository } from '../db/repositories/connectors.js';
import type { ConnectorTenantRow } from '../db/schema.js';
import type { Principal } from '../domain/access.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import { nameKey } from '../domain/job.js';
import type { Clock } from '../lib/clock.js';
import type { AuditService } from '../ops/audit.js';
import type { Tenant } from './types.js';

/** A tenant's name as a client name: trimmed, spaces collapsed; its id when it has no name. */
const cleanName = (t: Tenant) => t.name.trim().replace(/\s+/g, ' ') || t.id;

/** The clients a connector's tenants resolve to during one sync, and the tenants it saw. */
export class TenantResolver {
  private readonly byKey = new Map<string, ClientName>();
  private readonly byId = new Map<string, ClientName>();
  private readonly mapped = new Map<string, string>();
  readonly seen = new Map<string, string>();

  constructor(clients: readonly ClientName[], mappings: ReadonlyArray<Pick<ConnectorTenantRow, 'tenant_id' | 'client_id'>>) {
    for (const c of clients) {
      this.byKey.set(c.name_key, c);
      this.byId.set(c.id, c);
    }
    for (const m of mappings) if (m.client_id !== null) this.mapped.set(m.tenant_id, m.client_id);
  }

  /** The client a tenant's jobs go to: as mapped, else of exactly its name (stored spelling), else its name (a new client). */
  clientFor(t: Tenant): string {
    const name = cleanName(t);
    this.seen.set(t.id, name);
    return this.resolve(t.id, name).name;
  }

  /** What a tenant resolves to now; `client` is null when no client has its name yet (a sync creates one). */
  resolve(tenantId: string, name: string): { name: string; client: ClientName | null; mapped: boolean } {
    const mappedTo = this.mapped.get(tenantId);
    const target = mappedTo === undefined ? undefined : this.byId.get(mappedTo);
    if (target) return { name: target.name, client: target, mapped: true };
    const match = this.byKey.get(nameKey(name)) ?? null;
    return { name: match?.name ?? name, client: match, mapped: false };
  }

  /** The client of exactly this name, if any. */
  suggestion(name: string): ClientName | null {
    return this.byKey.get(nameKey(name)) ?? null;
  }
}

export interface TenantView {
  tenant_id: string;
  tenant_name: string;
  client_id: string | null;
  client_name: string;
  mapped: boolean;
  suggestion: { id: string; name: string } | null;
  first_seen_at: number;
  last_seen_at: number;
}

export interface ConnectorTenantServiceDeps {
  connectors: ConnectorRepository;
  tenants: ConnectorTenantRepository;
  audit: AuditService;
  clock: Clock;
}

export class ConnectorTenantService {
  constructor(private readonly d: ConnectorTenantServiceDeps) {}

  /** A resolver for one sync of a connector. */
  async resolver(connectorId: string): Promise<TenantResolver> {
    const [clients, mappings] = await Promise.all([this.d.tenants.clients(), this.d.tenants.list(connectorId)]);
    return new TenantResolver(clients, mappings);
  }

  /** Records the tenants a sync saw. */
  async recordSeen(connectorId: string, resolver: TenantResolver): Promise<void> {
    if (resolver.seen.size === 0) return;
    await this.d.tenants.seen(
      connectorId,
      [...resolver.seen].map(([id, name]) => ({ id, name })),
      this.d.clock.now(),
    );
  }

  /** The tenants a connector has seen, with the client each resolves to now. */
  async list(p: Principal, connectorId: string): Promise<TenantView[]> {
    await this.find(p, connectorId);
    const resolver = await this.resolver(connectorId);
    return (await this.d.tenants.list(connectorId)).map((row) => this.view(row, resolver));
  }

  /** Maps a tenant to a client (null: back to the name match). */
  async map(p: Principal, connectorId: string, tenantId: string, clientId: string | null): Promise<TenantView> {
    const connector = await this.find(p, connectorId);
    const row = await this.d.tenants.byId(connectorId, tenantId);
    if (!row) throw new NotFoundError('tenant', tenantId);
    if (clientId !== null && !(await this.d.tenants.client(clientId))) throw ValidationError.field('client_id', `no client ${clientId}`);
    await this.d.tenants.setClient(connectorId, tenantId, clientId);
    await this.d.audit.record(p, {
      action: 'connector.tenant_map',
      targetType: 'connector',
      targetId: connectorId,
      details: { name: connector.name, tenant_id: tenantId, tenant_name: row.tenant_name, client_id: clientId },
    });
    const resolver = await this.resolver(connectorId);
    return this.view({ ...row, client_id: clientId }, resolver);
  }

  private view(row: ConnectorTenantRow, resolver: TenantResolver): TenantView {
    const now = resolver.resolve(row.tenant_id, row.tenant_name);
    const suggestion = resolver.suggestion(row.tenant_name);
    return {
      tenant_id: row.tenant_id,
      tenant_name: row.tenant_name,
      client_id: now.client?.id ?? null,
      client_name: now.name,
      mapped: now.mapped,
      suggestion: suggestion ? { id: suggestion.id, name: suggestion.name } : null,
      first_seen_at: row.first_seen_at,
      last_seen_at: row.last_seen_at,
    };
  }

  private async find(p: Principal, id: string) {
    if (p.clientIds !== null) throw new ForbiddenError('connectors are workspace-wide: a principal limited to clients may not manage them');
    const row = await this.d.connectors.byId(id);
    if (!row) throw new NotFoundError('connector', id);
    return row;
  }
}
