// Composition of notifications: channels, the router, the schedule, the sender and their loops.
// Kept beside app.ts so the composition root only calls it.
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Database } from '../db/connection.js';
import type { AlertRepository } from '../db/repositories/alerts.js';
import { ChannelRepository } from '../db/repositories/channels.js';
import { DeliveryRepository } from '../db/repositories/deliveries.js';
import { NotifyReadRepository } from '../db/repositories/notify-reads.js';
import { SettingsRepository } from '../db/repositories/settings.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import { createMailer } from './channels/email/transport.js';
import { ChannelRegistry } from './channels/registry.js';
import type { AlertWriter } from '../engine/alert-writer.js';
import type { AlertService } from '../engine/alerts.js';
import type { AuditService } from '../ops/audit.js';
import { ChannelHealth } from './channel-health.js';
import { ChannelService } from './channel-service.js';
import { DeliverySender } from './sender.js';
import { NotificationSettingsService } from './settings.js';
import { NotifyRouter } from './router.js';
import { NotifySchedule } from './schedule.js';
import type { Metrics } from '../ops/metrics.js';
import { MonthlyReports } from '../reports/monthly-mail.js';
import { NotifyFallback } from './fallback.js';
import { NotifyPaging } from './paging.js';
import { PsaService } from './psa.js';
import type { ReportService } from '../reports/service.js';
import { SYSTEM } from '../domain/access.js';
import type { NotifyFacts } from './channels/channel.js';
import type { SettingsService } from '../engine/settings.js';
import { NotifierWorker } from './worker.js';

export interface NotifyDeps {
  db: Database['db'];
  dialect: Database['dialect'];
  config: Config;
  clock: Clock;
  logger: Logger;
  secrets: SecretBox;
  alertRepo: AlertRepository;
  writer: AlertWriter;
  settings: SettingsService;
  audit: AuditService;
  alerts: AlertService;
  metrics: Metrics;
  /** For the monthly report's PDF; without it no report mails are made. */
  reports?: ReportService;
}

/** Notifications: channels, the router, the schedule and the sender, and their loops. */
export function buildNotify(d: NotifyDeps) {
  const { db, dialect, config, clock } = d;
  const registry = new ChannelRegistry(config.mailFrom);
  const mailer = config.mailUrl ? createMailer(config.mailUrl, config.mailFrom) : null;
  const channelRepo = new ChannelRepository(db, dialect);
  const deliveryRepo = new DeliveryRepository(db, dialect);
  const health = new ChannelHealth(db, d.alertRepo, d.writer, d.settings, clock);
  const notificationSettings = new NotificationSettingsService(new SettingsRepository(db), d.audit, clock);
  let wakeSender: () => void = () => {};
  const queued = () => wakeSender();
  const channels = new ChannelService({
    repo: channelRepo,
    deliveries: deliveryRepo,
    alerts: d.alerts,
    registry,
    secrets: d.secrets,
    health,
    settings: d.settings,
    audit: d.audit,
    clock,
    mailer: () => mailer,
    publicUrl: config.publicUrl,
    onQueued: queued,
  });
  const router = new NotifyRouter(db, channelRepo, deliveryRepo, registry, clock, { leaseMs: 30_000, batch: 500 }, queued);
  const reads = new NotifyReadRepository(db);
  const fallback = new NotifyFallback(channelRepo, deliveryRepo, clock, queued);
  const reports = d.reports;
  const facts: NotifyFacts = {
    lastGoodAt: (deviceId) => reads.deviceLastGood(deviceId),
    compliancePdf: (clientId, from, to) => {
      if (!reports) throw new Error('reports are not available');
      return reports.compliancePdf(SYSTEM, { client: clientId, from, to });
    },
  };
  const schedule = new NotifySchedule(db, channelRepo, deliveryRepo, reads, registry, d.settings, notificationSettings, health, clock, queued, {
    paging: new NotifyPaging(reads, deliveryRepo, d.settings),
    monthly: reports ? new MonthlyReports(db, deliveryRepo, reads) : undefined,
    fallback,
  });
  const sender = new DeliverySender(channelRepo, deliveryRepo, registry, d.secrets, health, () => mailer, clock, d.logger.child({ worker: 'deliveries' }), {
    leaseMs: 15_000,
    timeoutMs: 10_000,
    channels: 8,
    publicUrl: config.publicUrl,
    facts,
    fallback,
  }, d.metrics);
  const worker = new NotifierWorker(router, schedule, sender, d.logger.child({ worker: 'notifier' }), {
    pollMs: dialect === 'sqlite' ? 1000 : 500,
    scheduleEveryMs: 15_000,
  });
  wakeSender = () => worker.wakeSender();
  const psa = new PsaService(channels, channelRepo, deliveryRepo, reads, registry, d.secrets, d.alerts);
  return { registry, mailer, channels, notificationSettings, worker, psa };
}
