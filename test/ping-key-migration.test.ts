// Migration 20261207_0014_ping_names on a database that already has clients: each gets its own
// ping key, so name-addressed pings work for them at once (issue #20).
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations/index.js';
import { type ScratchDb, scratchDatabase, testEnv } from './helpers/db.js';

let scratch: ScratchDb | undefined;
afterAll(async () => scratch?.drop());

it('gives every existing client its own ping key', async () => {
  scratch = await scratchDatabase();
  const database = openDatabase(loadConfig(testEnv(scratch)));
  try {
    const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo('20261206_0013_lifecycle');
    expect(before.error).toBeUndefined();
    // The clients table as it was before this migration.
    const old = database.db as unknown as Kysely<{ clients: { id: string; name: string; name_key: string; inbound_key: string; created_at: number; updated_at: number } }>;
    await old
      .insertInto('clients')
      .values(['alpha', 'beta', 'gamma'].map((n, i) => ({ id: `c${i}`, name: n, name_key: n, inbound_key: `in-${n}`, created_at: 1, updated_at: 1 })))
      .execute();
    await migrateToLatest(database.db);
    const rows = await database.db.selectFrom('clients').select(['id', 'ping_key']).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(['c0', 'c1', 'c2']);
    for (const r of rows) expect(r.ping_key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(new Set(rows.map((r) => r.ping_key)).size).toBe(3);
  } finally {
    await database.close();
  }
});
