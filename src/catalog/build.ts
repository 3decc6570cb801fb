// Clients, devices, checks and jobs as people read and edit them.
import type { CoreDeps } from '../core.js';
import { AlertRepository } from '../db/repositories/alerts.js';
import { CheckRepository } from '../db/repositories/checks.js';
import { ClientRepository } from '../db/repositories/clients.js';
import { DeviceRepository } from '../db/repositories/devices.js';
import type { IngestRepository } from '../db/repositories/ingest.js';
import { JobRepository } from '../db/repositories/jobs.js';
import { ReportRepository } from '../db/repositories/reports.js';
import { ReviewRepository } from '../db/repositories/reviews.js';
import { CatalogService } from './catalog.js';
import { CheckService } from './checks.js';
import { LifecycleService } from './lifecycle.js';

export function buildCatalog(c: CoreDeps, d: { ingestRepo: IngestRepository; onNamesChanged?: () => void }) {
  const onNamesChanged = d.onNamesChanged ?? (() => {});
  const repos = {
    clients: new ClientRepository(c.db),
    checks: new CheckRepository(c.db),
    alerts: new AlertRepository(c.db, c.dialect),
    reports: new ReportRepository(c.db),
  };
  const devices = new DeviceRepository(c.db);
  const catalog = new CatalogService({
    clients: repos.clients,
    devices,
    checks: repos.checks,
    jobs: new JobRepository(c.db),
    reports: repos.reports,
    alerts: repos.alerts,
    reviews: new ReviewRepository(c.db),
    audit: c.audit,
    clock: c.clock,
  });
  const checks = new CheckService({
    db: c.tx,
    checks: repos.checks,
    ingest: d.ingestRepo,
    audit: c.audit,
    clock: c.clock,
    onEmailRulesChanged: c.bus.waker('email-routing'),
    onNamesChanged,
  });
  const lifecycle = new LifecycleService({
    db: c.tx,
    ...{ clients: repos.clients, devices, checks: repos.checks, alerts: repos.alerts, ingest: d.ingestRepo },
    audit: c.audit,
    clock: c.clock,
    onNamesChanged,
    onQueued: c.bus.waker('evaluator'),
  });
  return { catalog, checks, lifecycle, repos };
}
