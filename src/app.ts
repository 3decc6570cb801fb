// Composition root: opens the database, builds each concept (build<Concept>(deps)) in dependency
// order, registers the routes, and starts and stops the listeners and background loops.
import pino, { type Logger } from 'pino';
import { buildAuth } from './auth/build.js';
import type { AuthServices } from './auth/build.js';
import { buildCatalog } from './catalog/build.js';
import type { Config } from './config/index.js';
import { buildConnectors } from './connectors/build.js';
import { buildCollectors } from './connectors/collector/build.js';
import type { CoreDeps } from './core.js';
import { type Database, openDatabase } from './db/connection.js';
import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import { ClientRepository } from './db/repositories/clients.js';
import { transactor } from './db/transaction.js';
import { type Principal, SYSTEM } from './domain/access.js';
import { loadDemo } from './demo/load.js';
import { buildEngine } from './engine/build.js';
import { buildHttp } from './http/server.js';
import type { Api } from './http/types.js';
import { buildIngest } from './ingest/build.js';
import { buildEmail } from './ingest/email/build.js';
import { DEFAULT_CLIENT_NAME } from './ingest/service.js';
import { type Clock, systemClock } from './lib/clock.js';
import { setOutboundAllow } from './lib/outbound/index.js';
import { SecretBox } from './lib/secret-box.js';
import { resolveSecretKey } from './lib/secret-key.js';
import { WakeBus } from './lib/wake.js';
import { buildNotify } from './notify/build.js';
import { buildRecorders, buildRetention } from './ops/build.js';
import { buildPublic } from './public/build.js';
import { buildReports } from './reports/build.js';
import { buildReviews } from './reviews/build.js';

export interface KeepwatchOptions {
  clock?: Clock;
  logger?: Logger;
}

type Built = ReturnType<typeof buildParts>;

export interface Services extends AuthServices {
  audit: Built['core']['audit'];
  ingest: Built['ingest']['ingest'];
  pings: Built['ingest']['pings'];
  catalog: Built['catalog']['catalog'];
  checks: Built['catalog']['checks'];
  lifecycle: Built['catalog']['lifecycle'];
  settings: Built['engine']['settings'];
  evaluation: Built['engine']['evaluation'];
  alerts: Built['engine']['alerts'];
  windows: Built['engine']['windows'];
  integrations: Built['engine']['integrations'];
  reports: Built['reports']['reports'];
  exports: Built['reports']['exports'];
  reviews: Built['reviews']['reviews'];
  reviewTickets: Built['reviews']['reviewTickets'];
  connectors: Built['connectors']['connectors'];
  collectors: Built['collectors']['collectors'];
  emails: Built['email']['emails'];
  mailboxes: Built['email']['mailboxes'];
  channels: Built['notify']['channels'];
  notificationSettings: Built['notify']['notificationSettings'];
  badges: Built['pub']['badges'];
  statusPages: Built['pub']['statusPages'];
  branding: Built['pub']['branding'];
}

export interface Keepwatch {
  config: Config;
  database: Database;
  services: Services;
  logger: Logger;
  clock: Clock;
  secrets: SecretBox;
  metrics: CoreDeps['metrics'];
  bus: WakeBus;
  http: Api;
  evaluator: Built['engine']['evaluator'];
  /** The evaluation threads (null: evaluating on the main thread). */
  evalThreads: Built['engine']['threads'];
  retention: Built['retention'];
  /** Runs due connector syncs (started by listen() when config.workers). */
  connectorWorker: Built['connectors']['worker'];
  connectorRunner: Built['connectors']['runner'];
  email: Pick<Built['email'], 'intake' | 'pipeline' | 'worker' | 'smtp' | 'mailboxWorker'>;
  /** The SMTP listener's bound port (after listen()). */
  smtpPort: number;
  notifier: Built['notify']['worker'];
  /** Loads the demo estate through recordJobs, then evaluates it. */
  loadDemo(actor: Principal): Promise<{ jobs: number }>;
  /** Starts background loops (when config.workers) and listens on config.port. Answers the bound port. */
  listen(): Promise<number>;
  stop(): Promise<void>;
}

/** Every concept, built in dependency order; nothing here touches the network or starts a loop. */
function buildParts(config: Config, database: Database, clock: Clock, logger: Logger, secrets: SecretBox) {
  const { db, dialect } = database;
  const core: CoreDeps = { config, db, dialect, sqliteFile: database.sqliteFile, tx: transactor(db), clock, logger, secrets, bus: new WakeBus(), ...buildRecorders({ db, clock, config, checkpoints: database.checkpoints }) };
  const auth = buildAuth(core);
  const ingest = buildIngest(core);
  const catalog = buildCatalog(core, { ingestRepo: ingest.repo, onNamesChanged: () => ingest.ingest.forget() });
  const engine = buildEngine(core, { ingestRepo: ingest.repo, alertRepo: catalog.repos.alerts, checkRepo: catalog.repos.checks, catalog: catalog.catalog });
  const reports = buildReports(core, { reportRepo: catalog.repos.reports, windowRepo: engine.windowRepo, catalog: catalog.catalog, settings: engine.settings });
  const connectors = buildConnectors(core, { ingest: ingest.ingest, integrations: engine.integrations });
  const collectors = buildCollectors(core, { integrations: engine.integrations, writer: engine.writer, alertRepo: catalog.repos.alerts, settings: engine.settings, worker: connectors.worker });
  const email = buildEmail(core, { ingest: ingest.ingest, checks: catalog.checks, integrations: engine.integrations, clients: catalog.repos.clients });
  const reviews = buildReviews(core, { catalog: catalog.catalog, settings: engine.settings, alertRepo: catalog.repos.alerts, writer: engine.writer });
  const notify = buildNotify(core, { alertRepo: catalog.repos.alerts, writer: engine.writer, settings: engine.settings, alerts: engine.alerts, reports: reports.reports, reviewWatch: reviews.watch });
  const retention = buildRetention(core);
  const pub = buildPublic(core, { clients: catalog.repos.clients, checks: catalog.repos.checks });
  return { core, auth, ingest, catalog, engine, reports, reviews, connectors, collectors, email, notify, retention, pub };
}

