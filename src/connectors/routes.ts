// Pull connectors (SPEC §8): CRUD, test, sync now, sync history. Admin only. A config is
// validated against its type's schema here, at the edge, so every bad field is named.
import { Type } from 'typebox';
import { connectorType, describeConnectorTypes } from './registry.js';
import { ValidationError } from '../domain/errors.js';
import type { ConnectorService } from './service.js';
import { connectorTenantRoutes } from './tenant-routes.js';
import { connectorDto, runDto } from './dto.js';
import { ConnectorPatchSchema, ConnectorRunSchema, ConnectorSchema, NewConnectorSchema, TestReportSchema } from './schemas.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { TypeListSchema } from '../http/type-schemas.js';
import type { Api } from '../http/types.js';
import { compileBody, toFieldProblems } from '../http/validation.js';

const validators = new Map<string, ReturnType<typeof compileBody>>();

/** Checks `config` against the type's schema (whole, or partial for a PATCH); problems are named `config.<field>`. */
function checkConfig(type: string, config: unknown, partial: boolean): void {
  const t = connectorType(type);
  if (!t) throw ValidationError.field('type', `unknown connector type "${type}"`);
  const key = `${type}:${partial}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = compileBody(partial ? Type.Partial(t.configSchema as ReturnType<typeof Type.Object>) : t.configSchema);
    validators.set(key, validate);
  }
  if (!validate(config)) {
    throw new ValidationError(toFieldProblems(validate.errors ?? [], 'config').map((p) => ({ ...p, field: p.field === 'config' ? p.field : `config.${p.field}` })));
  }
}

export function connectorRoutes(app: Api, deps: { connectors: ConnectorService }): void {
  const { connectors } = deps;
  const r = resourceRoutes(app, { path: '/api/v1/connectors', tags: ['connectors'], ability: 'admin', scope: 'workspace' });

  r.types('/api/v1/connector-types', { summary: 'Every connector type with the fields of its config (for forms)', answer: TypeListSchema }, describeConnectorTypes);
  r.list({ summary: 'Pull connectors (secrets answered as "***")', item: ConnectorSchema }, (p, query) => connectors.list(p, query), connectorDto);
  r.create(
    {
      summary: 'Create a connector; it syncs for the first time within seconds',
      description: 'The azure config: tenant_id, client_id, client_secret (write-only), subscription_id, and optional interval_minutes, login_url, management_url, client_by, client, client_tag, client_map, history_days, overlap_minutes, max_job_details (docs/azure.md).',
      body: NewConnectorSchema,
      item: ConnectorSchema,
      problems: [409],
    },
    async (p, body) => {
      checkConfig(body.type, body.config, false);
      return connectorDto(await connectors.create(p, body));
    },
  );
  r.get({ summary: 'One connector', item: ConnectorSchema }, async (p, id) => connectorDto(await connectors.get(p, id)));
  r.update(
    {
      summary: 'Change a connector: config fields given replace stored ones; a secret omitted or sent as "***" is kept',
      body: ConnectorPatchSchema,
      item: ConnectorSchema,
      problems: [409],
    },
    async (p, id, body) => {
      if (body.config !== undefined) checkConfig((await connectors.get(p, id)).row.type, body.config, true);
      return connectorDto(await connectors.update(p, id, body));
    },
  );
  r.remove({ summary: 'Delete a connector and its sync history (its jobs and devices stay); its integration alerts resolve' }, (p, id) => connectors.remove(p, id));
  r.action(
    'POST',
    'sync',
    { summary: 'Sync now; answers when the sync is done, with its counts (409 while a sync of it is running)', answer: ConnectorRunSchema, problems: [409] },
    async (p, id) => runDto(await connectors.sync(p, id)),
  );
  r.action('POST', 'test', { summary: 'Test the connection step by step (token, subscription, permission) without syncing', answer: TestReportSchema }, (p, id) => connectors.test(p, id));
  r.history('runs', { summary: "A connector's syncs, newest first, with counts and errors", item: ConnectorRunSchema }, (p, id, query) => connectors.runs(p, id, query), runDto);
  connectorTenantRoutes(app, { tenants: connectors.tenants });
}
