import { Type } from 'typebox';
import { DEVICE_CLASSES, JOB_STATUSES } from '../domain/job.js';
import { DEVICE_SORTS } from '../db/repositories/devices.js';
import type { CatalogService } from './catalog.js';
import { clientDto, deviceDto, jobDto } from '../http/dto.js';
import {
  ClientSchema,
  DEVICE_STATUSES,
  DeviceSchema,
  FactsSchema,
  IdParams,
  JobSchema,
  Page,
  PageQuery,
  problemResponses,
  StringEnum,
} from '../http/schemas.js';
import type { Api } from '../http/types.js';

export function catalogRoutes(app: Api, deps: { catalog: CatalogService; publicUrl: string; mailDomain?: string }): void {
  const { catalog, publicUrl } = deps;
  const mailDomain = deps.mailDomain ?? new URL(publicUrl).hostname;

  app.get(
    '/api/v1/clients',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['clients'],
        summary: 'Clients, by name',
        querystring: Type.Object({ ...PageQuery, q: Type.Optional(Type.String({ description: 'name contains' })) }),
        response: { 200: Page(ClientSchema), ...problemResponses },
      },
    },
    async (req) => {
      const page = await catalog.listClients(req.principal, req.query);
      return { items: page.items.map((c) => clientDto(c, mailDomain)), next_cursor: page.next_cursor };
    },
  );

  app.get(
    '/api/v1/clients/:id',
    {
      config: { ability: 'read' },
      schema: { tags: ['clients'], summary: 'One client', params: IdParams, response: { 200: ClientSchema, ...problemResponses } },
    },
    async (req) => clientDto(await catalog.getClient(req.principal, req.params.id), mailDomain),
  );

  app.get(
    '/api/v1/devices',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['devices'],
        summary: 'Devices with status, score and checks, by name or by sort',
        querystring: Type.Object({
          ...PageQuery,
          client: Type.Optional(Type.String({ description: 'client id' })),
          status: Type.Optional(StringEnum(DEVICE_STATUSES)),
          class: Type.Optional(StringEnum(DEVICE_CLASSES)),
          q: Type.Optional(Type.String({ description: 'name contains' })),
          sort: Type.Optional(StringEnum(DEVICE_SORTS, { description: 'name (default), score or last_good_at; a leading - reverses' })),
        }),
        response: { 200: Page(DeviceSchema), ...problemResponses },
      },
    },
    async (req) => {
      const page = await catalog.listDevices(req.principal, req.query);
      return { items: page.items.map((d) => deviceDto(d, publicUrl, mailDomain)), next_cursor: page.next_cursor };
    },
  );

  app.get(
    '/api/v1/devices/:id',
    {
      config: { ability: 'read' },
      schema: { tags: ['devices'], summary: 'One device', params: IdParams, response: { 200: DeviceSchema, ...problemResponses } },
    },
    async (req) => deviceDto(await catalog.getDevice(req.principal, req.params.id), publicUrl, mailDomain),
  );

  app.put(
    '/api/v1/devices/:id/facts',
    {
      config: { ability: 'ingest' },
      schema: {
        tags: ['devices'],
        summary: "Set a device's storage facts without a job",
        params: IdParams,
        body: FactsSchema,
        response: { 200: DeviceSchema, ...problemResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const facts = {
        ...(b.storage_used_bytes !== undefined && { storage_used_bytes: b.storage_used_bytes }),
        ...(b.storage_quota_bytes !== undefined && { storage_quota_bytes: b.storage_quota_bytes }),
        ...(b.free_space_percent !== undefined && { free_space_percent: b.free_space_percent }),
        ...(b.purgeable !== undefined && { purgeable: b.purgeable === null ? null : b.purgeable ? 1 : 0 }),
      };
      return deviceDto(await catalog.setFacts(req.principal, req.params.id, facts), publicUrl, mailDomain);
    },
  );

  app.get(
    '/api/v1/devices/:id/jobs',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['devices', 'jobs'],
        summary: "A device's jobs, newest first",
        params: IdParams,
        querystring: Type.Object({
          ...PageQuery,
          check: Type.Optional(Type.String({ description: 'check id' })),
          status: Type.Optional(StringEnum(JOB_STATUSES)),
        }),
        response: { 200: Page(JobSchema), ...problemResponses },
      },
    },
    async (req) => {
      const page = await catalog.listDeviceJobs(req.principal, req.params.id, req.query);
      return { items: page.items.map(jobDto), next_cursor: page.next_cursor };
    },
  );
}
