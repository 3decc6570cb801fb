// Self-backup. SQLite: an online backup through SQLite's backup API from a second connection,
// consistent while the service keeps writing (WAL), then checked; restore swaps the file in while
// nothing has it open. PostgreSQL: pg_dump does it better than we could; we say how, and check
// that the pg_dump on PATH can dump this server.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { migrations } from './migrations/index.js';

const run = promisify(execFile);

export class BackupError extends Error {}

/** sqlite3_backup_step's page count meaning "the rest" (better-sqlite3 clamps to 0..2^31-1). */
const ALL_PAGES = 0x7fffffff;

export async function backupSqlite(liveFile: string, dest: string): Promise<{ bytes: number; migrations: string[] }> {
  if (!existsSync(liveFile)) throw new BackupError(`no database at ${liveFile}: nothing to back up`);
  const source = new SQLite(liveFile, { fileMustExist: true });
  const tmp = `${dest}.partial`;
  try {
    source.pragma('busy_timeout = 5000');
    // All pages in one step, under one read transaction (WAL: writers go on meanwhile). In steps
    // (better-sqlite3's default is 100 pages), any write by the running service restarts the copy
    // from the first page, so under a steady stream of jobs it never finished (CI, 2026-12-07).
    await source.backup(tmp, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  try {
    const applied = checkBackup(tmp);
    renameSync(tmp, dest);
    return { bytes: statSync(dest).size, migrations: applied };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A readable Keepwatch database that this version can run: answers its applied migrations. */
export function checkBackup(file: string): string[] {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${file} is not a SQLite database: ${(err as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${file} is damaged: ${String(check)}`);
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get();
    if (!hasTable) throw new BackupError(`${file} is not a Keepwatch database (no migrations table)`);
    const applied = (db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name);
    const unknown = applied.filter((m) => !(m in migrations));
    if (unknown.length > 0) throw new BackupError(`${file} comes from a newer Keepwatch (migrations ${unknown.join(', ')}); upgrade first`);
    return applied;
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${file} cannot be read: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place of the live database. Refuses while any process has the database open
 * (a running `keepwatch serve`). The replaced files are kept beside it, renamed.
 */
export function restoreSqlite(backupFile: string, liveFile: string, now = Date.now()): { keptAs: string | null } {
  checkBackup(backupFile);
  let keptAs: string | null = null;
  if (existsSync(liveFile)) {
    const live = new SQLite(liveFile);
    try {
      live.pragma('locking_mode = EXCLUSIVE');
      live.exec('BEGIN EXCLUSIVE; COMMIT;');
      // Everything committed goes into the main file, so it can be moved alone.
      live.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      throw new BackupError(`the database is in use (${(err as Error).message}): stop keepwatch serve first`);
    } finally {
      live.close();
    }
    keptAs = `${liveFile}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(liveFile, keptAs);
    for (const suffix of ['-wal', '-shm']) rmSync(liveFile + suffix, { force: true });
  }
  const tmp = `${liveFile}.restoring`;
  copyFileSync(backupFile, tmp);
  renameSync(tmp, liveFile);
  return { keptAs };
}

export interface PgBackupPlan {
  dumpCommand: string;
  restoreCommand: string;
  serverVersion: string;
  pgDumpVersion: string | null;
  /** Why the pg_dump on PATH cannot be used, or null when it can. */
  problem: string | null;
}

/** pg_dump must be at least the server's major version. */
export async function pgBackupPlan(databaseUrl: string, file: string): Promise<PgBackupPlan> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let serverNum: number;
  let serverVersion: string;
  try {
    const r = await client.query<{ v: string; n: string }>("SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n");
    serverVersion = r.rows[0]!.v;
    serverNum = Number(r.rows[0]!.n);
  } finally {
    await client.end();
  }
  let pgDumpVersion: string | null = null;
  let problem: string | null = null;
  try {
    const { stdout } = await run('pg_dump', ['--version']);
    pgDumpVersion = stdout.trim();
    const major = Number(/(\d+)(?:\.\d+)?/.exec(pgDumpVersion.replace(/^pg_dump \(PostgreSQL\) /, ''))?.[1] ?? 0);
    if (major < Math.floor(serverNum / 10000)) problem = `pg_dump ${major} is older than the server (${serverVersion}): install the client of version ${Math.floor(serverNum / 10000)} or newer`;
  } catch {
    problem = 'pg_dump is not on PATH: install the PostgreSQL client (Debian: postgresql-client)';
  }
  const u = new URL(databaseUrl);
  const safe = `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}${u.search}`;
  const pass = u.password ? 'PGPASSWORD=<password> ' : '';
  return {
    dumpCommand: `${pass}pg_dump --format=custom --no-owner --file=${quote(file)} ${quote(safe)}`,
    restoreCommand: `${pass}pg_restore --clean --if-exists --no-owner --dbname=${quote(safe)} ${quote(file)}`,
    serverVersion,
    pgDumpVersion,
    problem,
  };
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
