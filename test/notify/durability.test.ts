// At-least-once across a crash: an instance killed (SIGKILL) after it claimed a channel and while
// its request was in flight leaves the delivery unrecorded; a restarted instance takes the
// channel over once the lease runs out and sends it again with the same idempotency key, so a
// receiver that honours the key ends up with the notification once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { eventually, jobReport } from '../helpers/app.js';
import { type ScratchDb, scratchDatabase, testEnv } from '../helpers/db.js';
import { cli, startServer } from '../helpers/process.js';
import { type HttpReceiver, type SmtpSink, startHttpReceiver, startSmtpSink } from '../helpers/receivers.js';

let db: ScratchDb;
let env: Record<string, string>;
let rx: HttpReceiver;

beforeAll(async () => {
  db = await scratchDatabase();
  env = testEnv(db);
  // The CLI refuses to create a database (issue #16): make it, as an install does.
  await cli(['migrate'], env);
  rx = await startHttpReceiver();
});
afterAll(async () => {
  await rx.close();
  await db.drop();
});

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('durable delivery', () => {
  it('takes over a delivery whose sender was killed mid-send and delivers it once', { timeout: 90_000 }, async () => {
    const { stdout } = await cli(['token', 'create', '--scope', 'admin', '--name', 'durability'], env);
    const token = stdout.trim().split('\n').pop()!;
    const seenKeys = new Set<string>();
    let hangFirst = true;
    rx.respond = (r) => {
      if (hangFirst) {
        hangFirst = false;
        return { status: 0, hang: true };
      }
      // A receiver that honours the idempotency key: a repeat is acknowledged, not processed again.
      const key = r.headers['idempotency-key']!;
      if (seenKeys.has(key)) return { status: 409, body: 'duplicate' };
      seenKeys.add(key);
      return { status: 200, body: 'ok' };
    };

    const first = await startServer(env);
    const ch = await api(first.url, token, 'POST', '/api/v1/channels', { name: 'Durable hook', type: 'webhook', config: { url: `${rx.url}/hook` } });
    expect(ch.status).toBe(201);
    const job = await api(first.url, token, 'POST', '/api/v1/jobs', jobReport({
      status: 'failed',
      device: { name: 'KILLED-1' },
      started_at: new Date(Date.now() - 60_000).toISOString(),
      ended_at: new Date().toISOString(),
    }));
    expect(job.status).toBe(202);
    // The first instance has claimed the channel and its request is in flight: kill it.
    await rx.waitFor(1, 10_000, 'received');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startServer(env);
    try {
      const delivered = await rx.waitFor(1, 40_000, 'accepted');
      expect(delivered).toHaveLength(1);
      expect(delivered[0]!.body).toMatchObject({ event: 'alert.raised', alert: { device_name: 'KILLED-1' } });
      // Both attempts carried the same key: the one cut off and the one that arrived.
      expect(rx.received.map((r) => r.headers['idempotency-key'])).toEqual([delivered[0]!.headers['idempotency-key'], delivered[0]!.headers['idempotency-key']]);
      const log = await eventually(async () => {
        const l = await api(second.url, token, 'GET', `/api/v1/channels/${ch.body.id}/deliveries`);
        expect(l.body.items[0].state).toBe('sent');
        return l.body.items;
      }, 5000);
      expect(log).toHaveLength(1);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    const database = openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      const rows = await database.db.selectFrom('deliveries').select(['state', 'topic']).where('channel_id', '=', ch.body.id).execute();
      expect(rows).toEqual([{ state: 'sent', topic: 'alert.raised' }]);
      const outbox = await database.db.selectFrom('outbox').select('processed_at').execute();
      expect(outbox.every((o) => o.processed_at !== null)).toBe(true);
    } finally {
      await database.close();
    }
  });
});

describe('durable e-mail', () => {
  let mailDb: ScratchDb;
  let sink: SmtpSink;
  beforeAll(async () => {
    mailDb = await scratchDatabase();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
    await mailDb.drop();
  });

  it('sends what a killed instance had claimed but not yet sent, once, in order', { timeout: 90_000 }, async () => {
    const mailEnv = testEnv(mailDb, { KEEPWATCH_MAIL_URL: sink.url });
    await cli(['migrate'], mailEnv);
    const { stdout } = await cli(['token', 'create', '--scope', 'admin', '--name', 'durability'], mailEnv);
    const token = stdout.trim().split('\n').pop()!;
    // The first instance's connection is never greeted: it holds the channel, nothing is sent.
    let greet = false;
    sink.greet = () => greet;

    const first = await startServer(mailEnv);
    const ch = await api(first.url, token, 'POST', '/api/v1/channels', { name: 'Ops', type: 'email', config: { to: 'ops@example.com' } });
    expect(ch.status).toBe(201);
    const now = Date.now();
    const job = await api(first.url, token, 'POST', '/api/v1/jobs', jobReport({ status: 'failed', device: { name: 'MAIL-KILLED' }, started_at: new Date(now - 60_000).toISOString(), ended_at: new Date(now).toISOString() }));
    expect(job.status).toBe(202);
    await eventually(async () => expect(sink.connections).toBeGreaterThan(0), 10_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(sink.mails).toEqual([]);

    greet = true;
    const second = await startServer(mailEnv);
    try {
      await sink.waitFor(2, 40_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(sink.mails.map((m) => m.subject)).toEqual([
        '[Keepwatch] You will receive backup alerts from Keepwatch',
        expect.stringMatching(/^\[Keepwatch\] Warning: .*MAIL-KILLED/),
      ]);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
