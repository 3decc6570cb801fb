// Notifications: channels, the router (outbox → deliveries), the schedule (digests, repeats,
// summaries, pages, monthly reports), the sender, their loops, and PSA lookups.
import type { CoreDeps } from '../core.js';
import type { AlertRepository } from '../db/repositories/alerts.js';
import { ChannelRepository } from '../db/repositories/channels.js';
import { DeliveryRepository } from '../db/repositories/deliveries.js';
import { NotifyReadRepository } from '../db/repositories/notify-reads.js';
import { SettingsRepository } from '../db/repositories/settings.js';
import { SYSTEM } from '../domain/access.js';
import type { AlertWriter } from '../engine/alert-writer.js';
import type { AlertService } from '../engine/alerts.js';
import type { SettingsService } from '../engine/settings.js';
import { MonthlyReports } from '../reports/monthly-mail.js';
import type { ReportService } from '../reports/service.js';
import { ChannelHealth } from './channel-health.js';
import { ChannelService } from './channel-service.js';
import type { NotifyFacts } from './channels/channel.js';
import { createMailer } from './channels/email/transport.js';
import { ChannelRegistry } from './channels/registry.js';
import { NotifyFallback } from './fallback.js';
import { NotifyPaging } from './paging.js';
import { PsaService } from './psa.js';
import { NotifyRouter } from './router.js';
import { NotifySchedule } from './schedule.js';
import { DeliverySender } from './sender.js';
import { NotificationSettingsService } from './settings.js';
import { NotifierWorker } from './worker.js';

export interface NotifyNeeds {
  alertRepo: AlertRepository;
  writer: AlertWriter;
  settings: SettingsService;
  alerts: AlertService;
  /** For the monthly report's PDF. */
  reports: ReportService;
  /** Raises and resolves review_overdue on the schedule's pass (src/reviews/watch.ts). */
  reviewWatch?: { tick(): Promise<number> };
}

export function buildNotify(c: CoreDeps, d: NotifyNeeds) {
  const { config, clock, db, dialect } = c;
  const registry = new ChannelRegistry(config.mailFrom);
  const mailer = config.mailUrl ? createMailer(config.mailUrl, config.mailFrom) : null;
  const channelRepo = new ChannelRepository(db, dialect);
  const deliveryRepo = new DeliveryRepository(db, dialect);
  const reads = new NotifyReadRepository(db);
  const health = new ChannelHealth({ db: c.tx, alerts: d.alertRepo, writer: d.writer, settings: d.settings, clock });
  const notificationSettings = new NotificationSettingsService(new SettingsRepository(db), c.audit, clock);
  const queued = c.bus.waker('notify-sender');
  const channels = new ChannelService({
    repo: channelRepo,
    deliveries: deliveryRepo,
    alerts: d.alerts,
    registry,
    secrets: c.secrets,
    health,
    settings: d.settings,
    audit: c.audit,
    clock,
    mailer: () => mailer,
    publicUrl: config.publicUrl,
    onQueued: queued,
  });
  const router = new NotifyRouter({
    db: c.tx,
    channels: channelRepo,
    deliveries: deliveryRepo,
    registry,
    clock,
    options: { leaseMs: 30_000, batch: 500 },
    onQueued: queued,
    groupWaitMs: async () => (await notificationSettings.get()).group_wait_seconds * 1000,
  });
  const fallback = new NotifyFallback(channelRepo, deliveryRepo, clock, queued);
  const facts: NotifyFacts = {
    lastGoodAt: (deviceId) => reads.deviceLastGood(deviceId),
    compliancePdf: (clientId, from, to) => d.reports.compliancePdf(SYSTEM, { client: clientId, from, to }),
  };
  const schedule = new NotifySchedule({
    db: c.tx,
    channels: channelRepo,
    deliveries: deliveryRepo,
    reads,
    registry,
    settings: d.settings,
    notifySettings: notificationSettings,
    health,
    clock,
    onQueued: queued,
    extras: {
      paging: new NotifyPaging(reads, deliveryRepo, d.settings),
      monthly: new MonthlyReports(c.tx, deliveryRepo, reads),
      fallback,
      reviewWatch: d.reviewWatch,
    },
  });
  const sender = new DeliverySender({
    channels: channelRepo,
    deliveries: deliveryRepo,
    registry,
    secrets: c.secrets,
    health,
    mailer: () => mailer,
    clock,
    logger: c.logger.child({ worker: 'deliveries' }),
    options: { leaseMs: 15_000, timeoutMs: 10_000, channels: 8, publicUrl: config.publicUrl, facts, fallback },
    metrics: c.metrics,
  });
  const worker = new NotifierWorker(router, schedule, sender, c.logger.child({ worker: 'notifier' }), {
    pollMs: dialect === 'sqlite' ? 1000 : 500,
    scheduleEveryMs: 15_000,
  });
  c.bus.on('notify-router', () => worker.wakeRouter());
  c.bus.on('notify-sender', () => worker.wakeSender());
  const psa = new PsaService({ channels, channelRepo, deliveries: deliveryRepo, reads, registry, secrets: c.secrets, alerts: d.alerts });
  return { registry, mailer, channels, notificationSettings, worker, psa };
}
