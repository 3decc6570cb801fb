// The HTTP application: plugins in order (errors, auth, OpenAPI), then routes.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import type { CatalogService } from '../catalog/catalog.js';
import type { CheckService } from '../catalog/checks.js';
import type { AlertService } from '../engine/alerts.js';
import type { ExportService } from '../reports/exports.js';
import type { Metrics } from '../ops/metrics.js';
import type { IngestService } from '../ingest/service.js';
import type { IntegrationService } from '../engine/integrations.js';
import type { ReportService } from '../reports/service.js';
import type { SessionService } from '../auth/sessions.js';
import type { TokenService } from '../auth/tokens.js';
import type { UserService } from '../auth/users.js';
import type { SettingsService } from '../engine/settings.js';
import type { WindowService } from '../engine/windows.js';
import { type Authenticator, registerAuth } from './plugins/auth.js';
import { consoleFallback } from './plugins/console.js';
import { type NotFoundFallback, registerErrorHandling } from './plugins/errors.js';
import { alertRoutes } from '../engine/alert-routes.js';
import { catalogRoutes } from '../catalog/routes.js';
import { engineRoutes } from '../engine/routes.js';
import { exportRoutes } from '../reports/export-routes.js';
import { metricsRoutes } from '../ops/metrics-routes.js';
import { checkRoutes } from '../catalog/check-routes.js';
import { healthRoutes, type Readiness } from '../ops/health-routes.js';
import { jobRoutes } from '../ingest/api/routes.js';
import { pingRoutes } from '../ingest/ping/routes.js';
import { sessionRoutes } from '../auth/session-routes.js';
import { userRoutes } from '../auth/user-routes.js';
import type { Api } from './types.js';
import { validatorCompiler } from './validation.js';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: string[];
  }
}

export interface HttpDeps {
  logger: Logger;
  clock: Clock;
  publicUrl: string;
  /** Domain of the check addresses shown by the API; default: the public URL's host. */
  mailDomain?: string;
  authenticators: Authenticator[];
  readiness: Readiness;
  ingest: IngestService;
  catalog: CatalogService;
  checks: CheckService;
  alerts: AlertService;
  settings: SettingsService;
  windows: WindowService;
  reports: ReportService;
  integrations: IntegrationService;
  exports: ExportService;
  metrics: Metrics;
  users: UserService;
  sessions: SessionService;
  tokens: TokenService;
  /** Loads the demo estate from the setup page. */
  loadDemo?: () => Promise<unknown>;
  /** Where the built web console is (default web/dist). */
  consoleDir?: string;
  /** Later capabilities add their routes here, after the core ones. */
  extraRoutes?: Array<(app: Api) => void | Promise<void>>;
}

export async function buildHttp(deps: HttpDeps): Promise<Api> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One log line per request at 10,000 requests/s is a cost; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Every route served, as `METHOD /path/{param}`: the OpenAPI completeness test reads it.
  const routeTable: string[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) if (m !== 'HEAD') routeTable.push(`${m} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
  });
  let consolePages: NotFoundFallback | null = null;
  registerErrorHandling(app, () => consolePages);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keepwatch API',
        version: '1',
        description: 'Backup monitoring: report jobs, read devices, checks and alerts. Authenticate with `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  // Before auth: the session authenticator reads the cookie.
  await app.register(cookie);
  registerAuth(app, deps.authenticators);
  // A POST with no body (`curl -X POST …/acknowledge`) is an empty object, not a type error.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {};
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  healthRoutes(app, deps);
  jobRoutes(app, deps);
  pingRoutes(app, deps);
  catalogRoutes(app, deps);
  checkRoutes(app, deps);
  alertRoutes(app, deps);
  engineRoutes(app, deps);
  exportRoutes(app, deps);
  metricsRoutes(app, deps);
  sessionRoutes(app, deps);
  userRoutes(app, deps);
  consolePages = await consoleFallback(app, deps.consoleDir);
  for (const add of deps.extraRoutes ?? []) await add(app);
  return app;
}
