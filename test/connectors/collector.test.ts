// Collector mode end to end (issue #19; docs/collector.md): a real central Keepwatch, a FakeAzure
// at the "client site", and `keepwatch collect` in between — in-process through its module, and
// once as a child process. Azure stands for every connector type: the collector runs them all
// through the ConnectorType interface only.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Collector } from '../../src/connectors/collector/collector.js';
import { loadCollectorConfig } from '../../src/connectors/collector/config.js';
import { eventually, jobReport } from '../helpers/app.js';
import { azureConfig } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
import { FakeAzure } from '../helpers/fake-azure.js';
import { loadExamples } from '../helpers/fake-azure-data.js';
import { cli, cliFails } from '../helpers/process.js';

const MINUTE = 60_000;
const SOURCE = 'collector:site-a:Azure';

/** Stands between the collector and the centre: forwards while up; refuses connections while down. */
class Gate {
  up = true;
  private server!: Server;
  url = '';
  constructor(private readonly target: string) {}
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      if (!this.up) {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const answer = await fetch(this.target + req.url, {
          method: req.method,
          headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json' },
          body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

let app: EngineApp;
let fake: FakeAzure;
let gate: Gate;
let dir: string;
let alpha: string;
let bravo: string;
let token: string;

async function clientId(name: string): Promise<string> {
  const res = await app.request('GET', `/api/v1/clients?q=${encodeURIComponent(name)}`);
  const c = res.body.items.find((x: any) => x.name === name);
  if (!c) throw new Error(`no client ${name}`);
  return c.id;
}

beforeEach(async () => {
  app = await startEngine(new Date(Math.floor(Date.now() / MINUTE) * MINUTE).toISOString());
  fake = await FakeAzure.start();
  loadExamples(fake, app.clock.now());
  gate = await new Gate(app.url).start();
  dir = mkdtempSync(join(tmpdir(), 'kw-collector-'));
  await app.report(jobReport({ source: 'seed', client: 'Alpha Ltd' }), jobReport({ source: 'seed', client: 'Bravo Ltd' }));
  alpha = await clientId('Alpha Ltd');
  bravo = await clientId('Bravo Ltd');
  token = await app.token('ingest', { clientIds: [alpha], name: 'site-a collector' });
});
afterEach(async () => {
  await gate.close();
  await app.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(overrides: Record<string, unknown> = {}, file = 'collector.json'): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({ central_url: gate.url, token, name: 'site-a', connectors: [{ type: 'azure', name: 'Azure', config: azureConfig(fake), interval_minutes: 60 }], ...overrides }, null, 2),
  );
  return path;
}

/** A collector as `keepwatch collect` builds it, on the centre's test clock (or real time: `realTime`). */
function collector(path = writeConfig(), realTime = false): Collector {
  const clock = realTime ? undefined : { now: () => app.clock.now() };
  return new Collector(loadCollectorConfig(path), { clock, logger: pino({ level: 'silent' }), backoffMs: 5, onceAttempts: 2, timeoutMs: 10_000 });
}

async function centreJobs(source = SOURCE): Promise<Array<{ external_id: string; client_id: string }>> {
  return app.kw.database.db
    .selectFrom('jobs')
    .innerJoin('devices', 'devices.id', 'jobs.device_id')
    .select(['jobs.external_id', 'devices.client_id'])
    .where('jobs.source', '=', source)
    .execute() as Promise<Array<{ external_id: string; client_id: string }>>;
}

/** Every external id in the collector's buffer files. */
function bufferedIds(bufferDir: string): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(bufferDir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.flatMap((f) => (JSON.parse(readFileSync(join(bufferDir, f), 'utf8')).jobs as Array<{ external_id: string }>).map((j) => j.external_id));
}

const state = () => JSON.parse(readFileSync(join(dir, 'collector.state.json'), 'utf8'));

describe('collector mode', () => {
  it("delivers the connector's jobs under the token's client, and the centre lists the collector", async () => {
    const r = await collector().runOnce();
    expect(r.syncs).toEqual([expect.objectContaining({ connector: 'Azure', type: 'azure', outcome: 'ok', error: null })]);
    expect(r.syncs[0]!.emitted).toBeGreaterThan(5);
    expect([r.delivered, r.buffered, r.centreError]).toEqual([r.syncs[0]!.emitted, 0, null]);

    const jobs = await centreJobs();
    expect(jobs.length).toBe(new Set(jobs.map((j) => j.external_id)).size);
    expect(jobs.length).toBeGreaterThan(5);
    // Every job in the token's client, whatever the connector named its client.
    expect(new Set(jobs.map((j) => j.client_id))).toEqual(new Set([alpha]));
    expect((await app.request('GET', '/api/v1/clients?q=Contoso')).body.items).toEqual([]);

    // The heartbeat: the collector, its client, each connector's last outcome.
    const own = await app.token('read', { clientIds: [alpha], name: 'alpha reader' });
    const list = (await app.request('GET', '/api/v1/collectors', { token: own })).body.items;
    expect(list).toEqual([
      expect.objectContaining({
        name: 'site-a',
        client_id: alpha,
        client_name: 'Alpha Ltd',
        stale: false,
        stale_after_minutes: 180,
        last_contact_at: new Date(app.clock.now()).toISOString(),
        connectors: [expect.objectContaining({ name: 'Azure', type: 'azure', outcome: 'ok', error: null, interval_minutes: 60 })],
      }),
    ]);
    // Another client's principal does not see it.
    const other = await app.token('read', { clientIds: [bravo], name: 'bravo reader' });
    expect((await app.request('GET', '/api/v1/collectors', { token: other })).body.items).toEqual([]);
    // The state file: the cursor, saved after the jobs were delivered to the buffer; the token's client.
    expect(state().client).toEqual({ id: alpha, name: 'Alpha Ltd' });
    expect(Object.keys(state().connectors.Azure.cursor.vaults).length).toBeGreaterThan(0);
  });

  it('buffers on disk while the centre is down, and after a restart delivers every job exactly once', async () => {
    gate.up = false;
    const first = collector();
    const r1 = await first.runOnce();
    expect(r1.syncs[0]!.outcome).toBe('ok');
    expect(r1.delivered).toBe(0);
    expect(r1.buffered).toBe(r1.syncs[0]!.emitted);
    expect(r1.centreError).toMatch(/cannot reach/);
    const buffered = bufferedIds(join(dir, 'collector-buffer'));
    expect(buffered.length).toBe(r1.syncs[0]!.emitted);
    expect(await centreJobs()).toEqual([]);
    // The cursor moved: its jobs are safe on disk.
    expect(Object.keys(state().connectors.Azure.cursor.vaults).length).toBeGreaterThan(0);

    // A new job at the site while the centre is away; then the collector restarts and the centre is back.
    const latest = fake.vault('patchtest').jobs[0]!;
    fake.putJob(fake.vault('patchtest'), 'aaaaaaaa-0000-0000-0000-000000000099', { ...latest.properties, startTime: new Date(app.clock.now() - 20 * MINUTE).toISOString(), endTime: new Date(app.clock.now() - 5 * MINUTE).toISOString() });
    app.clock.advance(HOUR);
    gate.up = true;
    const r2 = await collector().runOnce();
    expect([r2.buffered, r2.centreError]).toEqual([0, null]);
    const jobs = await centreJobs();
    const ids = jobs.map((j) => j.external_id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set([...buffered, 'aaaaaaaa-0000-0000-0000-000000000099']));
    // Sent again (the overlap window is re-read every sync): still one copy each.
    await collector().runOnce();
    expect((await centreJobs()).length).toBe(ids.length);
  });

  it('as a service, syncs when due, keeps retrying while the centre is away, and delivers once it is back', async () => {
    gate.up = false;
    const c = collector(writeConfig(), true);
    c.start();
    try {
      await eventually(async () => expect(c.buffer.count()).toBeGreaterThan(5), 20_000);
      expect(await centreJobs()).toEqual([]);
      gate.up = true;
      await eventually(async () => expect(c.buffer.count()).toBe(0), 20_000);
      const ids = (await centreJobs()).map((j) => j.external_id);
      expect(ids.length).toBeGreaterThan(5);
      expect(ids.length).toBe(new Set(ids).size);
      await eventually(async () => expect((await app.request('GET', '/api/v1/collectors')).body.items[0]?.connectors[0]?.outcome).toBe('ok'), 5000);
    } finally {
      await c.stop();
    }
    // Not due again for an hour: the state file says when.
    expect(state().connectors.Azure.next_run_at).toBeGreaterThan(Date.now() + 50 * MINUTE);
  }, 60_000);

  it('does not advance the cursor past jobs that could not be buffered', async () => {
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const broken = collector(writeConfig({ buffer_dir: 'not-a-dir/buffer' }));
    const r1 = await broken.runOnce();
    expect(r1.syncs[0]!.emitted).toBe(0);
    expect(r1.syncs[0]!.error).toMatch(/ENOTDIR|not a directory/);
    // The vaults whose jobs could not be written keep no cursor: the next sync reads them again.
    const vaults = Object.keys(state().connectors.Azure.cursor?.vaults ?? {}).join(' ');
    expect(vaults).not.toMatch(/patchtest|swaggerexample/i);
    expect(await centreJobs()).toEqual([]);

    mkdirSync(join(dir, 'buffer-ok'));
    const r2 = await collector(writeConfig({ buffer_dir: 'buffer-ok' })).runOnce();
    expect(r2.syncs[0]!.outcome).toBe('ok');
    expect(r2.buffered).toBe(0);
    const ids = (await centreJobs()).map((j) => j.external_id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids).toEqual(expect.arrayContaining([...fake.vault('patchtest').jobs, ...fake.vault('swaggerExample').jobs].map((j) => j.name)));
  });

  it('raises integration_auth at the centre when the connector is refused, and resolves it on the next good sync', async () => {
    await collector().runOnce();
    fake.secretState = 'expired';
    app.clock.advance(HOUR);
    const r = await collector().runOnce();
    expect(r.syncs[0]).toMatchObject({ outcome: 'auth', error: expect.stringContaining('AADSTS7000222') });
    const [c] = (await app.request('GET', '/api/v1/collectors')).body.items;
    expect(c.connectors[0]).toMatchObject({ outcome: 'auth', error: expect.stringContaining('AADSTS7000222') });
    const auth = (await app.alerts()).filter((a: any) => a.type === 'integration_auth');
    expect(auth).toEqual([expect.objectContaining({ integration_id: `collector:${c.id}:Azure`, severity: 'critical' })]);
    expect(auth[0].title).toMatch(/^site-a: Azure: credentials or consent rejected/);
    const integration = (await app.request('GET', '/api/v1/integrations')).body.items.find((i: any) => i.id === `collector:${c.id}:Azure`);
    expect(integration).toMatchObject({ source: SOURCE, type: 'azure' });

    fake.secretState = 'valid';
    app.clock.advance(HOUR);
    expect((await collector().runOnce()).syncs[0]!.outcome).toBe('ok');
    expect((await app.alerts()).filter((a: any) => a.type === 'integration_auth')).toEqual([]);
    const resolved = (await app.alerts('state=resolved')).filter((a: any) => a.type === 'integration_auth');
    expect(resolved).toHaveLength(1);
  });

  it('raises collector_stale for a collector silent for 3 × its longest interval, and its next heartbeat resolves it', async () => {
    await collector().runOnce();
    const collectors = app.kw.services.collectors;
    app.clock.advance(3 * HOUR);
    expect(await collectors.checkStale()).toBe(0);
    app.clock.advance(MINUTE);
    expect(await collectors.checkStale()).toBe(1);
    expect(await collectors.checkStale()).toBe(0);
    const [c] = (await app.request('GET', '/api/v1/collectors')).body.items;
    expect(c.stale).toBe(true);
    const stale = (await app.alerts()).filter((a: any) => a.type === 'collector_stale');
    expect(stale).toEqual([expect.objectContaining({ severity: 'warning', client_id: alpha, integration_id: `collector:${c.id}` })]);
    expect(stale[0].title).toMatch(/Collector site-a has not called in for 3 hours/);
    // The client's own people see it.
    const own = await app.token('read', { clientIds: [alpha], name: 'alpha reader' });
    expect((await app.request('GET', '/api/v1/alerts?state=open', { token: own })).body.items.map((a: any) => a.type)).toContain('collector_stale');

    await collector().runOnce();
    expect((await app.alerts()).filter((a: any) => a.type === 'collector_stale')).toEqual([]);
    expect((await app.request('GET', '/api/v1/collectors')).body.items[0].stale).toBe(false);

    // Decommissioned: silent again, then removed — its alert resolves and it leaves the list.
    app.clock.advance(4 * HOUR);
    expect(await collectors.checkStale()).toBe(1);
    expect((await app.request('DELETE', `/api/v1/collectors/${c.id}`, { token: own })).status).toBe(403);
    expect((await app.request('DELETE', `/api/v1/collectors/${c.id}`)).status).toBe(204);
    expect((await app.request('DELETE', `/api/v1/collectors/${c.id}`)).status).toBe(404);
    expect((await app.alerts()).filter((a: any) => a.type === 'collector_stale')).toEqual([]);
    expect((await app.request('GET', '/api/v1/collectors')).body.items).toEqual([]);
    expect(await collectors.checkStale()).toBe(0);
  });

  it('a token limited to one client cannot write to another client, and a refused token stops sending', async () => {
    const res = await app.request('POST', '/api/v1/jobs', { token, body: jobReport({ source: SOURCE, client: 'Bravo Ltd' }) });
    expect(res.status).toBe(403);
    expect(await centreJobs()).toEqual([]);

    // A revoked token: 401 from the centre; the collector stops sending and keeps the jobs.
    const tokens = (await app.request('GET', '/api/v1/tokens')).body.items;
    const id = tokens.find((t: any) => t.name === 'site-a collector').id;
    expect((await app.request('DELETE', `/api/v1/tokens/${id}`)).status).toBeLessThan(300);
    const r = await collector().runOnce();
    expect(r.refused).toBe(true);
    expect(r.centreError).toMatch(/401/);
    expect(r.buffered).toBe(r.syncs[0]!.emitted);
    expect(await centreJobs()).toEqual([]);
  });

  it('runs as `keepwatch collect --once`, and refuses a bad config naming the field', async () => {
    const path = writeConfig();
    const env = { KEEPWATCH_OUTBOUND_ALLOW: '127.0.0.1', KEEPWATCH_LOG_LEVEL: 'error' };
    const { stdout } = await cli(['collect', '--config', path, '--once'], env);
    expect(stdout).toMatch(/Azure \(azure\): ok, \d+ jobs/);
    expect(stdout).toMatch(/; 0 stay buffered/);
    const jobs = await centreJobs();
    expect(jobs.length).toBeGreaterThan(5);
    expect(new Set(jobs.map((j) => j.client_id))).toEqual(new Set([alpha]));
    expect((await app.request('GET', '/api/v1/collectors')).body.items.map((c: any) => c.name)).toEqual(['site-a']);

    const { client_secret: _s, ...noSecret } = azureConfig(fake);
    const bad = writeConfig({ central_url: 'ftp://centre', connectors: [{ type: 'azure', name: 'Azure', config: noSecret }, { type: 'nope', name: 'X', config: {} }] }, 'bad.json');
    const failed = await cliFails(['collect', '--config', bad, '--once'], env);
    // The stderr rides along, so a failure says why.
    expect([failed.code, failed.stderr]).toEqual([2, expect.stringMatching(/central_url: must be an https:\/\/ \(or http:\/\/\) URL/)]);
    expect(failed.stderr).toMatch(/connectors\[0\]\.config\.client_secret: is required/);
    expect(failed.stderr).toMatch(/connectors\[1\]\.type: unknown connector type "nope"/);

    const noToken = writeConfig({ token: undefined }, 'notoken.json');
    expect((await cliFails(['collect', '--config', noToken, '--once'], env)).stderr).toMatch(/token: is required/);
  }, 180_000);
});
