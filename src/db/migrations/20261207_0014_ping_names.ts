// Name-addressed pings (issue #20): each client gets a `ping_key`, so one script deployed by an
// RMM tool to every machine can ping `/ping/<ping_key>/<device>/<check>` without knowing any
// check's own key. `/log` pings are kept in `check_logs`, apart from `jobs`, so that nothing that
// counts runs (evaluation, history, reports) can ever mistake a log line for a run.
import type { Kysely } from 'kysely';
import { randomKey } from '../../lib/ids.js';

/** The one table this migration reads and writes rows of, as it is at this point. */
type Clients = { clients: { id: string; ping_key: string | null } };

export async function up(db: Kysely<unknown>): Promise<void> {
  // Nullable in SQL only because SQLite cannot add a NOT NULL column without a constant default;
  // every client gets its key here and every insert writes one from now on.
  await db.schema.alterTable('clients').addColumn('ping_key', 'text').execute();
  const rows = db as Kysely<Clients>;
  for (const c of await rows.selectFrom('clients').select('id').execute()) {
    await rows.updateTable('clients').set({ ping_key: randomKey() }).where('id', '=', c.id).execute();
  }
  await db.schema.createIndex('clients_ping_key_idx').on('clients').column('ping_key').unique().execute();

  await db.schema
    .createTable('check_logs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('check_id', 'text', (c) => c.notNull().references('checks.id').onDelete('cascade'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  // The device page reads a device's lines newest first; deleting a check cascades by check_id.
  await db.schema.createIndex('check_logs_device_idx').on('check_logs').columns(['device_id', 'received_at']).execute();
  await db.schema.createIndex('check_logs_check_idx').on('check_logs').columns(['check_id', 'received_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore a backup to go back');
}
