// Scale-out, proven: three `keepwatch serve` processes on one PostgreSQL database take API calls,
// pings and SMTP mail at once; deadlines pass; one instance is SIGKILLed while load is in flight
// and restarted. Afterwards every acknowledged job is stored once with its last acknowledged
// content, every alert was raised once, every notification reached the webhook sink (a key twice
// only where the killed instance's send was cut off by the kill: at-least-once, the key lets a
// receiver drop it), overdue detection went on while the instance was dead, and nobody deadlocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, instanceHost, until } from './helpers/cluster.js';
import { type ScratchDb, scratchDatabase, TEST_DIALECT } from './helpers/db.js';
import { type HttpReceiver, startHttpReceiver } from './helpers/receivers.js';
import { CLIENT, fails, jobFor, Load, LOAD_DEVICES, type MailCheck, type PingCheck } from './helpers/scaleout-load.js';

/** A deadline is alerted on within this long, however busy the instances are. */
const MAX_OVERDUE_LAG_MS = 2000;

let db: ScratchDb;
let cluster: Cluster;
let sink: HttpReceiver;
let admin: string;
let load: Load | undefined;

async function api(name: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(cluster.get(name).url + path, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = { status: res.status, body: (await res.json()) as any };
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(out.body)}`);
  return out.body;
}

const check = (name: string, device: string, extra: Record<string, unknown> = {}) =>
  api('a', 'POST', '/api/v1/checks', { name, client: CLIENT, device: { name: device }, ...extra });

/** Checks that are due 60 s after their last good run and have no grace: a good run that ended
 * 60 s before `dueAt` makes them overdue at `dueAt`. */
async function deadlineChecks(prefix: string, dues: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [i, dueAt] of dues.entries()) {
    const device = `${prefix}-${i}`;
    await check('Minutely', device, { schedule: { type: 'interval', interval_seconds: 60 }, grace_seconds: 0 });
    const job = {
      ...jobFor(device, 'scale-api', `${device}-good`, 'succeeded', 'good'),
      check: { name: 'Minutely', kind: 'backup' },
      started_at: new Date(dueAt - 70_000).toISOString(),
      ended_at: new Date(dueAt - 60_000).toISOString(),
    };
    await api('a', 'POST', '/api/v1/jobs', job);
    out.set(device, dueAt);
  }
  return out;
}

interface AlertRow {
  id: string;
  type: string;
  severity: string;
  state: string;
  raised_at: string;
  device: string | null;
  check: string | null;
  events: string[];
}

/** Every alert, whatever its scope and state, with its history. */
const alerts = () =>
  cluster.sql<AlertRow>(`SELECT a.id, a.type, a.severity, a.state, a.raised_at, d.name AS device, c.name AS check,
      ARRAY(SELECT e.kind FROM alert_events e WHERE e.alert_id = a.id ORDER BY e.at, e.id) AS events
    FROM alerts a LEFT JOIN devices d ON d.id = a.device_id LEFT JOIN checks c ON c.id = a.check_id`);

beforeAll(async () => {
  if (TEST_DIALECT !== 'postgres') return;
  db = await scratchDatabase();
  cluster = new Cluster(db);
  sink = await startHttpReceiver();
  admin = await cluster.adminToken();
  await Promise.all(['a', 'b', 'c'].map((n) => cluster.start(n)));
}, 60_000);

afterAll(async () => {
  if (TEST_DIALECT !== 'postgres') return;
  await load?.stop();
  // What went wrong, for whoever reads a failed run.
  for (const p of cluster.problems().slice(0, 20)) console.error(`${p.instance}: ${p.line.slice(0, 2000)}`);
  await cluster.stop();
  await sink.close();
  await db.drop();
}, 60_000);

describe.skipIf(TEST_DIALECT !== 'postgres')('three instances on one PostgreSQL (scale-out needs a shared PostgreSQL; skipped on SQLite)', () => {
  it('store every acknowledged job once, raise every alert once, deliver every notification, and keep detecting overdue checks while one of them is killed', { timeout: 120_000 }, async () => {
    // ---- set-up through the API ------------------------------------------------------------
    const ingest = (await api('a', 'POST', '/api/v1/tokens', { scope: 'ingest', name: 'load' })).token as string;
    const channel = await api('b', 'POST', '/api/v1/channels', { type: 'webhook', name: 'Sink', config: { url: `${sink.url}/hook` } });
    const pingChecks: PingCheck[] = [];
    for (let n = 0; n < 6; n++) {
      const c = await check('Script', `PING-${n}`);
      pingChecks.push({ n, id: c.id, path: new URL(c.ping_url).pathname });
    }
    const mailChecks: MailCheck[] = [];
    for (let n = 0; n < 4; n++) {
      const c = await check('Mail report', `MAIL-${n}`, { email: { status: [{ field: 'subject', op: 'contains', value: 'failed', status: 'failed' }], default_status: 'succeeded' } });
      mailChecks.push({ n, id: c.id, address: c.email_address });
    }
    const clients = (await api('a', 'GET', '/api/v1/clients')).items as Array<{ name: string; email_address: string }>;
    const clientAddress = clients.find((c) => c.name === CLIENT)!.email_address;
    const now = Date.now();
    const pre = await deadlineChecks('PRE', [0, 1, 2, 3].map((i) => now + 3000 + i * 500));
    const traffic = new Load(cluster, ingest, pingChecks, mailChecks, clientAddress);
    load = traffic;

    // ---- load on all three; deadlines pass --------------------------------------------------
    const t0 = Date.now();
    const mark = (what: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    traffic.start();
    await until('the first deadlines alerted under load', async () => (await alerts()).filter((a) => pre.has(a.device!)).length === pre.size, 20_000);

    mark('first deadlines alerted');
    // ---- more deadlines, due while c is dead; kill c mid-load; change a setting on a --------
    const outAt = Date.now();
    const out = await deadlineChecks('OUT', [0, 1, 2, 3].map((i) => outAt + 8000 + i * 400));
    // Evaluated, and nothing left queued for them (which c might claim and die with).
    const known = `SELECT count(*) AS n FROM devices d WHERE name LIKE 'OUT-%' AND next_eval_at = ANY($1::bigint[])
      AND NOT EXISTS (SELECT 1 FROM eval_queue q WHERE q.device_id = d.id)`;
    await until('the new deadlines to be known', async () => Number((await cluster.sql<{ n: string }>(known, [[...out.values()]]))[0]!.n) === out.size, 20_000);
    mark('OUT deadlines known');
    await until('requests in flight to c', async () => traffic.inFlightTo('c') > 0, 5000);
    const cutOff = traffic.inFlightTo('c'); // nothing runs between this and the SIGKILL
    const killed = await cluster.kill('c');
    expect(cutOff).toBeGreaterThan(0);
    expect(killed.killedAt, 'c died before the deadlines').toBeLessThan(Math.min(...out.values()));
    await api('a', 'PUT', '/api/v1/settings', { severities: { missed_schedule: 'critical' } });
    await until('the deadlines passed during the outage to be alerted', async () => (await alerts()).filter((a) => out.has(a.device!)).length === out.size, 15_000);
    mark('OUT alerted');
    const raisedWhileDead = (await alerts()).filter((a) => out.has(a.device!));
    expect(cluster.live().map((i) => i.name).sort()).toEqual(['a', 'b']);
    console.log(`overdue alerted while c was dead, ms after the deadline: ${raisedWhileDead.map((a) => Number(a.raised_at) - out.get(a.device!)!).join(', ')}`);
    for (const a of raisedWhileDead) {
      const lag = Number(a.raised_at) - out.get(a.device!)!;
      expect(lag, `${a.device} alerted ${lag} ms after its deadline`).toBeGreaterThanOrEqual(0);
      expect(lag, `${a.device} alerted ${lag} ms after its deadline`).toBeLessThan(MAX_OVERDUE_LAG_MS);
      // Raised by an instance that read the setting changed on another one.
      expect(a.severity).toBe('critical');
      expect(a.events).toEqual(['raised']);
    }

    // ---- restart c on the same database; load goes through it too; stop ---------------------
    const restarted = await cluster.start('c');
    mark('c restarted');
    await until('load through the restarted instance', async () => (traffic.ackedBy.get(restarted) ?? 0) >= 20, 20_000);
    mark('load through c');
    await traffic.stop();
    expect(traffic.failures).toEqual([]);

    // ---- everything settles -------------------------------------------------------------------
    const pending = async () => {
      const [r] = await cluster.sql<Record<string, string>>(`SELECT
        (SELECT count(*) FROM eval_queue) AS queued,
        (SELECT count(*) FROM devices WHERE next_eval_at < $1) AS overdue_unevaluated,
        (SELECT count(*) FROM emails WHERE state = 'pending') AS mail,
        (SELECT count(*) FROM outbox WHERE processed_at IS NULL) AS outbox,
        (SELECT count(*) FROM deliveries WHERE channel_id = $2 AND state <> 'sent') AS deliveries`, [Date.now() - 1000, channel.id]);
      return r!;
    };
    await until('queues to drain (leases of the killed instance run out)', async () => Object.values(await pending()).every((v) => Number(v) === 0), 45_000);

    mark('drained');
    // ---- jobs: every acknowledged one stored once, with what was acknowledged last ------------
    const stored = await cluster.sql<{ source: string; external_id: string; status: string; message: string | null }>(
      `SELECT source, external_id, status, message FROM jobs WHERE source IN ('scale-api', 'scale-batch') AND external_id NOT LIKE 'PRE-%' AND external_id NOT LIKE 'OUT-%'`,
    );
    expect(stored.length).toBe(traffic.jobs.size);
    const wrong = stored.filter((j) => {
      const acked = traffic.jobs.get(`${j.source}\u0000${j.external_id}`);
      return !acked || acked.status !== j.status || acked.message !== j.message;
    });
    expect(wrong).toEqual([]);
    const pings = await cluster.sql<{ external_id: string; check_id: string; status: string }>(`SELECT external_id, check_id, status FROM jobs WHERE source = 'ping'`);
    expect(pings.length).toBe(traffic.pings.size);
    for (const p of pings) {
      const rid = p.external_id.slice(p.external_id.indexOf(':') + 1);
      expect(traffic.pings.get(rid)).toEqual({ checkId: p.check_id, status: p.status });
    }
    const mailJobs = await cluster.sql<{ external_id: string; status: string }>(`SELECT external_id, status FROM jobs WHERE source = 'email'`);
    expect(mailJobs.length).toBe(traffic.mails.size);
    for (const [messageId, m] of traffic.mails) {
      const found = mailJobs.filter((j) => j.external_id.startsWith(`${messageId.slice(1, -1)}:`));
      expect(found.map((j) => j.status), messageId).toEqual([m.failed ? 'failed' : 'succeeded']);
    }
    expect(await cluster.sql(`SELECT id, state, error FROM emails WHERE state <> 'processed'`)).toEqual([]);

    // ---- alerts: the expected ones, each raised once ---------------------------------------------
    const expected = [
      ...Array.from({ length: LOAD_DEVICES }, (_, d) => d).filter(fails).map((d) => `job_failed LOAD-${d}/Nightly backup`),
      ...pingChecks.filter((c) => fails(c.n)).map((c) => `job_failed PING-${c.n}/Script`),
      ...mailChecks.filter((c) => fails(c.n)).map((c) => `job_failed MAIL-${c.n}/Mail report`),
      'job_failed DUP-1/Duplicati backup',
      'job_failed DUP-3/Duplicati backup',
      ...[...pre.keys(), ...out.keys()].map((d) => `missed_schedule ${d}/Minutely`),
    ].sort();
    const all = await alerts();
    expect(all.map((a) => `${a.type} ${a.device}/${a.check}`).sort()).toEqual(expected);
    for (const a of all) {
      expect(a.state).toBe('open');
      expect(a.events.filter((e) => e === 'raised'), `${a.type} ${a.device}`).toEqual(['raised']);
    }

    // ---- notifications: every one delivered; a key twice only if the kill cut its first send ----
    const deliveries = await cluster.sql<{ idempotency_key: string; alert_id: string }>('SELECT idempotency_key, alert_id FROM deliveries WHERE channel_id = $1', [channel.id]);
    expect(new Set(deliveries.map((d) => d.alert_id))).toEqual(new Set(all.map((a) => a.id)));
    const received = sink.accepted.map((r) => ({ key: r.headers['idempotency-key']!, at: r.at, from: new URL(r.body.links.alert).host }));
    expect(new Set(received.map((r) => r.key))).toEqual(new Set(deliveries.map((d) => d.idempotency_key)));
    const seen = new Map<string, (typeof received)[number]>();
    const twice: string[] = [];
    for (const r of received) {
      const first = seen.get(r.key);
      if (!first) seen.set(r.key, r);
      else if (!(first.from === instanceHost('c') && first.at <= killed.killedAt! + 50 && r.at > killed.killedAt!)) twice.push(`${r.key}: ${first.from} then ${r.from}`);
    }
    expect(twice).toEqual([]);
    console.log(`scale-out: ${traffic.jobs.size} jobs (${traffic.batches} batches), ${traffic.pings.size} ping runs, ${traffic.mails.size} mails, ${all.length} alerts, ${received.length} webhook calls (${received.length - seen.size} repeated after the kill), ${cutOff} requests in flight to c at the kill, ${traffic.lostToKill} sent again; started in ${cluster.processes.map((p) => `${p.name} ${p.startMs} ms`).join(', ')}`);

    // ---- nobody deadlocked or logged an error ----------------------------------------------------
    expect(await cluster.deadlocks()).toBe(0);
    expect(cluster.problems()).toEqual([]);
  });
});
