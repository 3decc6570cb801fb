// PSA channels beyond CRUD: the PSA's companies matched to Keepwatch clients, the PSA's ticket
// metadata for the settings form, and the PSA's inbound status callbacks (X-Integration-Key).
import { Type } from 'typebox';
import type { PsaService } from './psa.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { IdParams, Nullable, ProblemSchema } from '../http/schemas.js';
import type { Api } from '../http/types.js';

const Choice = Type.Object({ id: Type.Integer(), name: Type.String() });
const Choices = Type.Array(Choice);

const CompaniesSchema = Type.Object({
  companies: Type.Array(Choice, { description: "the PSA's active companies" }),
  clients: Type.Array(
    Type.Object({
      client_id: Type.String(),
      client_name: Type.String(),
      company_id: Nullable(Type.Integer({ description: 'the company this channel maps the client to now' })),
      suggestion: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }, { description: 'a company with exactly the client’s name' })),
    }),
  ),
});

const MetadataSchema = Type.Object({
  boards: Type.Optional(Type.Array(Choice, { description: 'ConnectWise service boards' })),
  queues: Type.Optional(Type.Array(Choice, { description: 'Autotask queues' })),
  priorities: Choices,
  statuses: Type.Array(Choice, { description: "ConnectWise: the channel's board's statuses" }),
  types: Type.Array(Choice, { description: "ConnectWise: the channel's board's types; Autotask: ticket types" }),
});

const CallbackSchema = Type.Object({
  ticket_id: Type.Integer(),
  alert_id: Nullable(Type.String()),
  action: Type.Union([Type.Literal('acknowledged'), Type.Literal('none')]),
});

export function psaRoutes(app: Api, deps: { psa: PsaService }): void {
  const { psa } = deps;
  const tags = ['channels'];
  const r = resourceRoutes(app, { path: '/api/v1/channels', tags, ability: 'admin', scope: 'workspace' });
  const upstream = [502];
  r.action('GET', 'psa/companies', { summary: "A PSA channel's companies, with each client's mapping and exact-name match", answer: CompaniesSchema, problems: upstream }, (p, id) =>
    psa.companies(p, id),
  );
  r.action('GET', 'psa/metadata', { summary: "The PSA's boards or queues, priorities, statuses and ticket types", answer: MetadataSchema, problems: upstream }, (_p, id) => psa.metadata(id));
  app.post(
    '/api/v1/integrations/psa/:id/callback',
    {
      schema: {
        tags,
        summary: "A PSA's status callback (no token: the channel's X-Integration-Key). A ticket closed in the PSA acknowledges its alert.",
        params: IdParams,
        body: Type.Unknown(),
        response: { 200: CallbackSchema, 400: ProblemSchema, 401: ProblemSchema },
      },
    },
    async (req) => {
      const key = req.headers['x-integration-key'];
      return psa.callback(req.params.id, typeof key === 'string' ? key : undefined, req.body);
    },
  );
}
