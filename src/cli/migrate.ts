import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config/index.js';
import { openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { announceDatabase } from './context.js';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (serve also does this at start)')
    .action(async () => {
      const config = loadConfig();
      announceDatabase(config, { mayCreate: true });
      const database = openDatabase(config);
      try {
        const applied = await migrateToLatest(database.db);
        const log = pino({ level: 'info' }, pino.destination(2));
        log.info({ applied, database: database.dialect }, applied.length ? 'migrated' : 'already up to date');
        process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Already up to date\n');
      } finally {
        await database.close();
      }
    });
}
