// The route table: every route of the API is registered here, each concept's from its own folder.
import type { AuthServices } from '../auth/build.js';
import { mfaRoutes } from '../auth/mfa/routes.js';
import { oidcRoutes } from '../auth/oidc/routes.js';
import { sessionListRoutes } from '../auth/session-list-routes.js';
import { sessionRoutes } from '../auth/session-routes.js';
import { ssoRoutes } from '../auth/sso-routes.js';
import { userRoutes } from '../auth/user-routes.js';
import type { CatalogService } from '../catalog/catalog.js';
import { checkRoutes } from '../catalog/check-routes.js';
import type { CheckService } from '../catalog/checks.js';
import type { LifecycleService } from '../catalog/lifecycle.js';
import { catalogRoutes } from '../catalog/routes.js';
import type { CollectorService } from '../connectors/collector/centre.js';
import { collectorRoutes } from '../connectors/collector/routes.js';
import { connectorRoutes } from '../connectors/routes.js';
import type { ConnectorService } from '../connectors/service.js';
import { alertRoutes } from '../engine/alert-routes.js';
import type { AlertService } from '../engine/alerts.js';
import type { IntegrationService } from '../engine/integrations.js';
import { engineRoutes } from '../engine/routes.js';
import type { SettingsService } from '../engine/settings.js';
import type { WindowService } from '../engine/windows.js';
import { jobRoutes } from '../ingest/api/routes.js';
import type { EmailService } from '../ingest/email/inbox.js';
import type { MailboxService } from '../ingest/email/pollers/mailboxes.js';
import { mailboxRoutes } from '../ingest/email/pollers/routes.js';
import { emailRoutes, type InboundSetup } from '../ingest/email/routes.js';
import type { PingNameService } from '../ingest/ping/names.js';
import { pingAdminRoutes, pingRoutes } from '../ingest/ping/routes.js';
import type { IngestService } from '../ingest/service.js';
import type { Clock } from '../lib/clock.js';
import type { ChannelService } from '../notify/channel-service.js';
import type { ChannelRegistry } from '../notify/channels/registry.js';
import type { PsaService } from '../notify/psa.js';
import { psaRoutes } from '../notify/psa-routes.js';
import { channelRoutes } from '../notify/routes.js';
import type { NotificationSettingsService } from '../notify/settings.js';
import { healthRoutes, type Readiness } from '../ops/health-routes.js';
import type { Metrics } from '../ops/metrics.js';
import { metricsRoutes } from '../ops/metrics-routes.js';
import { publicRoutes, type PublicRouteDeps } from '../public/routes.js';
import { exportRoutes } from '../reports/export-routes.js';
import type { ExportService } from '../reports/exports.js';
import type { ReportService } from '../reports/service.js';
import { type ReviewRouteDeps, reviewRoutes } from '../reviews/routes.js';
import type { Api } from './types.js';

/** What the routes call: one use-case service per concept, and a few facts of the deployment. */
export interface RouteDeps extends AuthServices, PublicRouteDeps, ReviewRouteDeps {
  clock: Clock;
  publicUrl: string;
  /** Domain of the check addresses shown by the API; default: the public URL's host. */
  mailDomain?: string;
  /** How mail reaches this instance, for the inbox's setup help. */
  inbound?: InboundSetup;
  readiness: Readiness;
  /** Loads the demo estate from the setup page. */
  loadDemo?: () => Promise<unknown>;
  ingest: IngestService;
  pings: PingNameService;
  catalog: CatalogService;
  checks: CheckService;
  lifecycle: LifecycleService;
  alerts: AlertService;
  settings: SettingsService;
  windows: WindowService;
  integrations: IntegrationService;
  reports: ReportService;
  exports: ExportService;
  metrics: Metrics;
  connectors: ConnectorService;
  collectors: CollectorService;
  emails: EmailService;
  mailboxes: MailboxService;
  channels: ChannelService;
  notificationSettings: NotificationSettingsService;
  registry: ChannelRegistry;
  psa: PsaService;
}

export function registerRoutes(app: Api, d: RouteDeps): void {
  healthRoutes(app, d);
  metricsRoutes(app, d);
  sessionRoutes(app, d);
  sessionListRoutes(app, d);
  mfaRoutes(app, d);
  ssoRoutes(app, d);
  oidcRoutes(app, d);
  userRoutes(app, d);
  jobRoutes(app, d);
  pingRoutes(app, d);
  pingAdminRoutes(app, d);
  emailRoutes(app, d);
  mailboxRoutes(app, d);
  catalogRoutes(app, d);
  checkRoutes(app, d);
  alertRoutes(app, d);
  engineRoutes(app, d);
  exportRoutes(app, d);
  reviewRoutes(app, d);
  connectorRoutes(app, d);
  collectorRoutes(app, d);
  channelRoutes(app, d);
  psaRoutes(app, d);
  publicRoutes(app, d);
}
