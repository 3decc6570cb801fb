// A connector's platform tenants and the Keepwatch client each one's jobs land in (issue #19;
// docs/connectors.md, "Tenants and clients"): the list with each tenant's current client and
// exact-name suggestion, and a mapping set or cleared per tenant. Admin, workspace-wide.
import { type Static, Type } from 'typebox';
import { storedIso } from '../domain/limits.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { Id, IsoTime, Nullable, problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import type { ConnectorTenantService, TenantView } from './tenants.js';

const TenantSchema = Type.Object({
  tenant_id: Type.String({ description: "the platform's own id of the tenant" }),
  tenant_name: Type.String({ description: 'its name as the platform last answered it' }),
  client_id: Nullable(Type.String({ description: 'the client its jobs go to now (mapped or of exactly its name); null: none yet, the next sync creates one of its name' })),
  client_name: Type.String({ description: 'the name of that client (or of the one the next sync creates)' }),
  mapped: Type.Boolean({ description: 'true: a user mapped it; false: matched by name' }),
  suggestion: Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { description: 'the client of exactly its name, if any' })),
  first_seen_at: IsoTime,
  last_seen_at: IsoTime,
});

const TenantListSchema = Type.Object({ items: Type.Array(TenantSchema) });
const TenantParams = Type.Object({ id: Id, tenant_id: Type.String({ minLength: 1, maxLength: 500 }) });
const TenantMapSchema = Type.Object(
  { client_id: Nullable(Type.String({ minLength: 1, maxLength: 100, description: 'the client to map the tenant to; null clears the mapping (back to the name match)' })) },
  { additionalProperties: false },
);

function tenantDto(t: TenantView): Static<typeof TenantSchema> {
  return { ...t, first_seen_at: storedIso(t.first_seen_at), last_seen_at: storedIso(t.last_seen_at) };
}

export function connectorTenantRoutes(app: Api, deps: { tenants: ConnectorTenantService }): void {
  const { tenants } = deps;
  const tags = ['connectors'];
  const r = resourceRoutes(app, { path: '/api/v1/connectors', tags, ability: 'admin', scope: 'workspace' });
  r.action('GET', 'tenants', { summary: "A connector's platform tenants, with the client each one's jobs go to (mapped or of exactly its name)", answer: TenantListSchema }, async (p, id) => ({
    items: (await tenants.list(p, id)).map(tenantDto),
  }));
  app.put(
    '/api/v1/connectors/:id/tenants/:tenant_id',
    {
      config: { ability: 'admin', scope: 'workspace' },
      schema: {
        tags,
        summary: 'Map a platform tenant to a client (null: back to the exact-name match); the next sync puts its jobs there',
        params: TenantParams,
        body: TenantMapSchema,
        response: { 200: TenantSchema, ...problemResponses },
      },
    },
    async (req) => tenantDto(await tenants.map(req.principal, req.params.id, req.params.tenant_id, req.body.client_id)),
  );
}
