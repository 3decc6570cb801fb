// The sync scheduler: connectors run on their interval, one instance at a time across a cluster
// (claimed through the database), a dead instance's claim is taken over, and `keepwatch sync`
// runs one from the command line.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorRepository } from '../../src/db/repositories/connectors.js';
import { ConnectorRunner } from '../../src/connectors/runner.js';
import { eventually, startApp, type TestApp } from '../helpers/app.js';
import { createAzure, deviceNamed } from '../helpers/azure.js';
import { TEST_DIALECT, testEnv } from '../helpers/db.js';
import { type EngineApp, startEngine } from '../helpers/engine.js';
import { FakeAzure } from '../helpers/fake-azure.js';
import { loadExamples } from '../helpers/fake-azure-data.js';
import { cli, cliFails } from '../helpers/process.js';

const MINUTE = 60_000;
let app: EngineApp;
let fake: FakeAzure;

beforeEach(async () => {
  app = await startEngine('2026-11-20T06:00:00Z');
  fake = await FakeAzure.start();
  loadExamples(fake, app.clock.now());
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

/** A second instance on the same database (PostgreSQL), or a second runner in this process (SQLite, one process by design). */
async function secondRunner(): Promise<{ runner: ConnectorRunner; close(): Promise<void> }> {
  if (TEST_DIALECT === 'postgres') {
    const other: TestApp = await startApp({ clock: app.clock, env: { KEEPWATCH_WORKERS: 'false' }, shareDatabaseWith: app });
    return { runner: other.kw.connectorRunner, close: () => other.close() };
  }
  const s = app.kw.services;
  const runner = new ConnectorRunner({
    repo: new ConnectorRepository(app.kw.database.db),
    ingest: s.ingest,
    integrations: s.integrations,
    secrets: app.kw.secrets,
    clock: app.clock,
    logger: pino({ level: 'silent' }),
    options: { leaseMs: 120_000 },
  });
  return { runner, close: async () => {} };
}

describe('scheduling', () => {
  it('syncs a new connector at once, then again one interval after the last sync started', async () => {
    const c = await createAzure(app, fake, { interval_minutes: 15 });
    const runner = app.kw.connectorRunner;
    expect((await runner.runDue()).map((r) => [r.trigger, r.status])).toEqual([['schedule', 'succeeded']]);
    expect(await runner.runDue()).toEqual([]);
    app.clock.advance(14 * MINUTE);
    expect(await runner.runDue()).toEqual([]);
    app.clock.advance(MINUTE);
    expect(await runner.runDue()).toHaveLength(1);
    // Disabled: never due.
    await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { enabled: false } });
    app.clock.advance(60 * MINUTE);
    expect(await runner.runDue()).toEqual([]);
  });

  it(`lets one instance at a time sync a connector (${TEST_DIALECT})`, async () => {
    await createAzure(app, fake);
    const other = await secondRunner();
    try {
      const release = fake.hold();
      const first = app.kw.connectorRunner.runDue();
      await eventually(async () => expect(fake.waiting).toBeGreaterThan(0));
      // The connector is claimed: the other instance finds nothing due.
      expect(await other.runner.runDue()).toEqual([]);
      release();
      expect(await first).toHaveLength(1);
      expect(fake.tokensIssued).toBe(1);
    } finally {
      await other.close();
    }
  });

  it("takes over a dead instance's claim once its lease runs out, and the dead run cannot save its cursor", async () => {
    const c = await createAzure(app, fake);
    const other = await secondRunner();
    try {
      // An instance claims the connector and dies before syncing.
      const [dead] = await app.kw.connectorRunner.claimDue(1);
      expect(dead?.row.id).toBe(c.id);
      expect(await other.runner.runDue()).toEqual([]);
      app.clock.advance(121_000);
      const [taken] = await other.runner.runDue();
      expect(taken).toMatchObject({ status: 'succeeded' });
      // Were it only paused, it must not overwrite the newer cursor when it wakes.
      const late = await app.kw.connectorRunner.execute(dead!.row, dead!.runId, 'schedule');
      expect(late.status).toBe('abandoned');
      expect(late.error).toContain('the cursor was not saved');
      const row = await app.kw.database.db.selectFrom('connectors').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.last_run_id).toBe(taken!.id);
    } finally {
      await other.close();
    }
  });

  it('a sync stopped by shutdown keeps the old cursor and is due again at once', async () => {
    const c = await createAzure(app, fake);
    const release = fake.hold();
    const running = app.kw.connectorRunner.runDue();
    await eventually(async () => expect(fake.waiting).toBeGreaterThan(0));
    const stopped = app.kw.connectorRunner.abortAll();
    release();
    await stopped;
    const [run] = await running;
    expect(run).toMatchObject({ status: 'abandoned' });
    const row = await app.kw.database.db.selectFrom('connectors').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ cursor: null, claimed_by: null, next_run_at: app.clock.now() });
    expect(await app.kw.connectorRunner.runDue()).toMatchObject([{ status: 'succeeded' }]);
  });

  it('runs in the background of `keepwatch serve` as soon as a connector is created', async () => {
    const live = await startApp();
    try {
      const c = await createAzure(live, fake);
      await eventually(async () => {
        const runs = (await live.request('GET', `/api/v1/connectors/${c.id}/runs`)).body.items;
        expect(runs.map((r: any) => [r.trigger, r.status])).toEqual([['schedule', 'succeeded']]);
      }, 10_000);
      expect(await deviceNamed(live, 'testvm')).toBeDefined();
    } finally {
      await live.close();
    }
  });
});

describe('keepwatch sync <connector>', () => {
  it('syncs by name and prints the counts; an unknown connector is an error', async () => {
    await createAzure(app, fake);
    const env = testEnv(app.db);
    const { stdout } = await cli(['sync', 'contoso azure'], env);
    expect(stdout).toMatch(/^Synced "Contoso Azure" \(azure\): succeeded in [\d.]+ s\./);
    expect(stdout).toContain('vaults=3');
    expect(await deviceNamed(app, 'testvm')).toBeDefined();
    const failed = await cliFails(['sync', 'nope'], env);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('connector nope not found');
  });

  it('exits 1 when the sync fails, saying why', async () => {
    await createAzure(app, fake);
    fake.secretState = 'expired';
    const failed = await cliFails(['sync', 'Contoso Azure'], testEnv(app.db));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/failed in [\d.]+ s\.\n {2}AADSTS7000222: /);
  });
});
