// Composition root: wires configuration, database, repositories, services, HTTP and workers.
import { timingSafeEqual } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Config } from './config/index.js';
import { type Database, openDatabase } from './db/connection.js';
import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import { AuditRepository } from './db/repositories/audit.js';
import { CheckRepository } from './db/repositories/checks.js';
import { ConnectorRepository } from './db/repositories/connectors.js';
import { ClientRepository } from './db/repositories/clients.js';
import { DeviceRepository } from './db/repositories/devices.js';
import { IngestRepository } from './db/repositories/ingest.js';
import { JobRepository } from './db/repositories/jobs.js';
import { AlertRepository } from './db/repositories/alerts.js';
import { EvaluationRepository } from './db/repositories/evaluation.js';
import { ExportRepository } from './db/repositories/exports.js';
import { MetricsRepository } from './db/repositories/metrics.js';
import { IntegrationRepository } from './db/repositories/integrations.js';
import { ReportRepository } from './db/repositories/reports.js';
import { SettingsRepository } from './db/repositories/settings.js';
import { TokenRepository } from './db/repositories/tokens.js';
import { SessionRepository, UserRepository } from './db/repositories/users.js';
import { WindowRepository } from './db/repositories/windows.js';
import { METRICS_SCRAPER } from './domain/access.js';
import { SYSTEM } from './domain/access.js';
import { bearerToken } from './http/plugins/auth.js';
import { sessionAuthenticator } from './http/plugins/session.js';
import { connectorRoutes } from './connectors/routes.js';
import { buildHttp } from './http/server.js';
import type { Api } from './http/types.js';
import { type Clock, systemClock } from './lib/clock.js';
import { newId, randomKey } from './lib/ids.js';
import { SecretBox } from './lib/secret-box.js';
import { resolveSecretKey } from './lib/secret-key.js';
import { AlertWriter } from './engine/alert-writer.js';
import { AlertService } from './engine/alerts.js';
import { AuditService } from './ops/audit.js';
import { CatalogService } from './catalog/catalog.js';
import { CheckService } from './catalog/checks.js';
import { ConnectorRunner } from './connectors/runner.js';
import { ConnectorService } from './connectors/service.js';
import { DEFAULT_CLIENT_NAME, IngestService } from './ingest/service.js';
import { TokenService } from './auth/tokens.js';
import { EvaluationService } from './engine/evaluation.js';
import { ExportService } from './reports/exports.js';
import { Metrics } from './ops/metrics.js';
import { IntegrationService } from './engine/integrations.js';
import { ReportService } from './reports/service.js';
import { loadDemo } from './demo/load.js';
import { SessionService } from './auth/sessions.js';
import { SettingsService } from './engine/settings.js';
import { UserService } from './auth/users.js';
import { WindowService } from './engine/windows.js';
import { ConnectorWorker } from './connectors/worker.js';
import { EvaluatorWorker } from './engine/evaluator.js';
import { RetentionWorker } from './ops/retention.js';
import { RetentionRepository } from './db/repositories/retention.js';
import { EmailRepository } from './db/repositories/emails.js';
import { MailRoutingRepository } from './db/repositories/mail-routing.js';
import { emailRoutes } from './ingest/email/routes.js';
import { AddressBook } from './ingest/email/addresses.js';
import { defaultParser } from './ingest/email/parsing.js';
import { RuleBook } from './ingest/email/rulebook.js';
import { SmtpListener, type SmtpOptions } from './ingest/email/smtp.js';
import { EmailIntake } from './ingest/email/intake.js';
import { EmailPipeline } from './ingest/email/pipeline.js';
import { EmailService } from './ingest/email/inbox.js';
import { EmailWorker } from './ingest/email/worker.js';
import { MailboxRepository } from './db/repositories/mailboxes.js';
import { mailboxRoutes } from './ingest/email/pollers/routes.js';
import { MailboxService } from './ingest/email/pollers/mailboxes.js';
import { MailboxWorker } from './ingest/email/pollers/worker.js';
import { readFileSync } from 'node:fs';
import { buildNotify } from './notify/build.js';
import { channelRoutes } from './notify/routes.js';
import { psaRoutes } from './notify/psa-routes.js';
import type { ChannelService } from './notify/channel-service.js';
import type { NotificationSettingsService } from './notify/settings.js';
import type { NotifierWorker } from './notify/worker.js';

