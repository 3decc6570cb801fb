import { Type } from 'typebox';
import type { Api } from '../http/types.js';

export interface Readiness {
  /** Throws or answers a reason when this instance should not take traffic. */
  check(): Promise<string | null>;
}

export function healthRoutes(app: Api, deps: { readiness: Readiness }): void {
  const Status = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) });
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database answers and is migrated: this instance can take traffic',
        response: { 200: Status, 503: Status },
      },
    },
    async (_req, reply) => {
      let reason: string | null;
      try {
        reason = await deps.readiness.check();
      } catch (err) {
        reason = `database: ${(err as Error).message}`;
      }
      return reason === null ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', reason });
    },
  );
}
