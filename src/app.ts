// Composition root: wires configuration, database, repositories, services, HTTP and workers.
import pino, { type Logger } from 'pino';
import type { Config } from './config/index.js';
import { type Database, openDatabase } from './db/connection.js';
import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import { AuditRepository } from './db/repositories/audit.js';
import { CheckRepository } from './db/repositories/checks.js';
import { ClientRepository } from './db/repositories/clients.js';
import { DeviceRepository } from './db/repositories/devices.js';
import { IngestRepository } from './db/repositories/ingest.js';
import { JobRepository } from './db/repositories/jobs.js';
import { AlertRepository } from './db/repositories/alerts.js';
import { EvaluationRepository } from './db/repositories/evaluation.js';
import { IntegrationRepository } from './db/repositories/integrations.js';
import { ReportRepository } from './db/repositories/reports.js';
import { SettingsRepository } from './db/repositories/settings.js';
import { TokenRepository } from './db/repositories/tokens.js';
import { WindowRepository } from './db/repositories/windows.js';
import { bearerToken } from './http/plugins/auth.js';
import { buildHttp } from './http/server.js';
import type { Api } from './http/types.js';
import { type Clock, systemClock } from './lib/clock.js';
import { newId, randomKey } from './lib/ids.js';
import { SecretBox } from './lib/secret-box.js';
import { resolveSecretKey } from './lib/secret-key.js';
import { AlertWriter } from './services/alert-writer.js';
import { AlertService } from './services/alerts.js';
import { AuditService } from './services/audit.js';
import { CatalogService } from './services/catalog.js';
import { CheckService } from './services/checks.js';
import { DEFAULT_CLIENT_NAME, IngestService } from './services/ingest.js';
import { TokenService } from './services/tokens.js';
import { EvaluationService } from './services/evaluation.js';
import { IntegrationService } from './services/integrations.js';
import { ReportService } from './services/reports.js';
import { SettingsService } from './services/settings.js';
import { UserService } from './services/users.js';
import { WindowService } from './services/windows.js';
import { EvaluatorWorker } from './workers/evaluator.js';

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
  settings: SettingsService;
  evaluation: EvaluationService;
  alerts: AlertService;
  windows: WindowService;
  integrations: IntegrationService;
  reports: ReportService;
}

export interface Keepwatch {
  config: Config;
  database: Database;
  services: Services;
  logger: Logger;
  clock: Clock;
  secrets: SecretBox;
  http: Api;
  evaluator: EvaluatorWorker;
  /** Starts background loops (when config.workers) and listens on config.port. Answers the bound port. */
  listen(): Promise<number>;
  stop(): Promise<void>;
}

/** A fresh install has one client, `default`. */
async function ensureDefaultClient(db: Database, clock: Clock): Promise<void> {
  const now = clock.now();
  await db.db
    .insertInto('clients')
    .values({ id: newId(), name: DEFAULT_CLIENT_NAME, name_key: DEFAULT_CLIENT_NAME, inbound_key: randomKey(12), created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name_key').doNothing())
    .execute();
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

  const ingest = new IngestService(db, dialect, ingestRepo, clock, queued);
  const tokens = new TokenService(new TokenRepository(db, dialect), audit, clock);
  const catalog = new CatalogService(new ClientRepository(db), new DeviceRepository(db), checkRepo, new JobRepository(db), reportRepo, alertRepo, audit, clock);
  const checks = new CheckService(db, checkRepo, ingestRepo, audit, clock);
  const users = new UserService(db, audit, clock);
  const settings = new SettingsService(new SettingsRepository(db), evaluationRepo, audit, clock);
  const writer = new AlertWriter(alertRepo);
  const integrationRepo = new IntegrationRepository(db);
  const evaluation = new EvaluationService(db, evaluationRepo, alertRepo, integrationRepo, writer, settings, clock);
  const alerts = new AlertService(db, dialect, alertRepo, writer, ingestRepo, settings, audit, clock, queued);
  const windows = new WindowService(windowRepo, catalog, checkRepo, evaluationRepo, audit, clock, queued);
  const integrations = new IntegrationService(integrationRepo, evaluationRepo, evaluation, clock, queued);
  const reports = new ReportService(reportRepo, windowRepo, catalog, settings, clock);
  const services: Services = { audit, ingest, tokens, catalog, checks, users, settings, evaluation, alerts, windows, integrations, reports };
  const evaluator = new EvaluatorWorker(evaluationRepo, evaluation, clock, logger.child({ worker: 'evaluator' }), {
    pollMs: dialect === 'sqlite' ? 1000 : 250,
    leaseMs: 60_000,
    batch: 100,
    perTransaction: 20,
  });
  wake = () => evaluator.wake();

  const http = await buildHttp({
    logger,
    clock,
    publicUrl: config.publicUrl,
    authenticators: [
      async (req) => {
        const token = bearerToken(req);
        return token === null ? null : tokens.authenticate(token);
      },
    ],
    readiness: {
      check: async () => {
        const pending = await pendingMigrations(db);
        return pending.length > 0 ? `pending migrations: ${pending.join(', ')}` : null;
      },
    },
    ...services,
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
    http,
    evaluator,
    async listen() {
      if (config.workers) evaluator.start();
      timers.push(
        setInterval(() => tokens.flush().catch((err) => logger.warn({ err }, 'token usage flush failed')), 1000).unref(),
      );
      await http.listen({ port: config.port, host: config.host });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      logger.info({ port, database: dialect, publicUrl: config.publicUrl }, 'keepwatch is serving');
      return port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearInterval(t);
      await http.close();
      await ingest.drain();
      await evaluator.stop();
      await tokens.flush().catch((err) => logger.warn({ err }, 'token usage flush failed'));
      await database.close();
    },
  };
}
