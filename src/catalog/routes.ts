import { Type } from 'typebox';
import { DEVICE_CLASSES, JOB_STATUSES } from '../domain/job.js';
import { DEVICE_SORTS } from '../db/repositories/devices.js';
import type { CatalogService, ClientSummary, DeviceWithChecks } from './catalog.js';
import { clientDto, deviceDto } from './dto.js';
import type { LifecycleService } from './lifecycle.js';
import { CascadeQuery, ClientPatchSchema, ClientSchema, DemoRemovedSchema, DEVICE_STATUSES, DevicePatchSchema, DeviceSchema, FactsSchema, MergeSchema } from './schemas.js';
import { removeDemo } from '../demo/remove.js';
import { jobDto } from '../ingest/api/dto.js';
import { JobSchema } from '../ingest/api/schemas.js';
import { resourceRoutes } from '../http/resource-routes.js';
import { IdParams, PageQuery, ProblemSchema, problemResponses, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import type { StatusPageService } from '../public/status-page.js';
import { TagQuery } from './tag-schemas.js';

export function catalogRoutes(
  app: Api,
  deps: { catalog: CatalogService; lifecycle: LifecycleService; statusPages: StatusPageService; publicUrl: string; mailDomain?: string },
): void {
  const { catalog, lifecycle, publicUrl } = deps;
  const mailDomain = deps.mailDomain ?? new URL(publicUrl).hostname;
  const clients = resourceRoutes(app, { path: '/api/v1/clients', tags: ['clients'], ability: 'read' });
  const devices = resourceRoutes(app, { path: '/api/v1/devices', tags: ['devices'], ability: 'read' });
  const client = (c: ClientSummary) => clientDto(c, mailDomain, publicUrl);
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
        ...TagQuery,
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

  // ---- lifecycle: rename, delete, retire, merge (docs/api.md "Lifecycle") ----------------------

  clients.update({ summary: 'Rename a client, or turn its status page on or off', ability: 'operate', body: ClientPatchSchema, item: ClientSchema, problems: [409] }, async (p, id, body) => {
    if (body.name !== undefined) await lifecycle.renameClient(p, id, body.name);
    if (body.status_page !== undefined) await deps.statusPages.setEnabled(p, id, body.status_page);
    return client(await catalog.getClient(p, id));
  });
  app.delete(
    '/api/v1/clients/:id',
    {
      config: { ability: 'admin' },
      schema: {
        tags: ['clients'],
        summary: 'Delete a client: only an empty one, unless cascade=true',
        params: IdParams,
        querystring: CascadeQuery,
        response: { 204: Type.Null(), 409: ProblemSchema, ...problemResponses },
      },
    },
    async (req, reply) => {
      await lifecycle.deleteClient(req.principal, req.params.id, req.query.cascade === true);
      return reply.code(204).send(null);
    },
  );

  devices.update(
    { summary: 'Rename a device, or retire it (and bring it back)', ability: 'operate', body: DevicePatchSchema, item: DeviceSchema, problems: [409] },
    async (p, id, body) => {
      await lifecycle.updateDevice(p, id, body);
      return device(await catalog.getDevice(p, id));
    },
  );
  devices.remove({ summary: 'Delete a device with its checks, jobs and alerts', ability: 'admin' }, (p, id) => lifecycle.deleteDevice(p, id));
  app.post(
    '/api/v1/devices/:id/merge',
    {
      config: { ability: 'admin' },
      schema: {
        tags: ['devices'],
        summary: 'Merge this device into another of the same client (one machine under two names); answers the device merged into',
        params: IdParams,
        body: MergeSchema,
        response: { 200: DeviceSchema, ...problemResponses },
      },
    },
    async (req) => {
      await lifecycle.mergeDevice(req.principal, req.params.id, req.body.into);
      return device(await catalog.getDevice(req.principal, req.body.into));
    },
  );

  app.delete(
    '/api/v1/demo',
    {
      config: { ability: 'admin', scope: 'workspace' },
      schema: { tags: ['clients'], summary: "Remove the demo estate: the demo's three clients with everything under them", response: { 200: DemoRemovedSchema, ...problemResponses } },
    },
    async (req) => ({ removed: await removeDemo(lifecycle, req.principal) }),
  );
}
