// Client roll-ups, SLA compliance (JSON, CSV, PDF) and streamed exports.
import type { CoreDeps } from '../core.js';
import type { CatalogService } from '../catalog/catalog.js';
import { ExportRepository } from '../db/repositories/exports.js';
import type { ReportRepository } from '../db/repositories/reports.js';
import { ReviewRepository } from '../db/repositories/reviews.js';
import type { WindowRepository } from '../db/repositories/windows.js';
import type { SettingsService } from '../engine/settings.js';
import { ExportService } from './exports.js';
import { ReportService } from './service.js';

export function buildReports(c: CoreDeps, d: { reportRepo: ReportRepository; windowRepo: WindowRepository; catalog: CatalogService; settings: SettingsService }) {
  const reports = new ReportService({ repo: d.reportRepo, windows: d.windowRepo, catalog: d.catalog, settings: d.settings, reviews: new ReviewRepository(c.db), clock: c.clock });
  const exports = new ExportService(new ExportRepository(c.db), d.catalog, c.clock);
  return { reports, exports };
}
