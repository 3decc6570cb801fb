// Pull connectors: the runner (one sync under a lease), the scheduler loop and the admin service.
import type { CoreDeps } from '../core.js';
import { ConnectorRepository } from '../db/repositories/connectors.js';
import { ConnectorTenantRepository } from '../db/repositories/connector-tenants.js';
import type { IntegrationService } from '../engine/integrations.js';
import type { IngestService } from '../ingest/service.js';
import { ConnectorRunner } from './runner.js';
import { ConnectorService } from './service.js';
import { ConnectorTenantService } from './tenants.js';
import { ConnectorWorker } from './worker.js';

export function buildConnectors(c: CoreDeps, d: { ingest: IngestService; integrations: IntegrationService }) {
  const repo = new ConnectorRepository(c.db);
  const logger = c.logger.child({ worker: 'connectors' });
  const tenants = new ConnectorTenantService({ connectors: repo, tenants: new ConnectorTenantRepository(c.db), audit: c.audit, clock: c.clock });
  const runner = new ConnectorRunner({
    repo,
    ingest: d.ingest,
    integrations: d.integrations,
    secrets: c.secrets,
    clock: c.clock,
    logger,
    options: { leaseMs: 120_000 },
    metrics: c.metrics,
    tenants,
  });
  const worker = new ConnectorWorker(runner, logger, { pollMs: 5000, concurrency: 2 });
  c.bus.on('connectors', () => worker.wake());
  const connectors = new ConnectorService({
    repo,
    runner,
    integrations: d.integrations,
    secrets: c.secrets,
    audit: c.audit,
    clock: c.clock,
    logger: c.logger,
    onChanged: c.bus.waker('connectors'),
    tenants,
  });
  return { runner, worker, connectors };
}
