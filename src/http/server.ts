// The HTTP application: plugins in order (errors, auth, OpenAPI), then routes.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { type Authenticator, registerAuth } from './plugins/auth.js';
import { consoleFallback } from './plugins/console.js';
import { type NotFoundFallback, registerErrorHandling } from './plugins/errors.js';
import { type RouteDeps, registerRoutes } from './routes.js';
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
  authenticators: Authenticator[];
  /** Where the built web console is (default web/dist). */
  consoleDir?: string;
  routes: RouteDeps;
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
  registerRoutes(app, deps.routes);
  consolePages = await consoleFallback(app, deps.consoleDir);
  return app;
}
