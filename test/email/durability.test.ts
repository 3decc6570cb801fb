// A message is acknowledged (250) only once it is stored: a burst loses nothing, and after a
// SIGKILL mid-burst every acknowledged message is there and becomes its job after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { eventually } from '../helpers/app.js';
import { type ScratchDb, scratchDatabase, testEnv } from '../helpers/db.js';
import { send, smtpClient } from '../helpers/mail.js';
import { cli, startServer } from '../helpers/process.js';

let db: ScratchDb;
let env: Record<string, string>;

beforeAll(async () => {
  db = await scratchDatabase();
  env = testEnv(db);
  // The CLI refuses to create a database (issue #16): make it, as an install does.
  await cli(['migrate'], env);
});
afterAll(async () => db.drop());

async function createCheck(url: string, token: string, name: string): Promise<{ id: string; email_address: string }> {
  const res = await fetch(`${url}/api/v1/checks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, device: { name: 'burst-host' } }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; email_address: string };
}

async function storedJobs(checkId: string): Promise<Map<string, number>> {
  const database = openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
  try {
    const rows = await database.db.selectFrom('jobs').select('external_id').where('check_id', '=', checkId).execute();
    const out = new Map<string, number>();
    for (const r of rows) out.set(r.external_id, (out.get(r.external_id) ?? 0) + 1);
    return out;
  } finally {
    await database.close();
  }
}

describe('e-mail durability', { timeout: 120_000 }, () => {
  it('accepts a 1,000-message burst over 10 connections and turns every message into its job', async () => {
    const token = (await cli(['token', 'create', '--scope', 'admin', '--name', 'burst'], env)).stdout.trim().split('\n').pop()!;
    const server = await startServer(env);
    try {
      const check = await createCheck(server.url, token, 'Burst');
      const client = smtpClient({ port: server.smtpPort, pool: true, maxConnections: 10 });
      const sends = Array.from({ length: 1000 }, (_, i) =>
        client.sendMail({ from: 'burst@x.example', to: check.email_address, subject: `run ${i}`, text: `body ${i}`, messageId: `<burst-${i}@x.example>` }),
      );
      const infos = await Promise.all(sends);
      client.close();
      expect(infos.every((i) => i.response.startsWith('250'))).toBe(true);
      const jobs = await eventually(async () => {
        const j = await storedJobs(check.id);
        expect(j.size).toBe(1000);
        return j;
      }, 30_000);
      for (let i = 0; i < 1000; i++) expect(jobs.get(`burst-${i}@x.example:${check.id}`), `burst-${i}`).toBe(1);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);

  it('keeps every acknowledged message across a SIGKILL mid-burst', async () => {
    const token = (await cli(['token', 'create', '--scope', 'admin', '--name', 'kill'], env)).stdout.trim().split('\n').pop()!;
    const server = await startServer(env);
    const check = await createCheck(server.url, token, 'Kill');
    const acked: string[] = [];
    let killed = false;
    const sender = async (worker: number) => {
      const client = smtpClient({ port: server.smtpPort, pool: true, maxConnections: 1 });
      for (let i = 0; ; i++) {
        const id = `kill-${worker}-${i}@x.example`;
        try {
          const info = await client.sendMail({ from: 'k@x.example', to: check.email_address, subject: `kill ${i}`, text: 'x', messageId: `<${id}>` });
          if (info.response.startsWith('250')) acked.push(id);
        } catch {
          if (killed) break;
        }
        if (acked.length >= 300 && !killed) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }
      client.close();
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(sender));
    await server.exited;
    expect(acked.length).toBeGreaterThanOrEqual(300);

    const restarted = await startServer(env);
    try {
      // Messages the killed instance had claimed wait out its lease (20 s), then are processed.
      await eventually(async () => {
        const jobs = await storedJobs(check.id);
        for (const id of acked) expect(jobs.get(`${id}:${check.id}`), id).toBe(1);
      }, 60_000);
    } finally {
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
  }, 120_000);

  it('re-runs stored mail from the command line, e.g. after rules or a parser changed', async () => {
    const token = (await cli(['token', 'create', '--scope', 'admin', '--name', 'rerun'], env)).stdout.trim().split('\n').pop()!;
    const server = await startServer(env);
    let checkId: string;
    try {
      await send(server.smtpPort, { from: 'nas@rerun.example', to: 'backups@keepwatch.test', subject: 'Rerun backup failed', text: 'x' });
      await eventually(async () => {
        const r = await fetch(`${server.url}/api/v1/emails?state=unmatched`, { headers: { authorization: `Bearer ${token}` } });
        expect(((await r.json()) as { items: unknown[] }).items).toHaveLength(1);
      }, 10_000);
      const res = await fetch(`${server.url}/api/v1/checks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Rerun', device: { name: 'rerun-host' }, email: { match: [{ field: 'from', op: 'equals', value: 'nas@rerun.example' }] } }),
      });
      checkId = ((await res.json()) as { id: string }).id;
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect((await storedJobs(checkId)).size).toBe(0);
    const { stdout } = await cli(['email', 'reprocess', '--state', 'unmatched'], env);
    expect(stdout).toMatch(/Queued 1 messages; processed 1\./);
    expect((await storedJobs(checkId)).size).toBe(1);
  }, 60_000);
});
