import { Type } from 'typebox';
import { ALERT_TYPES, SEVERITIES } from '../domain/settings.js';
import type { AlertService } from './alerts.js';
import { alertDto, alertEventDto } from './dto.js';
import { AlertDetailSchema, AlertSchema, GroupDismissBody, NoteBody } from './alert-schemas.js';
import { IdParams, Page, PageQuery, ProblemSchema, problemResponses, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';

export function alertRoutes(app: Api, deps: { alerts: AlertService }): void {
  const { alerts } = deps;
  const withConflict = { ...problemResponses, 409: ProblemSchema };

  app.get(
    '/api/v1/alerts',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first',
        querystring: Type.Object({
          ...PageQuery,
          state: Type.Optional(
            Type.String({ pattern: '^(open|acknowledged|dismissed|resolved)(,(open|acknowledged|dismissed|resolved))*$', description: 'one state or several, comma-separated' }),
          ),
          client: Type.Optional(Type.String({ description: 'client id' })),
          device: Type.Optional(Type.String({ description: 'device id' })),
          check: Type.Optional(Type.String({ description: 'check id' })),
          type: Type.Optional(StringEnum(ALERT_TYPES)),
          severity: Type.Optional(StringEnum(SEVERITIES)),
        }),
        response: { 200: Page(AlertSchema), ...problemResponses },
      },
    },
    async (req) => {
      const page = await alerts.list(req.principal, req.query);
      return { items: page.items.map(alertDto), next_cursor: page.next_cursor };
    },
  );

  app.get(
    '/api/v1/alerts/:id',
    {
      config: { ability: 'read' },
      schema: { tags: ['alerts'], summary: 'One alert with its history', params: IdParams, response: { 200: AlertDetailSchema, ...problemResponses } },
    },
    async (req) => {
      const { alert, events } = await alerts.get(req.principal, req.params.id);
      return { ...alertDto(alert), history: events.map(alertEventDto) };
    },
  );

  app.post(
    '/api/v1/alerts/:id/acknowledge',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert, with an optional note (a destructive-operation alert is resolved by it)',
        params: IdParams,
        body: Type.Optional(NoteBody),
        response: { 200: AlertSchema, ...withConflict },
      },
    },
    async (req) => alertDto(await alerts.acknowledge(req.principal, req.params.id, req.body?.note ?? null)),
  );

  app.post(
    '/api/v1/alerts/:id/dismiss',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['alerts'],
        summary: 'Dismiss one alert: hidden until its dismissal runs out; raised again then if still true',
        params: IdParams,
        body: Type.Optional(NoteBody),
        response: { 200: AlertSchema, ...withConflict },
      },
    },
    async (req) => alertDto(await alerts.dismiss(req.principal, req.params.id, req.body?.note ?? null)),
  );

  app.post(
    '/api/v1/alerts/dismiss',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['alerts'],
        summary: 'Dismiss a group of open alerts (by client, device, type) or all of them (admin)',
        body: GroupDismissBody,
        response: { 200: Type.Object({ dismissed: Type.Integer() }), ...problemResponses },
      },
    },
    async (req) => ({ dismissed: await alerts.dismissGroup(req.principal, req.body) }),
  );
}
