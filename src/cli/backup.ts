import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { BackupError, backupSqlite, pgBackupPlan, restoreSqlite } from '../db/backup.js';
import { announceDatabase, fail, SQLITE_FILE } from './context.js';

const KEY_FILE = 'secret.key';

export function backupCommands(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'where to write the backup')
    .description('a consistent copy of the database while the service runs (SQLite); prints the pg_dump command on PostgreSQL')
    .action(async (file: string) => {
      const config = loadConfig();
      announceDatabase(config, { mayCreate: false });
      const dest = resolve(file);
      if (config.databaseUrl) {
        const plan = await pgBackupPlan(config.databaseUrl, dest);
        process.stdout.write(`PostgreSQL ${plan.serverVersion}: back it up with pg_dump, which takes a consistent snapshot while Keepwatch runs:\n\n  ${plan.dumpCommand}\n\nand restore (into an empty database, with Keepwatch stopped) with:\n\n  ${plan.restoreCommand}\n\nKeep KEEPWATCH_SECRET_KEY with the dump: stored secrets cannot be read without it.\n`);
        if (plan.problem) fail(plan.problem);
        process.stdout.write(`${plan.pgDumpVersion} can dump this server.\n`);
        return;
      }
      if (existsSync(dest)) fail(`${dest} exists; choose a new file name`);
      try {
        const r = await backupSqlite(join(config.dataDir, SQLITE_FILE), dest);
        process.stdout.write(`Backed up ${(r.bytes / 1e6).toFixed(1)} MB to ${dest} (checked; ${r.migrations.length} migrations).\n`);
      } catch (err) {
        if (err instanceof BackupError) fail(err.message);
        throw err;
      }
      const key = join(config.dataDir, KEY_FILE);
      if (config.secretKey === null && existsSync(key)) {
        copyFileSync(key, `${dest}.${KEY_FILE}`);
        process.stdout.write(`Copied the generated secret key to ${dest}.${KEY_FILE}: keep it with the backup.\n`);
      } else {
        process.stdout.write('Keep KEEPWATCH_SECRET_KEY with the backup: stored secrets cannot be read without it.\n');
      }
    });

  program
    .command('restore')
    .argument('<file>', 'a file written by keepwatch backup')
    .description('replace the SQLite database with a backup (stop keepwatch serve first); on PostgreSQL, prints the pg_restore command')
    .action(async (file: string) => {
      const config = loadConfig();
      const src = resolve(file);
      if (config.databaseUrl) {
        const plan = await pgBackupPlan(config.databaseUrl, src);
        process.stdout.write(`Stop every Keepwatch instance, then:\n\n  ${plan.restoreCommand}\n\nand start them again (they apply any newer migrations).\n`);
        return;
      }
      try {
        const live = join(config.dataDir, SQLITE_FILE);
        const { keptAs } = restoreSqlite(src, live);
        process.stdout.write(`Restored ${src} to ${live}.${keptAs ? ` The database it replaced is kept as ${keptAs}.` : ''}\n`);
      } catch (err) {
        if (err instanceof BackupError) fail(err.message);
        throw err;
      }
      const key = `${src}.${KEY_FILE}`;
      if (config.secretKey === null && existsSync(key)) {
        const live = join(config.dataDir, KEY_FILE);
        if (existsSync(live)) copyFileSync(live, `${live}.before-restore`);
        copyFileSync(key, live);
        process.stdout.write(`Restored the secret key from ${key}.\n`);
      }
      process.stdout.write('Start keepwatch serve: it applies any newer migrations.\n');
    });
}