/** Opens the database, applies migrations and builds every service; does not listen. */
export async function createKeepwatch(config: Config, options: KeepwatchOptions = {}): Promise<Keepwatch> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'keepwatch' } });
  // Process-wide: every outbound connection to a user-given address is checked against it.
  setOutboundAllow(config.outboundAllow);
  const database = openDatabase(config);
  const { db, dialect } = database;
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    // A fresh install has one client, `default`.
    await new ClientRepository(db).ensure(DEFAULT_CLIENT_NAME, clock.now());
  } catch (err) {
    await database.close();
    throw err;
  }
  const secret = resolveSecretKey(config.secretKey, config.dataDir);
  if (secret.generated) logger.warn('KEEPWATCH_SECRET_KEY is not set: generated one in the data directory; back it up with the database');
  const secrets = new SecretBox(secret.key);

  const parts = buildParts(config, database, clock, logger, secrets);
  const { core, auth, ingest, catalog, engine, reports, reviews, connectors, collectors, email, notify, retention, pub } = parts;
  await notify.channels.ensureOwnersChannel();
  const services: Services = {
    audit: core.audit,
    ...{ users: auth.users, sessions: auth.sessions, tokens: auth.tokens, sso: auth.sso, oidc: auth.oidc, mfa: auth.mfa },
    ingest: ingest.ingest,
    pings: ingest.pings,
    ...{ catalog: catalog.catalog, checks: catalog.checks, lifecycle: catalog.lifecycle },
    ...{ settings: engine.settings, evaluation: engine.evaluation, alerts: engine.alerts, windows: engine.windows, integrations: engine.integrations },
    ...{ reports: reports.reports, exports: reports.exports },
    ...{ reviews: reviews.reviews, reviewTickets: reviews.reviewTickets },
    connectors: connectors.connectors,
    collectors: collectors.collectors,
    ...{ emails: email.emails, mailboxes: email.mailboxes },
    ...{ channels: notify.channels, notificationSettings: notify.notificationSettings },
    ...{ badges: pub.badges, statusPages: pub.statusPages, branding: pub.branding },
  };
  const evaluator = engine.evaluator;
  const demo = { checkRepo: catalog.repos.checks, clock, ingest: ingest.ingest, checks: catalog.checks, evaluateAll: () => evaluator.runUntilIdle() };

  const http = await buildHttp({
    logger,
    clock,
    publicUrl: config.publicUrl,
    authenticators: auth.authenticators,
    routes: {
      ...services,
      clock,
      publicUrl: config.publicUrl,
      mailDomain: email.mailDomain,
      inbound: email.inbound,
      metrics: core.metrics,
      registry: notify.registry,
      psa: notify.psa,
      loadDemo: () => loadDemo(demo, SYSTEM),
      readiness: {
        check: async () => {
          const pending = await pendingMigrations(db);
          return pending.length > 0 ? `pending migrations: ${pending.join(', ')}` : null;
        },
      },
    },
  });

  const loops = [evaluator, retention, connectors.worker, email.worker, email.mailboxWorker, notify.worker];
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const flushTokens = () => auth.tokens.flush().catch((err) => logger.warn({ err }, 'token usage flush failed'));

  return {
    config,
    database,
    services,
    logger,
    clock,
    secrets,
    metrics: core.metrics,
    bus: core.bus,
    http,
    evaluator,
    evalThreads: engine.threads,
    retention,
    connectorWorker: connectors.worker,
    connectorRunner: connectors.runner,
    email: { intake: email.intake, pipeline: email.pipeline, worker: email.worker, smtp: email.smtp, mailboxWorker: email.mailboxWorker },
    get smtpPort() {
      return email.smtp.port;
    },
    notifier: notify.worker,
    loadDemo: (actor) => loadDemo(demo, actor),
    async listen() {
      const smtpPort = await email.smtp.listen();
      timers.push(setInterval(flushTokens, 1000).unref());
      await http.listen({ port: config.port, host: config.host });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      // Only an instance that is up takes work: one that cannot bind its ports (and exits, and is
      // restarted, and exits…) must not keep claiming work that then waits out its leases.
      if (config.workers) {
        for (const loop of loops) loop.start();
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
      // Inputs first (listeners, pollers, syncs), then what drains them, then the database.
      await email.smtp.close();
      await email.mailboxWorker.stop();
      await http.close();
      await connectors.worker.stop();
      await connectors.runner.abortAll();
      await email.intake.drain();
      await email.worker.stop();
      await email.parser.close?.();
      await ingest.ingest.drain();
      await evaluator.stop();
      await engine.threads?.close();
      await retention.stop();
      await notify.worker.stop();
      notify.mailer?.close();
      await flushTokens();
      await database.close();
    },
  };
}
