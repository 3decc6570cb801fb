import { Type } from 'typebox';
import { ALERT_TYPES, SEVERITIES } from '../domain/settings.js';
import type { AlertService } from './alerts.js';
import { alertDto, alertEventDto } from './dto.js';
import {
  AlertDetailSchema,
  AlertSchema,
  BulkAcknowledgeBody,
  BulkAcknowledgeResponse,
  DismissBody,
  DismissResponse,
  GroupDismissBody,
  NoteBody,
} from './alert-schemas.js';
import type { BulkResult } from './alerts.js';
import { IdParams, Page, PageQuery, ProblemSchema, problemResponses, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import { ValidationError } from '../domain/errors.js';
import { TagQuery } from '../catalog/tag-schemas.js';

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
          ...TagQuery,
          q: Type.Optional(Type.String({ maxLength: 200, description: 'text found in the title or the client, device or check name (any case)' })),
        }),
        response: {
          200: Type.Object({ ...Page(AlertSchema).properties, total: Type.Integer({ description: 'alerts matching the filters, all pages together' }) }),
          ...problemResponses,
        },
      },
    },
    async (req) => {
      const page = await alerts.list(req.principal, req.query);
      return { items: page.items.map(alertDto), next_cursor: page.next_cursor, total: page.total };
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
        body: Type.Optional(DismissBody),
        response: { 200: AlertSchema, ...withConflict },
      },
    },
    async (req) => alertDto(await alerts.dismiss(req.principal, req.params.id, req.body?.note ?? null, req.body?.until)),
  );

  app.post(
    '/api/v1/alerts/acknowledge',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge a list of alerts (1–500 ids); answers a result per id',
        body: BulkAcknowledgeBody,
        response: { 200: BulkAcknowledgeResponse, ...problemResponses },
      },
    },
    async (req) => {
      const results = await alerts.acknowledgeMany(req.principal, req.body.ids, req.body.note ?? null);
      return { acknowledged: doneCount(results), results };
    },
  );

  app.post(
    '/api/v1/alerts/dismiss',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['alerts'],
        summary: 'Dismiss a list of alerts (ids: 1–500, a result per id), a group of open alerts (by client, device, type) or all of them (admin)',
        body: GroupDismissBody,
        response: { 200: DismissResponse, ...problemResponses },
      },
    },
    async (req) => {
      const { ids, ...group } = req.body;
      if (ids === undefined) return { dismissed: await alerts.dismissGroup(req.principal, group) };
      if (group.client !== undefined || group.device !== undefined || group.type !== undefined || group.all !== undefined) {
        throw ValidationError.field('ids', 'give either ids or a group (client, device, type, all), not both');
      }
      const results = await alerts.dismissMany(req.principal, ids, group.note ?? null, group.until);
      return { dismissed: doneCount(results), results };
    },
  );
}

const doneCount = (results: BulkResult[]) => results.filter((r) => r.result === 'done').length;
