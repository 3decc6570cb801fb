// The ceiling to measure against (ARCHITECTURE.md "Speed"): a bare Fastify + better-sqlite3
// server that upserts each posted job into a one-index table, nothing else. Run in a child
// process, loaded by the same autocannon settings as Keepwatch, in the same run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const db = new Database(join(mkdtempSync(join(tmpdir(), 'kw-base-')), 'b.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE jobs (id INTEGER PRIMARY KEY, source TEXT, external_id TEXT, status TEXT, raw TEXT, UNIQUE (source, external_id))');
const upsert = db.prepare(
  'INSERT INTO jobs (source, external_id, status, raw) VALUES (?, ?, ?, ?) ON CONFLICT (source, external_id) DO UPDATE SET status = excluded.status, raw = excluded.raw',
);
const many = db.transaction((jobs: Array<{ source: string; external_id: string; status: string }>) => {
  for (const j of jobs) upsert.run(j.source, j.external_id, j.status, JSON.stringify(j));
});

const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
app.post('/api/v1/jobs', async (req, reply) => {
  const body = req.body as { jobs?: Array<{ source: string; external_id: string; status: string }> } & { source: string; external_id: string; status: string };
  many(body.jobs ?? [body]);
  return reply.code(202).send({ ok: true });
});
app.get('/ping/:key', async () => 'OK');
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ msg: 'baseline is serving', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
