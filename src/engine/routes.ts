// Settings, maintenance windows and snoozes, integrations, the daily grid and compliance reports.
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { ConfigOverride } from '../domain/settings.js';
import { GRID_ROLLUPS } from '../domain/settings.js';
import { csv } from '../lib/csv.js';
import type { CatalogService } from '../catalog/catalog.js';
import type { IntegrationService } from './integrations.js';
import { complianceJson } from '../reports/report.js';
import type { ComplianceReport, ReportService } from '../reports/service.js';
import type { SettingsService } from './settings.js';
import type { WindowService } from './windows.js';
import { integrationDto, windowDto } from './dto.js';
import {
  ComplianceReportSchema,
  GridSchema,
  IntegrationSchema,
  NewWindowSchema,
  SettingsOverrideSchema,
  SettingsSchema,
  SnoozeBody,
  WindowSchema,
} from './schemas.js';
import { DateOnly, DateOrTime, IdParams, PageQuery, problemResponses, StringEnum } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import { TagQuery } from '../catalog/tag-schemas.js';

interface Deps {
  settings: SettingsService;
  windows: WindowService;
  reports: ReportService;
  integrations: IntegrationService;
  catalog: CatalogService;
}

export function complianceCsv(r: ComplianceReport): string {
  return csv(
    ['client', 'device', 'class', 'sla_hours', 'compliance_percent', 'breaches', 'breached_hours', 'longest_breach_hours', 'compliant_now', 'status', 'score', 'from', 'to'],
    r.devices.map((d) => [
      d.client_name,
      d.device_name,
      d.class,
      d.sla_hours,
      d.compliance_percent,
      d.breaches.length,
      d.breached_hours,
      d.breaches.reduce((m, b) => Math.max(m, b.hours), 0),
      d.compliant_now === null ? '' : d.compliant_now ? 'yes' : 'no',
      d.status,
      d.score,
      r.from,
      r.to,
    ]),
  );
}

