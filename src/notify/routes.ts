// Notification channels (SPEC §8, admin), their delivery logs, an alert's deliveries, and the
// notification settings (weekly summary).
import { Type } from 'typebox';
import type { ChannelRow } from '../db/schema.js';
import { NO_RELAY } from './channels/email/driver.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { ChannelService } from './channel-service.js';
import type { NotificationSettingsService } from './settings.js';
import {
  ChannelPatchSchema,
  ChannelSchema,
  channelDto,
  DeliverySchema,
  deliveryDto,
  NewChannelSchema,
  NotificationSettingsPatchSchema,
  NotificationSettingsSchema,
  TestResultSchema,
} from './schemas.js';
import { IdParams, Page, PageQuery, ProblemSchema, problemResponses } from '../http/schemas.js';
import { TypeDescriptionSchema } from '../http/type-schemas.js';
import type { Api } from '../http/types.js';

export interface ChannelRouteDeps {
  channels: ChannelService;
  notificationSettings: NotificationSettingsService;
  registry: ChannelRegistry;
}

export function channelRoutes(app: Api, deps: ChannelRouteDeps): void {
  const { channels, notificationSettings, registry } = deps;
  const withConflict = { ...problemResponses, 409: ProblemSchema };
  const dto = (c: ChannelRow) => {
    const warnings = c.type === 'email' && !channels.mailerConfigured() ? [NO_RELAY] : [];
    return channelDto(c, registry.get(c.type)?.secretFields ?? [], warnings);
  };
  const admin = { ability: 'admin' as const };
  const tags = ['channels'];

  app.get(
    '/api/v1/channel-types',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Every channel type with the fields of its config (for forms)',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                ...TypeDescriptionSchema.properties,
                carries: Type.Array(Type.String(), { description: 'what it can carry: alert, digest, welcome, summary, test' }),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async () => ({ items: registry.describe() }),
  );
  app.get(
    '/api/v1/channels',
    { config: admin, schema: { tags, summary: 'Notification channels', querystring: Type.Object(PageQuery), response: { 200: Page(ChannelSchema), ...problemResponses } } },
    async (req) => {
      const page = await channels.list(req.principal, req.query);
      return { items: page.items.map(dto), next_cursor: page.next_cursor };
    },
  );
  app.post(
    '/api/v1/channels',
    {
      config: admin,
      schema: { tags, summary: 'Add a channel (an e-mail channel greets its recipients with a welcome message)', body: NewChannelSchema, response: { 201: ChannelSchema, ...problemResponses } },
    },
    async (req, reply) => reply.code(201).send(dto(await channels.create(req.principal, req.body))),
  );
  app.get(
    '/api/v1/channels/:id',
    { config: admin, schema: { tags, summary: 'One channel', params: IdParams, response: { 200: ChannelSchema, ...problemResponses } } },
    async (req) => dto(await channels.get(req.principal, req.params.id)),
  );
  app.patch(
    '/api/v1/channels/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Change a channel; clears a broken state and tries its queue again',
        params: IdParams,
        body: ChannelPatchSchema,
        response: { 200: ChannelSchema, ...withConflict },
      },
    },
    async (req) => dto(await channels.update(req.principal, req.params.id, req.body)),
  );
  app.delete(
    '/api/v1/channels/:id',
    { config: admin, schema: { tags, summary: 'Delete a channel and its delivery log', params: IdParams, response: { 204: Type.Null(), ...withConflict } } },
    async (req, reply) => {
      await channels.remove(req.principal, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/channels/:id/test',
    {
      config: admin,
      schema: { tags, summary: 'Send a test notification now and answer how the receiver took it', params: IdParams, response: { 200: TestResultSchema, ...problemResponses } },
    },
    async (req) => channels.test(req.principal, req.params.id),
  );
  app.get(
    '/api/v1/channels/:id/deliveries',
    {
      config: admin,
      schema: {
        tags,
        summary: "A channel's delivery log, newest first",
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('expired')])) }),
        response: { 200: Page(DeliverySchema), ...problemResponses },
      },
    },
    async (req) => {
      const page = await channels.channelDeliveries(req.principal, req.params.id, req.query);
      return { items: page.items.map(deliveryDto), next_cursor: page.next_cursor };
    },
  );
  app.get(
    '/api/v1/alerts/:id/deliveries',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['alerts'],
        summary: "An alert's notifications: every channel it went to, with attempts and the receiver's answers",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(DeliverySchema) }), ...problemResponses },
      },
    },
    async (req) => ({ items: (await channels.alertDeliveries(req.principal, req.params.id)).map(deliveryDto) }),
  );
  app.get(
    '/api/v1/notifications/settings',
    { config: { ability: 'read' }, schema: { tags, summary: 'Notification settings (weekly summary)', response: { 200: NotificationSettingsSchema, ...problemResponses } } },
    async () => notificationSettings.get(),
  );
  app.patch(
    '/api/v1/notifications/settings',
    {
      config: admin,
      schema: { tags, summary: 'Change when the weekly summary goes out and to whom', body: NotificationSettingsPatchSchema, response: { 200: NotificationSettingsSchema, ...problemResponses } },
    },
    async (req) => notificationSettings.update(req.principal, req.body),
  );
}
