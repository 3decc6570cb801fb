// What every concept's build function may be given: the process-wide parts the composition root
// makes first (configuration, database, clock, logger, secrets, metrics, audit, the wake-up bus).
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import type { Database } from './db/connection.js';
import type { Transactor } from './db/transaction.js';
import type { Clock } from './lib/clock.js';
import type { SecretBox } from './lib/secret-box.js';
import type { WakeBus } from './lib/wake.js';
import type { AuditService } from './ops/audit.js';
import type { Metrics } from './ops/metrics.js';

export interface CoreDeps {
  config: Config;
  /** The Kysely handle, for repositories only. */
  db: Database['db'];
  dialect: Database['dialect'];
  /** The SQLite file (null on PostgreSQL): for threads that open a connection of their own. */
  sqliteFile: string | null;
  /** Transactions, for services. */
  tx: Transactor;
  clock: Clock;
  logger: Logger;
  secrets: SecretBox;
  metrics: Metrics;
  audit: AuditService;
  bus: WakeBus;
}
