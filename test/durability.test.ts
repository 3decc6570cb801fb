// A job is acknowledged only after it is durably stored: kill -9 the server mid-stream and every
// job that got a 202 must be there, exactly once, after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.js';
import { jobReport } from './helpers/app.js';
import { type ScratchDb, scratchDatabase, testEnv } from './helpers/db.js';
import { cli, startServer } from './helpers/process.js';

let db: ScratchDb;
let env: Record<string, string>;

beforeAll(async () => {
  db = await scratchDatabase();
  env = testEnv(db);
  // The CLI refuses to create a database (issue #16): make it, as an install does.
  await cli(['migrate'], env);
});
afterAll(async () => db.drop());

async function send(url: string, token: string, externalId: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(jobReport({ external_id: externalId, device: { name: `DUR-${externalId.slice(-1)}` } })),
    });
    return res.status === 202;
  } catch {
    return false; // connection refused or reset: not acknowledged
  }
}

describe('durability', { timeout: 120_000 }, () => {
  it('keeps every acknowledged job exactly once across a SIGKILL', async () => {
    const { stdout } = await cli(['token', 'create', '--scope', 'ingest', '--name', 'durability'], env);
    const token = stdout.trim().split('\n').pop()!;
    const server = await startServer(env);
    const acked: string[] = [];
    let killed = false;

    const sender = async (worker: number) => {
      for (let i = 0; ; i++) {
        const id = `w${worker}-${i}`;
        if (await send(server.url, token, id)) acked.push(id);
        else if (killed) return;
        if (acked.length >= 400 && !killed) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(sender));
    await server.exited;
    expect(acked.length).toBeGreaterThanOrEqual(400);

    const restarted = await startServer(env);
    // Sending acknowledged jobs again updates them; it must not duplicate them.
    for (const id of acked.slice(0, 20)) expect(await send(restarted.url, token, id)).toBe(true);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);

    const database = openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      const rows = await database.db.selectFrom('jobs').select(['external_id']).where('source', '=', 'veeam-prod').execute();
      const stored = new Map<string, number>();
      for (const r of rows) stored.set(r.external_id, (stored.get(r.external_id) ?? 0) + 1);
      for (const id of acked) expect(stored.get(id), id).toBe(1);
    } finally {
      await database.close();
    }
  });
});
