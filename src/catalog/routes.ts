import { Type } from 'typebox';
import { DEVICE_CLASSES, JOB_STATUSES } from '../domain/job.js';
import { DEVICE_SORTS } from '../db/repositories/devices.js';
import type { CatalogService, ClientSummary, DeviceWithChecks } from './catalog.js';
import { clientDto, deviceDto } from './dto.js';
import { ClientSchema, DEVICE_STATUSES, DeviceSchema, FactsSchema } from './schemas.js';
import { jobDto } from '../ingest/api/dto.js';
import { JobSchema } from '../ingest/api/schemas.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { IdParams, PageQuery, problemResponses, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';

export function catalogRoutes(app: Api, deps: { catalog: CatalogService; publicUrl: string; mailDomain?: string }): void {
  const { catalog, publicUrl } = deps;
  const mailDomain = deps.mailDomain ?? new URL(publicUrl).hostname;
  const clients = resourceRoutes(app, { path: '/api/v1/clients', tags: ['clients'], ability: 'read' });
  const devices = resourceRoutes(app, { path: '/api/v1/devices', tags: ['devices'], ability: 'read' });
  const client = (c: ClientSummary) => clientDto(c, mailDomain);
  const device = (d: DeviceWithChecks) => deviceDto(d, publicUrl, mailDomain);

  clients.list(
    { summary: 'Clients, by name', item: ClientSchema, query: Type.Object({ ...PageQuery, q: Type.Optional(Type.String({ description: 'name contains' })) }) },
    (p, query) => catalog.listClients(p, query),
    client,
  );
  clients.get({ summary: 'One client', item: ClientSchema }, async (p, id) => client(await catalog.getClient(p, id)));

  devices.list(
    {
      summary: 'Devices with status, score and checks, by name or by sort',
      item: DeviceSchema,
      query: Type.Object({
        ...PageQuery,
        client: Type.Optional(Type.String({ description: 'client id' })),
        status: Type.Optional(StringEnum(DEVICE_STATUSES)),
        class: Type.Optional(StringEnum(DEVICE_CLASSES)),
        q: Type.Optional(Type.String({ description: 'name contains' })),
        sort: Type.Optional(StringEnum(DEVICE_SORTS, { description: 'name (default), score or last_good_at; a leading - reverses' })),
      }),
    },
    (p, query) => catalog.listDevices(p, query),
    device,
  );
  devices.get({ summary: 'One device', item: DeviceSchema }, async (p, id) => device(await catalog.getDevice(p, id)));

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
      return device(await catalog.setFacts(req.principal, req.params.id, facts));
    },
  );

  devices.history(
    'jobs',
    {
      summary: "A device's jobs, newest first",
      tags: ['devices', 'jobs'],
      item: JobSchema,
      query: Type.Object({
        ...PageQuery,
        check: Type.Optional(Type.String({ description: 'check id' })),
        status: Type.Optional(StringEnum(JOB_STATUSES)),
      }),
    },
    (p, id, query) => catalog.listDeviceJobs(p, id, query),
    jobDto,
  );
}
