// Pull connectors (SPEC §8): CRUD, test, sync now, sync history. Admin only. A config is
// validated against its type's schema here, at the edge, so every bad field is named.
import { type Static, Type } from 'typebox';
import { connectorType, describeConnectorTypes } from './registry.js';
import { ValidationError } from '../domain/errors.js';
import type { ConnectorService } from './service.js';
import { connectorDto, runDto } from './dto.js';
import { ConnectorPatchSchema, ConnectorRunSchema, ConnectorSchema, NewConnectorSchema, TestReportSchema } from './schemas.js';
import { IdParams, Page, PageQuery, ProblemSchema, problemResponses } from '../http/schemas.js';
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
  const withConflict = { ...problemResponses, 409: ProblemSchema };
  const tags = ['connectors'];

  app.get(
    '/api/v1/connector-types',
    { config: { ability: 'admin' }, schema: { tags, summary: 'Every connector type with the fields of its config (for forms)', response: { 200: TypeListSchema, ...problemResponses } } },
    async () => ({ items: describeConnectorTypes() }),
  );

  app.get(
    '/api/v1/connectors',
    {
      config: { ability: 'admin' },
      schema: { tags, summary: 'Pull connectors (secrets answered as "***")', querystring: Type.Object(PageQuery), response: { 200: Page(ConnectorSchema), ...problemResponses } },
    },
    async (req) => {
      const page = await connectors.list(req.principal, req.query);
      return { items: page.items.map(connectorDto), next_cursor: page.next_cursor };
    },
  );

  app.post(
    '/api/v1/connectors',
    {
      config: { ability: 'admin' },
      schema: {
        tags,
        summary: 'Create a connector; it syncs for the first time within seconds',
        description: 'The azure config: tenant_id, client_id, client_secret (write-only), subscription_id, and optional interval_minutes, login_url, management_url, client_by, client, client_tag, client_map, history_days, overlap_minutes, max_job_details (docs/azure.md).',
        body: NewConnectorSchema,
        response: { 201: ConnectorSchema, ...withConflict },
      },
    },
    async (req, reply) => {
      checkConfig(req.body.type, req.body.config, false);
      return reply.code(201).send(connectorDto(await connectors.create(req.principal, req.body)));
    },
  );

  app.get(
    '/api/v1/connectors/:id',
    { config: { ability: 'admin' }, schema: { tags, summary: 'One connector', params: IdParams, response: { 200: ConnectorSchema, ...problemResponses } } },
    async (req) => connectorDto(await connectors.get(req.principal, req.params.id)),
  );

  app.patch(
    '/api/v1/connectors/:id',
    {
      config: { ability: 'admin' },
      schema: {
        tags,
        summary: 'Change a connector: config fields given replace stored ones; a secret omitted or sent as "***" is kept',
        params: IdParams,
        body: ConnectorPatchSchema,
        response: { 200: ConnectorSchema, ...withConflict },
      },
    },
    async (req) => {
      if (req.body.config !== undefined) checkConfig((await connectors.get(req.principal, req.params.id)).row.type, req.body.config, true);
      return connectorDto(await connectors.update(req.principal, req.params.id, req.body));
    },
  );

  app.delete(
    '/api/v1/connectors/:id',
    {
      config: { ability: 'admin' },
      schema: { tags, summary: 'Delete a connector and its sync history (its jobs and devices stay); its integration alerts resolve', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      await connectors.remove(req.principal, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/connectors/:id/sync',
    {
      config: { ability: 'admin' },
      schema: {
        tags,
        summary: 'Sync now; answers when the sync is done, with its counts (409 while a sync of it is running)',
        params: IdParams,
        response: { 200: ConnectorRunSchema, ...withConflict },
      },
    },
    async (req) => runDto(await connectors.sync(req.principal, req.params.id)),
  );

  app.post(
    '/api/v1/connectors/:id/test',
    {
      config: { ability: 'admin' },
      schema: {
        tags,
        summary: 'Test the connection step by step (token, subscription, permission) without syncing',
        params: IdParams,
        response: { 200: TestReportSchema, ...problemResponses },
      },
    },
    async (req): Promise<Static<typeof TestReportSchema>> => connectors.test(req.principal, req.params.id),
  );

  app.get(
    '/api/v1/connectors/:id/runs',
    {
      config: { ability: 'admin' },
      schema: { tags, summary: "A connector's syncs, newest first, with counts and errors", params: IdParams, querystring: Type.Object(PageQuery), response: { 200: Page(ConnectorRunSchema), ...problemResponses } },
    },
    async (req) => {
      const page = await connectors.runs(req.principal, req.params.id, req.query);
      return { items: page.items.map(runDto), next_cursor: page.next_cursor };
    },
  );
}


