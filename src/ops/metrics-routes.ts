import { Type } from 'typebox';
import type { Metrics } from './metrics.js';
import { problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';

export function metricsRoutes(app: Api, deps: { metrics: Metrics }): void {
  app.get(
    '/metrics',
    {
      // Cluster-wide figures (and client names, when labelled): not for someone limited to clients.
      config: { ability: 'metrics', scope: 'workspace' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (a read token, or KEEPWATCH_METRICS_TOKEN)',
        produces: ['text/plain'],
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: Type.String() } } }, ...problemResponses },
      },
    },
    async (_req, reply) => {
      const { body, contentType } = await deps.metrics.render();
      return reply.type(contentType).send(body as never);
    },
  );
}
