// The OpenAPI document without a database: routes only touch their services when called, so the
// HTTP app is built with none and asked for its description. The console's build generates its
// typed API client from this, so a changed route breaks the console's build, not its users.
import pino from 'pino';
import { systemClock } from '../lib/clock.js';
import type { RouteDeps } from './routes.js';
import { buildHttp } from './server.js';

export async function openApiDocument(): Promise<unknown> {
  const none = new Proxy({}, { get: () => undefined }) as never;
  // Every service is a stand-in that is never called; the facts the routes read at registration are real.
  const routes = new Proxy(
    { clock: systemClock, publicUrl: 'http://localhost:8080', readiness: { check: async () => null } } as Partial<RouteDeps>,
    { get: (target, key) => (key in target ? target[key as keyof RouteDeps] : key === 'mailDomain' || key === 'inbound' || key === 'loadDemo' ? undefined : none) },
  ) as RouteDeps;
  const app = await buildHttp({ logger: pino({ level: 'silent' }), clock: systemClock, publicUrl: 'http://localhost:8080', authenticators: [], consoleDir: '/nonexistent', routes });
  await app.ready();
  const doc = app.swagger();
  await app.close();
  return doc;
}
