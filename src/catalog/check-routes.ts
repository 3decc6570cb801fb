import { Type } from 'typebox';
import { CHECK_KINDS } from '../domain/job.js';
import type { CheckService } from './checks.js';
import { checkDto } from '../http/dto.js';
import {
  CheckPatchSchema,
  CheckSchema,
  IdParams,
  NewCheckSchema,
  Page,
  PageQuery,
  ProblemSchema,
  problemResponses,
  StringEnum,
} from '../http/schemas.js';
import type { Api } from '../http/types.js';

export function checkRoutes(app: Api, deps: { checks: CheckService; publicUrl: string; mailDomain?: string }): void {
  const { checks, publicUrl, mailDomain } = deps;

  app.get(
    '/api/v1/checks',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['checks'],
        summary: 'Checks with their schedules, states and ping URLs',
        querystring: Type.Object({
          ...PageQuery,
          client: Type.Optional(Type.String({ description: 'client id' })),
          device: Type.Optional(Type.String({ description: 'device id' })),
          kind: Type.Optional(StringEnum(CHECK_KINDS)),
          state: Type.Optional(StringEnum(['new', 'up', 'late', 'overdue'] as const)),
        }),
        response: { 200: Page(CheckSchema), ...problemResponses },
      },
    },
    async (req) => {
      const page = await checks.list(req.principal, req.query);
      return { items: page.items.map((c) => checkDto(c, publicUrl, mailDomain)), next_cursor: page.next_cursor };
    },
  );

  app.get(
    '/api/v1/checks/:id',
    {
      config: { ability: 'read' },
      schema: { tags: ['checks'], summary: 'One check', params: IdParams, response: { 200: CheckSchema, ...problemResponses } },
    },
    async (req) => checkDto(await checks.get(req.principal, req.params.id), publicUrl, mailDomain),
  );

  app.post(
    '/api/v1/checks',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['checks'],
        summary: 'Create a check on a device (by device_id, or by client and device name, created if new)',
        body: NewCheckSchema,
        response: { 201: CheckSchema, ...problemResponses, 409: ProblemSchema },
      },
    },
    async (req, reply) => reply.code(201).send(checkDto(await checks.create(req.principal, req.body), publicUrl, mailDomain)),
  );

  app.patch(
    '/api/v1/checks/:id',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['checks'],
        summary: "Change a check's name, kind, schedule, grace, pause or e-mail rules",
        params: IdParams,
        body: CheckPatchSchema,
        response: { 200: CheckSchema, ...problemResponses },
      },
    },
    async (req) => checkDto(await checks.update(req.principal, req.params.id, req.body), publicUrl, mailDomain),
  );
}
