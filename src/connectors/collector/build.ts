// Collector mode, the centre's side: the collectors service, and its stale check run every minute
// from the connector scheduler's loop.
import type { CoreDeps } from '../../core.js';
import type { AlertRepository } from '../../db/repositories/alerts.js';
import { CollectorRepository } from '../../db/repositories/collectors.js';
import type { AlertWriter } from '../../engine/alert-writer.js';
import type { IntegrationService } from '../../engine/integrations.js';
import type { SettingsService } from '../../engine/settings.js';
import type { ConnectorWorker } from '../worker.js';
import { CollectorService } from './centre.js';

export const STALE_CHECK_MS = 60_000;

export function buildCollectors(
  c: CoreDeps,
  d: { integrations: IntegrationService; writer: AlertWriter; alertRepo: AlertRepository; settings: SettingsService; worker: ConnectorWorker },
) {
  const collectors = new CollectorService({
    repo: new CollectorRepository(c.db),
    integrations: d.integrations,
    db: c.tx,
    alerts: d.alertRepo,
    writer: d.writer,
    settings: d.settings,
    clock: c.clock,
  });
  d.worker.addChore(STALE_CHECK_MS, () => collectors.checkStale());
  return { collectors };
}
