import { Type } from 'typebox';
import { ValidationError } from '../../domain/errors.js';
import { parseSignal, pingJob } from './ping.js';
import type { Clock } from '../../lib/clock.js';
import type { IngestService } from '../service.js';
import { ProblemSchema } from '../../http/schemas.js';
import type { Api } from '../../http/types.js';

const PingParams = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 100 }),
  signal: Type.Optional(Type.String({ description: 'start, fail, warn, or an exit code 0-255; none means success' })),
});
const PingQuery = Type.Object({
  rid: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'run id, to pair a start with its end when runs overlap' })),
});

export function pingRoutes(app: Api, deps: { ingest: IngestService; clock: Clock }): void {
  // Scripts send whatever they have (text, JSON, form data): every body is kept as text.
  app.register(async (scope: Api) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    for (const url of ['/ping/:key', '/ping/:key/:signal']) {
      scope.route({
        method: ['GET', 'POST'],
        url,
        schema: {
          tags: ['ping'],
          summary: 'Ping a check (no token: the key is the secret). The body, up to 100 kB, becomes the job log.',
          params: PingParams,
          querystring: PingQuery,
          response: { 200: Type.String(), 400: ProblemSchema, 404: ProblemSchema },
        },
        handler: async (req) => {
          const signal = parseSignal(req.params.signal);
          if (signal === null) throw ValidationError.field('signal', 'must be start, fail, warn or an exit code 0-255');
          const target = await deps.ingest.pingTarget(req.params.key);
          const job = pingJob(target, signal, {
            body: typeof req.body === 'string' ? req.body : null,
            runId: req.query.rid ?? null,
            now: deps.clock.now(),
            userAgent: req.headers['user-agent'],
          });
          await deps.ingest.recordJobs([job]);
          return 'OK';
        },
      });
    }
  });
}