export function engineRoutes(app: Api, deps: Deps): void {
  const { settings, windows, reports, integrations, catalog } = deps;

  app.get(
    '/api/v1/settings',
    { config: { ability: 'read' }, schema: { tags: ['settings'], summary: 'Workspace settings: what is stored and what is in force', response: { 200: SettingsSchema, ...problemResponses } } },
    async () => ({ override: await settings.workspaceOverride(), effective: await settings.effective(null) }),
  );
  app.put(
    '/api/v1/settings',
    {
      config: { ability: 'admin', scope: 'workspace' },
      schema: {
        tags: ['settings'],
        summary: 'Replace the workspace settings (SLA rules, alert categories, thresholds, severities, time zone)',
        body: SettingsOverrideSchema,
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (req) => ({ override: req.body, effective: await settings.setWorkspace(req.principal, req.body as ConfigOverride) }),
  );
  app.get(
    '/api/v1/clients/:id/settings',
    {
      config: { ability: 'read' },
      schema: { tags: ['settings'], summary: "A client's overrides and what is in force for it", params: IdParams, response: { 200: SettingsSchema, ...problemResponses } },
    },
    async (req) => {
      await catalog.getClient(req.principal, req.params.id);
      return { override: await settings.clientOverride(req.params.id), effective: await settings.effective(req.params.id) };
    },
  );
  app.put(
    '/api/v1/clients/:id/settings',
    {
      config: { ability: 'admin' },
      schema: {
        tags: ['settings'],
        summary: "Replace a client's overrides of the workspace settings",
        params: IdParams,
        body: SettingsOverrideSchema,
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (req) => {
      await catalog.getClient(req.principal, req.params.id);
      return { override: req.body, effective: await settings.setClient(req.principal, req.params.id, req.body as ConfigOverride) };
    },
  );

  app.get(
    '/api/v1/maintenance-windows',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['maintenance'],
        summary: 'Maintenance windows and snoozes',
        querystring: Type.Object({ client: Type.Optional(Type.String()), device: Type.Optional(Type.String()), check: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ items: Type.Array(WindowSchema) }), ...problemResponses },
      },
    },
    async (req) => ({ items: (await windows.list(req.principal, req.query)).map(windowDto) }),
  );
  app.post(
    '/api/v1/maintenance-windows',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['maintenance'],
        summary: 'Create a maintenance window: one-off (starts_at, ends_at) or recurring (cron, tz, duration_minutes)',
        body: NewWindowSchema,
        response: { 201: WindowSchema, ...problemResponses },
      },
    },
    async (req, reply) => reply.code(201).send(windowDto(await windows.create(req.principal, req.body))),
  );
  app.delete(
    '/api/v1/maintenance-windows/:id',
    {
      config: { ability: 'operate' },
      schema: { tags: ['maintenance'], summary: 'Delete a window or snooze', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      await windows.remove(req.principal, req.params.id);
      return reply.code(204).send(null);
    },
  );
  for (const scope of ['device', 'check'] as const) {
    app.post(
      `/api/v1/${scope}s/:id/snooze`,
      {
        config: { ability: 'operate' },
        schema: {
          tags: ['maintenance'],
          summary: `Snooze a ${scope}'s alerts for N hours (jobs are still recorded)`,
          params: IdParams,
          body: SnoozeBody,
          response: { 201: WindowSchema, ...problemResponses },
        },
      },
      async (req, reply) => reply.code(201).send(windowDto(await windows.snooze(req.principal, scope, req.params.id, req.body.hours, req.body.reason))),
    );
  }

  app.get(
    '/api/v1/integrations',
    {
      config: { ability: 'read' },
      schema: { tags: ['integrations'], summary: 'Health of the integrations that feed jobs', response: { 200: Type.Object({ items: Type.Array(IntegrationSchema) }), ...problemResponses } },
    },
    // Integrations feed every client: their names and errors are the MSP's own business.
    async (req) => ({ items: req.principal.clientIds !== null ? [] : (await integrations.list()).map(integrationDto) }),
  );

  app.get(
    '/api/v1/grid',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['reports'],
        summary: 'The daily status grid: one row per check, one cell per business day',
        querystring: Type.Object({
          ...PageQuery,
          client: Type.Optional(Type.String({ description: 'client id' })),
          from: Type.Optional(DateOnly('first day, YYYY-MM-DD (default: 29 days before to)')),
          to: Type.Optional(DateOnly('last day, YYYY-MM-DD (default: today)')),
          rollup: Type.Optional(StringEnum(GRID_ROLLUPS)),
          ...TagQuery,
        }),
        response: { 200: GridSchema, ...problemResponses },
      },
    },
    async (req) => reports.grid(req.principal, req.query),
  );

  app.get(
    '/api/v1/reports/compliance',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['reports'],
        summary: 'SLA compliance for a period, per client and per device, as JSON, CSV or PDF',
        querystring: Type.Object({
          from: Type.Optional(DateOrTime('YYYY-MM-DD or ISO date-time (default: 30 days before to)')),
          to: Type.Optional(DateOrTime('YYYY-MM-DD (inclusive) or ISO date-time (default: now)')),
          client: Type.Optional(Type.String({ description: 'client id' })),
          format: Type.Optional(StringEnum(['json', 'csv', 'pdf'] as const)),
        }),
        response: { 200: ComplianceReportSchema, ...problemResponses },
      },
    },
    async (req, reply) => {
      if (req.query.format === 'pdf') {
        const { pdf, filename } = await reports.compliancePdf(req.principal, req.query);
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .send(pdf as never);
      }
      const report = await reports.compliance(req.principal, req.query);
      // Streamed in pieces, the server answering others between them: a big estate's is ~200 MB.
      if (req.query.format !== 'csv') return reply.type('application/json; charset=utf-8').send(Readable.from(complianceJson(report)) as never);
      const name = `compliance-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .serializer((x: unknown) => x as string)
        .send(complianceCsv(report) as never);
    },
  );
}
