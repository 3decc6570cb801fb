// Collectors (docs/collector.md): a collector's heartbeat (ingest ability: the collector's own
// token, limited to its client) and the list the console shows (read; limited principals see the
// collectors of their clients only).
import { Type } from 'typebox';
import { IdParams, Nullable, problemResponses, StringEnum } from '../../http/schemas.js';
import type { Api } from '../../http/types.js';
import { COLLECTOR_OUTCOMES, type CollectorService, type CollectorView, type Heartbeat } from './centre.js';

const Time = Type.String({ format: 'date-time' });
const NamePart = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });

const ConnectorReport = Type.Object(
  {
    name: NamePart,
    type: Type.String({ minLength: 1, maxLength: 50 }),
    last_run_at: Nullable(Time),
    outcome: Nullable(StringEnum(COLLECTOR_OUTCOMES, { description: 'how its last sync went; null: not run yet' })),
    error: Nullable(Type.String({ maxLength: 2000 })),
    interval_minutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_080, description: 'minutes between its syncs (default 60): how soon the collector counts as stale' }))),
  },
  { additionalProperties: false },
);

export const HeartbeatSchema = Type.Object(
  {
    name: NamePart,
    version: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
    connectors: Type.Array(ConnectorReport, { maxItems: 100 }),
  },
  { additionalProperties: false },
);

const ConnectorState = Type.Object({
  name: Type.String(),
  type: Type.String(),
  last_run_at: Nullable(Time),
  outcome: Nullable(Type.String({ description: 'ok, auth, quota or other; null: not run yet' })),
  error: Nullable(Type.String()),
  interval_minutes: Nullable(Type.Number()),
});

export const CollectorSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  client_id: Nullable(Type.String({ description: "the client of the collector's token; null: a token not limited to clients" })),
  client_name: Nullable(Type.String()),
  version: Nullable(Type.String()),
  last_contact_at: Time,
  stale: Type.Boolean({ description: 'silent for longer than stale_after_minutes (collector_stale is raised)' }),
  stale_after_minutes: Type.Number(),
  connectors: Type.Array(ConnectorState),
  created_at: Time,
});

const HeartbeatAnswer = Type.Object({
  collector: CollectorSchema,
  client: Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { description: "the token's client: where the collector's jobs go" })),
});

const iso = (ms: number) => new Date(ms).toISOString();

export function collectorDto(c: CollectorView) {
  return {
    id: c.id,
    name: c.name,
    client_id: c.client_id,
    client_name: c.client_name,
    version: c.version,
    last_contact_at: iso(c.last_contact_at),
    stale: c.stale,
    stale_after_minutes: Math.round(c.stale_after_ms / 60_000),
    connectors: c.connectors.map((x) => ({ name: x.name, type: x.type, last_run_at: x.last_run_at, outcome: x.outcome, error: x.error, interval_minutes: x.interval_minutes ?? null })),
    created_at: iso(c.created_at),
  };
}

export function collectorRoutes(app: Api, deps: { collectors: CollectorService }): void {
  app.post(
    '/api/v1/collectors/heartbeat',
    {
      config: { ability: 'ingest' },
      schema: {
        tags: ['connectors'],
        summary: 'A collector (keepwatch collect) calls in after each cycle with what its connectors did',
        description:
          'Records the contact, raises or resolves integration_auth/integration_quota per collector connector (outcome auth/quota/ok) and resolves collector_stale. ' +
          "Use the collector's ingest token, limited to its client; the answer names that client (where its jobs go). See docs/collector.md.",
        body: HeartbeatSchema,
        response: { 200: HeartbeatAnswer, ...problemResponses },
      },
    },
    async (req) => {
      const { collector, client } = await deps.collectors.heartbeat(req.principal, req.body as Heartbeat);
      return { collector: collectorDto(collector), client };
    },
  );

  app.get(
    '/api/v1/collectors',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['connectors'],
        summary: 'Collectors with their last contact and each connector’s last outcome (limited principals: their clients’ only)',
        response: { 200: Type.Object({ items: Type.Array(CollectorSchema) }), ...problemResponses },
      },
    },
    async (req) => ({ items: (await deps.collectors.list(req.principal)).map(collectorDto) }),
  );

  app.delete(
    '/api/v1/collectors/:id',
    {
      config: { ability: 'admin', scope: 'workspace' },
      schema: {
        tags: ['connectors'],
        summary: 'Forget a decommissioned collector: its alerts resolve; its jobs and devices stay (it reappears if it calls in again)',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      await deps.collectors.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );
}
