// Notification channels (SPEC §8, admin), their delivery logs, an alert's deliveries, and the
// notification settings (weekly summary).
import { Type } from 'typebox';
import { NO_RELAY } from './channels/email/driver.js';
import type { ChannelWithHealth } from './channel-model.js';
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
import { resourceRoutes } from '../http/resource-routes.js';
import { IdParams, PageQuery, problemResponses } from '../http/schemas.js';
import { TypeDescriptionSchema } from '../http/type-schemas.js';
import type { Api } from '../http/types.js';

const ChannelTypeListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      ...TypeDescriptionSchema.properties,
      carries: Type.Array(Type.String(), { description: 'what it can carry: alert, digest, welcome, summary, test' }),
    }),
  ),
});

export interface ChannelRouteDeps {
  channels: ChannelService;
  notificationSettings: NotificationSettingsService;
  registry: ChannelRegistry;
}

export function channelRoutes(app: Api, deps: ChannelRouteDeps): void {
  const { channels, notificationSettings, registry } = deps;
  const dto = (c: ChannelWithHealth) => {
    const warnings = c.type === 'email' && !channels.mailerConfigured() ? [NO_RELAY] : [];
    return channelDto(c, registry.get(c.type)?.secretFields ?? [], warnings);
  };
  const tags = ['channels'];
  // Workspace scope (issue #17): channels, their tests and delivery logs need an unlimited principal.
  // An alert's own deliveries stay readable within the principal's clients.
  const r = resourceRoutes(app, { path: '/api/v1/channels', tags, ability: 'admin', scope: 'workspace' });

  r.types('/api/v1/channel-types', { summary: 'Every channel type with the fields of its config (for forms)', answer: ChannelTypeListSchema }, () => registry.describe());
  r.list({ summary: 'Notification channels', item: ChannelSchema }, (_p, query) => channels.list(query), dto);
  r.create(
    { summary: 'Add a channel (an e-mail channel greets its recipients with a welcome message)', body: NewChannelSchema, item: ChannelSchema },
    async (p, body) => dto(await channels.create(p, body)),
  );
  r.get({ summary: 'One channel', item: ChannelSchema }, async (_p, id) => dto(await channels.get(id)));
  r.update(
    { summary: 'Change a channel; clears a broken state and tries its queue again', body: ChannelPatchSchema, item: ChannelSchema, problems: [409] },
    async (p, id, body) => dto(await channels.update(p, id, body)),
  );
  r.remove({ summary: 'Delete a channel and its delivery log', problems: [409] }, (p, id) => channels.remove(p, id));
  r.action('POST', 'test', { summary: 'Send a test notification now and answer how the receiver took it', answer: TestResultSchema }, (p, id) => channels.test(p, id));
  r.history(
    'deliveries',
    {
      summary: "A channel's delivery log, newest first",
      item: DeliverySchema,
      query: Type.Object({ ...PageQuery, state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('expired')])) }),
    },
    (_p, id, query) => channels.channelDeliveries(id, query),
    deliveryDto,
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
      config: { ability: 'admin', scope: 'workspace' },
      schema: { tags, summary: 'Change when the weekly summary goes out and to whom', body: NotificationSettingsPatchSchema, response: { 200: NotificationSettingsSchema, ...problemResponses } },
    },
    async (req) => notificationSettings.update(req.principal, req.body),
  );
}
