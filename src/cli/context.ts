import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createKeepwatch, type Keepwatch } from '../app.js';
import { type Config, loadConfig } from '../config/index.js';
import type { Principal } from '../domain/access.js';
import { SYSTEM } from '../domain/access.js';

/** The embedded database's file name in the data directory. */
export const SQLITE_FILE = 'keepwatch.db';

/** Writes `keepwatch: <message>` to stderr and exits 1. */
export function fail(message: string): never {
  process.stderr.write(`keepwatch: ${message}\n`);
  process.exit(1);
}

/**
 * Says on stderr which database a command opens. A command that only reads or changes what is
 * there (every one but serve and migrate) refuses a SQLite file that does not exist: opening it
 * would create a new, empty database beside the server's, and the command would seem to work.
 */
export function announceDatabase(config: Config, options: { mayCreate: boolean }): void {
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    process.stderr.write(`keepwatch: using PostgreSQL ${u.host}${u.pathname}\n`);
    return;
  }
  const file = join(config.dataDir, SQLITE_FILE);
  if (!options.mayCreate && !existsSync(file)) {
    fail(
      `no database at ${file}. Run this command from the server's data directory's parent (where keepwatch serve runs), or set KEEPWATCH_DATA_DIR to the server's data directory, or KEEPWATCH_DATABASE_URL for PostgreSQL. (keepwatch migrate creates a new database on purpose.)`,
    );
  }
  process.stderr.write(`keepwatch: using SQLite ${file}\n`);
}

/** Runs a command against the configured database, quietly (stdout is for the command's answer). */
export async function withKeepwatch<T>(fn: (kw: Keepwatch) => Promise<T>, adjust: (c: Config) => Config = (c) => c): Promise<T> {
  const config = adjust(loadConfig());
  announceDatabase(config, { mayCreate: false });
  const kw = await createKeepwatch(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    return await fn(kw);
  } finally {
    await kw.stop();
  }
}

/** The person at the terminal, for the audit log. */
export function cliActor(): Principal {
  let who = 'cli';
  try {
    who = `${userInfo().username}@${hostname()}`;
  } catch {
    // no passwd entry (containers): keep 'cli'
  }
  return { ...SYSTEM, kind: 'system', id: 'cli', name: who };
}
