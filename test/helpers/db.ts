// Each test app gets its own database: a fresh SQLite file, or a scratch PostgreSQL database
// when KEEPWATCH_TEST_DB=postgres (the same suite runs on both in CI).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const TEST_DIALECT: 'sqlite' | 'postgres' = process.env.KEEPWATCH_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const PG_ADMIN_URL = process.env.KEEPWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDb {
  dataDir: string;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function scratchDatabase(): Promise<ScratchDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-test-'));
  if (TEST_DIALECT === 'sqlite') {
    return { dataDir, databaseUrl: null, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `kw_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    dataDir,
    databaseUrl: withDatabase(PG_ADMIN_URL, name),
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Environment for a Keepwatch process or app on a scratch database. */
export function testEnv(db: ScratchDb, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KEEPWATCH_DATA_DIR: db.dataDir,
    KEEPWATCH_HOST: '127.0.0.1',
    KEEPWATCH_PORT: '0',
    KEEPWATCH_SMTP_PORT: '0',
    KEEPWATCH_SECRET_KEY: 'test-secret-key-0123456789',
    KEEPWATCH_LOG_LEVEL: 'error',
    KEEPWATCH_PUBLIC_URL: 'http://keepwatch.test',
    // The stand-ins (receivers, fake PSA/paging/Azure/Graph, dovecot) listen on loopback: allowed
    // here for every test; test/security/outbound.test.ts narrows it (docs/development.md).
    KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1,::1',
    ...(db.databaseUrl ? { KEEPWATCH_DATABASE_URL: db.databaseUrl } : {}),
    ...extra,
  };
}