export interface KeepwatchOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface Services {
  audit: AuditService;
  ingest: IngestService;
  tokens: TokenService;
  catalog: CatalogService;
  checks: CheckService;
  users: UserService;
  sessions: SessionService;
  settings: SettingsService;
  evaluation: EvaluationService;
  alerts: AlertService;
  windows: WindowService;
  integrations: IntegrationService;
  reports: ReportService;
  exports: ExportService;
  connectors: ConnectorService;
  emails: EmailService;
  mailboxes: MailboxService;
  channels: ChannelService;
  notificationSettings: NotificationSettingsService;
}

export interface Keepwatch {
  config: Config;
  database: Database;
  services: Services;
  logger: Logger;
  clock: Clock;
  secrets: SecretBox;
  metrics: Metrics;
  http: Api;
  evaluator: EvaluatorWorker;
  retention: RetentionWorker;
  /** Runs due connector syncs (started by listen() when config.workers). */
  connectorWorker: ConnectorWorker;
  connectorRunner: ConnectorRunner;
  email: { intake: EmailIntake; pipeline: EmailPipeline; worker: EmailWorker; smtp: SmtpListener; mailboxWorker: MailboxWorker };
  /** The SMTP listener's bound port (after listen()). */
  smtpPort: number;
  notifier: NotifierWorker;
  /** Starts background loops (when config.workers) and listens on config.port. Answers the bound port. */
  listen(): Promise<number>;
  stop(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A fresh install has one client, `default`. */
async function ensureDefaultClient(db: Database, clock: Clock): Promise<void> {
  const now = clock.now();
  // Looks first: an instance starting on a database that has it writes nothing.
  if (await db.db.selectFrom('clients').select('id').where('name_key', '=', DEFAULT_CLIENT_NAME).executeTakeFirst()) return;
  await db.db
    .insertInto('clients')
    .values({ id: newId(), name: DEFAULT_CLIENT_NAME, name_key: DEFAULT_CLIENT_NAME, inbound_key: randomKey(12), created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name_key').doNothing())
    .execute();
}

function smtpOptions(config: Config): SmtpOptions {
  const m = config.inboundMail;
  return {
    host: config.host,
    port: config.smtpPort,
    maxBytes: m.maxBytes,
    auth: m.auth,
    tls: m.tlsKeyFile && m.tlsCertFile ? { key: readFileSync(m.tlsKeyFile), cert: readFileSync(m.tlsCertFile) } : null,
  };
}

/** Opens the database, applies migrations and builds every service; does not listen. */
export async function createKeepwatch(config: Config, options: KeepwatchOptions = {}): Promise<Keepwatch> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'keepwatch' } });
  const database = openDatabase(config);
  const { db, dialect } = database;
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    await ensureDefaultClient(database, clock);
  } catch (err) {
    await database.close();
    throw err;
  }
  const secret = resolveSecretKey(config.secretKey, config.dataDir);
  if (secret.generated) logger.warn('KEEPWATCH_SECRET_KEY is not set: generated one in the data directory; back it up with the database');
  const secrets = new SecretBox(secret.key);

  const metrics = new Metrics(new MetricsRepository(db), clock, { clientLabels: config.metricsClientLabels });
  const audit = new AuditService(new AuditRepository(db), clock);
  const ingestRepo = new IngestRepository(dialect);
  const evaluationRepo = new EvaluationRepository(db, dialect);
  const alertRepo = new AlertRepository(db, dialect);
  const windowRepo = new WindowRepository(db);
  const reportRepo = new ReportRepository(db);
  const checkRepo = new CheckRepository(db);
  // The evaluator is built last; work queued before that only needs a no-op wake.
  let wake: () => void = () => {};
  const queued = () => wake();

  const ingest = new IngestService(db, dialect, ingestRepo, clock, queued, metrics);
  const tokens = new TokenService(new TokenRepository(db, dialect), audit, clock);
  const catalog = new CatalogService(new ClientRepository(db), new DeviceRepository(db), checkRepo, new JobRepository(db), reportRepo, alertRepo, audit, clock);
  const mailRouting = new MailRoutingRepository(db);
  const emailRepo = new EmailRepository(db, dialect);
  const mail = config.inboundMail;
  const addresses = new AddressBook(mailRouting, { domains: mail.domains, inboxes: mail.inboxes });
  const ruleBook = new RuleBook(mailRouting);
  const checks = new CheckService(db, checkRepo, ingestRepo, audit, clock, () => {
    ruleBook.invalidate();
    addresses.forget();
  });
  const sessionRepo = new SessionRepository(db);
  const users = new UserService(new UserRepository(db), audit, clock, (userId) => sessions.revokeAll(userId));
  const sessions = new SessionService(sessionRepo, users, audit, clock);
  const settings = new SettingsService(new SettingsRepository(db), evaluationRepo, audit, clock, queued);
  const writer = new AlertWriter(alertRepo);
  const integrationRepo = new IntegrationRepository(db);
  const evaluation = new EvaluationService(db, evaluationRepo, alertRepo, integrationRepo, writer, settings, clock);
  const alerts = new AlertService(db, dialect, alertRepo, writer, ingestRepo, settings, audit, clock, queued);
  const windows = new WindowService(windowRepo, catalog, checkRepo, evaluationRepo, audit, clock, queued);
  const integrations = new IntegrationService(integrationRepo, evaluationRepo, evaluation, clock, queued);
  const reports = new ReportService(reportRepo, windowRepo, catalog, settings, clock);
  const connectorRepo = new ConnectorRepository(db);
  const connectorRunner = new ConnectorRunner(connectorRepo, ingest, integrations, secrets, clock, logger.child({ worker: 'connectors' }), { leaseMs: 120_000 }, metrics);
  const connectorWorker = new ConnectorWorker(connectorRunner, logger.child({ worker: 'connectors' }), { pollMs: 5000, concurrency: 2 });
  const connectors = new ConnectorService(connectorRepo, connectorRunner, integrations, secrets, audit, clock, logger, () => connectorWorker.wake());
  const exports = new ExportService(new ExportRepository(db), catalog, clock);
  let emailWake: () => void = () => {};
  const intake = new EmailIntake(db, dialect, emailRepo, clock, () => emailWake());
  // A batch takes well under a second; after a crash its messages wait out the lease, so keep it short.
  const emailLeaseMs = 20_000;
  const parser = defaultParser();
  const pipeline = new EmailPipeline(emailRepo, addresses, ruleBook, ingest, parser, clock, logger.child({ component: 'email' }), emailLeaseMs);
  const emailWorker = new EmailWorker(emailRepo, pipeline, clock, logger.child({ worker: 'email' }), {
    pollMs: dialect === 'sqlite' ? 1000 : 500,
    leaseMs: emailLeaseMs,
    batch: 50,
    retentionDays: mail.retentionDays,
    onPurged: (rows) => metrics.retentionDeleted.inc({ table: 'emails' }, rows),
  });
  emailWake = () => emailWorker.wake();
  const clientName = async (id: string) => (await new ClientRepository(db).byId(id))?.name;
  const emails = new EmailService(emailRepo, pipeline, checks, clientName, () => emailWorker, audit);
  const smtp = new SmtpListener(smtpOptions(config), addresses, intake, logger.child({ component: 'smtp' }), metrics);
  const mailDomain = mail.domains?.[0] ?? new URL(config.publicUrl).hostname;
  const mailboxes = new MailboxService(new MailboxRepository(db, dialect), intake, secrets, integrations, audit, clock);
  const mailboxWorker = new MailboxWorker(mailboxes, logger.child({ worker: 'mailboxes' }), 5000);
  const notify = buildNotify({ db, dialect, config, clock, logger, secrets, alertRepo, writer, settings, audit, alerts, metrics, reports });
  await notify.channels.ensureOwnersChannel();
  const services: Services = {
    ...{ audit, ingest, tokens, catalog, checks, users, sessions, settings, evaluation, alerts, windows, integrations, reports },
    ...{ exports, connectors, emails, mailboxes },
    channels: notify.channels,
    notificationSettings: notify.notificationSettings,
  };
  const evaluator = new EvaluatorWorker(evaluationRepo, evaluation, clock, logger.child({ worker: 'evaluator' }), {
    pollMs: dialect === 'sqlite' ? 1000 : 250,
    // A pass holds its claims for well under a second; after a crash, its devices (and their
    // deadlines) wait out the lease before another instance takes them.
    leaseMs: 15_000,
    batch: 100,
    perTransaction: dialect === 'sqlite' ? 10 : 20,
    afterPass: () => notify.worker.wakeRouter(),
  }, metrics);
  wake = () => evaluator.wake();
  const retention = new RetentionWorker(new RetentionRepository(db), clock, logger.child({ worker: 'retention' }), [
    { table: 'jobs', days: config.retainJobsDays },
    { table: 'audit_log', days: config.retainAuditDays },
    // Domain events the notifier has handled: their effects live on in deliveries and alert history.
    { table: 'outbox', days: 30 },
    { table: 'deliveries', days: config.retainDeliveriesDays },
  ], metrics);

  const http = await buildHttp({
    logger,
    clock,
    publicUrl: config.publicUrl,
    authenticators: [
      async (req) => {
        const token = bearerToken(req);
        if (token === null) return null;
        if (config.metricsToken !== null && sameSecret(token, config.metricsToken)) return METRICS_SCRAPER;
        return tokens.authenticate(token);
      },
      sessionAuthenticator(sessions),
    ],
    loadDemo: () => loadDemo({ db, clock, ingest, checks, evaluateAll: () => evaluator.runUntilIdle() }, SYSTEM),
    readiness: {
      check: async () => {
        const pending = await pendingMigrations(db);
        return pending.length > 0 ? `pending migrations: ${pending.join(', ')}` : null;
      },
    },
    ...services,
    metrics,
    mailDomain,
    extraRoutes: [
      (api) => connectorRoutes(api, { connectors }),
      (api) =>
        emailRoutes(api, {
          emails,
          publicUrl: config.publicUrl,
          mailDomain,
          inbound: { inboxes: mail.inboxes, smtpHost: new URL(config.publicUrl).hostname, smtpPort: () => smtp.port, auth: mail.auth !== null, starttls: mail.tlsKeyFile !== null },
        }),
      (api) => mailboxRoutes(api, { mailboxes }),
      (api) => channelRoutes(api, { channels: notify.channels, notificationSettings: notify.notificationSettings, registry: notify.registry }),
      (api) => psaRoutes(api, { psa: notify.psa }),
    ],
  });

  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  return {
    config,
    database,
    services,
    logger,
    clock,
    secrets,
    metrics,
    http,
    evaluator,
    retention,
    connectorWorker,
    connectorRunner,
    email: { intake, pipeline, worker: emailWorker, smtp, mailboxWorker },
    get smtpPort() {
      return smtp.port;
    },
    notifier: notify.worker,
    async listen() {
      const smtpPort = await smtp.listen();
      timers.push(
        setInterval(() => tokens.flush().catch((err) => logger.warn({ err }, 'token usage flush failed')), 1000).unref(),
      );
      await http.listen({ port: config.port, host: config.host });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      // Only an instance that is up takes work: one that cannot bind its ports (and exits, and is
      // restarted, and exits…) must not keep claiming work that then waits out its leases.
      if (config.workers) {
        evaluator.start();
        retention.start();
        connectorWorker.start();
        emailWorker.start();
        mailboxWorker.start();
        notify.worker.start();
        if (!config.mailUrl) {
          logger.warn('KEEPWATCH_MAIL_URL is not set: e-mail notifications (destructive operations to owners and admins included) are recorded as failed until a relay is configured');
        }
      }
      logger.info({ port, smtpPort, database: dialect, publicUrl: config.publicUrl }, 'keepwatch is serving');
      return port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearInterval(t);
      await smtp.close();
      await mailboxWorker.stop();
      await http.close();
      await connectorWorker.stop();
      await connectorRunner.abortAll();
      await intake.drain();
      await emailWorker.stop();
      await parser.close?.();
      await ingest.drain();
      await evaluator.stop();
      await retention.stop();
      await notify.worker.stop();
      notify.mailer?.close();
      await tokens.flush().catch((err) => logger.warn({ err }, 'token usage flush failed'));
      await database.close();
    },
  };
}
