// The OpenAPI document without a database: routes only touch their services when called, so the
// HTTP app is built with none and asked for its description. The console's build generates its
// typed API client from this, so a changed route breaks the console's build, not its users.
import pino from 'pino';
import { systemClock } from '../lib/clock.js';
import { channelRoutes } from '../notify/routes.js';
import { connectorRoutes } from '../connectors/routes.js';
import { emailRoutes } from '../ingest/email/routes.js';
import { mailboxRoutes } from '../ingest/email/pollers/routes.js';
import { psaRoutes } from '../notify/psa-routes.js';
import { buildHttp, type HttpDeps } from './server.js';
import type { Api } from './types.js';

export async function openApiDocument(): Promise<unknown> {
  const none = new Proxy({}, { get: () => undefined }) as never;
  const deps = {
    ...(new Proxy({}, { get: () => none }) as object),
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    publicUrl: 'http://localhost:8080',
    authenticators: [],
    readiness: { check: async () => null },
    consoleDir: '/nonexistent',
    // The routes app.ts adds beside the core ones (test/console/serving.test.ts keeps this list whole).
    extraRoutes: [
      (api: Api) => connectorRoutes(api, { connectors: none }),
      (api: Api) => emailRoutes(api, { emails: none, publicUrl: 'http://localhost:8080' }),
      (api: Api) => mailboxRoutes(api, { mailboxes: none }),
      (api: Api) => channelRoutes(api, { channels: none, notificationSettings: none, registry: none }),
      (api: Api) => psaRoutes(api, { psa: none }),
    ],
  } as unknown as HttpDeps;
  const app = await buildHttp(deps);
  await app.ready();
  const doc = app.swagger();
  await app.close();
  return doc;
}
