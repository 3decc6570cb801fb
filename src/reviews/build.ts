// The daily review (docs/review.md): reviews of runs, the queue, statistics, the evidence report,
// PSA tickets for runs, and the review_overdue watch the notification schedule runs.
import type { CatalogService } from '../catalog/catalog.js';
import type { CoreDeps } from '../core.js';
import type { AlertRepository } from '../db/repositories/alerts.js';
import { ChannelRepository } from '../db/repositories/channels.js';
import { ReviewRepository } from '../db/repositories/reviews.js';
import type { AlertWriter } from '../engine/alert-writer.js';
import type { SettingsService } from '../engine/settings.js';
import { ChannelRegistry } from '../notify/channels/registry.js';
import { ReviewService } from './service.js';
import { ReviewTickets } from './ticket.js';
import { ReviewWatch } from './watch.js';

export interface ReviewNeeds {
  catalog: CatalogService;
  settings: SettingsService;
  alertRepo: AlertRepository;
  writer: AlertWriter;
}

export function buildReviews(c: CoreDeps, d: ReviewNeeds) {
  const repo = new ReviewRepository(c.db);
  const reviews = new ReviewService({ db: c.tx, repo, catalog: d.catalog, settings: d.settings, audit: c.audit, clock: c.clock });
  const reviewTickets = new ReviewTickets({
    catalog: d.catalog,
    channels: new ChannelRepository(c.db, c.dialect),
    registry: new ChannelRegistry(c.config.mailFrom),
    secrets: c.secrets,
    publicUrl: c.config.publicUrl,
  });
  const watch = new ReviewWatch({ db: c.tx, repo, alerts: d.alertRepo, writer: d.writer, settings: d.settings, clock: c.clock });
  return { repo, reviews, reviewTickets, watch };
}
