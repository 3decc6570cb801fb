// The connectors API: CRUD with write-only secrets, validation that names the field, test
// connection step by step, sync now with counts, sync history, admin only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { azureConfig, createAzure, deviceNamed, syncNow } from '../helpers/azure.js';
import { type EngineApp, HOUR, startEngine } from '../helpers/engine.js';
import { eventually } from '../helpers/app.js';
import { FakeAzure } from '../helpers/fake-azure.js';
import { loadExamples } from '../helpers/fake-azure-data.js';

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

const post = (body: unknown) => app.request('POST', '/api/v1/connectors', { body });
const test = async (id: string) => (await app.request('POST', `/api/v1/connectors/${id}/test`)).body;

describe('connectors CRUD', () => {
  it('creates a connector whose secret is write-only: answered as *** and sealed at rest', async () => {
    const c = await createAzure(app, fake, { interval_minutes: 30 });
    expect(c).toMatchObject({ type: 'azure', name: 'Contoso Azure', source: `azure:${c.id}`, enabled: true, interval_minutes: 30, running: false, last_run: null });
    expect(c.config).toMatchObject({ client_secret: '***', tenant_id: fake.tenantId, subscription_id: fake.subscriptionId, client: 'Contoso Azure' });
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`)).body.config.client_secret).toBe('***');
    expect((await app.request('GET', '/api/v1/connectors')).body.items.map((x: any) => x.id)).toEqual([c.id]);

    const db = app.kw.database.db;
    const row = await db.selectFrom('connectors').select('config').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.config).not.toContain(fake.clientSecret);
    const audit = await db.selectFrom('audit_log').selectAll().where('target_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['connector.create']);
    expect(JSON.stringify(audit)).not.toContain(fake.clientSecret);
  });

  it('keeps the secret when a PATCH omits it or sends it masked, and replaces it when given', async () => {
    const c = await createAzure(app, fake);
    const patched = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { ...c.config, interval_minutes: 15 } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ interval_minutes: 15, config: { client_secret: '***' } });
    expect((await test(c.id)).ok).toBe(true);

    await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { client_secret: 'not-the-secret' } } });
    const report = await test(c.id);
    expect(report.ok).toBe(false);
    expect(report.steps).toEqual([{ step: 'token', ok: false, message: expect.stringMatching(/^AADSTS7000215: Invalid client secret provided/) }]);
  });

  it('renames without moving devices to another client', async () => {
    const c = await createAzure(app, fake);
    await syncNow(app, c.id);
    const renamed = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { name: 'Contoso (prod)' } });
    expect(renamed.body).toMatchObject({ name: 'Contoso (prod)', config: { client: 'Contoso Azure' } });
    app.clock.advance(HOUR);
    await syncNow(app, c.id);
    const clients = (await app.request('GET', '/api/v1/clients?limit=100')).body.items.map((x: any) => x.name);
    expect(clients).not.toContain('Contoso (prod)');
  });

  it('rejects bad input with a 4xx that names the field', async () => {
    const good = azureConfig(fake);
    const cases: Array<[unknown, number, string]> = [
      [{ type: 'azure', name: 'x', config: { ...good, tenant_id: undefined } }, 400, 'config.tenant_id'],
      [{ type: 'veeam', name: 'x', config: good }, 400, 'type'],
      [{ type: 'azure', name: 'x', config: { ...good, interval_minutes: 1 } }, 400, 'config.interval_minutes'],
      [{ type: 'azure', name: 'x', config: { ...good, client_by: 'tag' } }, 400, 'config.client_tag'],
      [{ type: 'azure', name: 'x', config: { ...good, colour: 'blue' } }, 400, 'config.colour'],
      [{ type: 'azure', name: 'x', config: { ...good, client_secret: '***' } }, 400, 'config.client_secret'],
      [{ type: 'azure', name: 'x', config: { ...good, management_url: 'ftp://nope' } }, 400, 'config.management_url'],
      [{ type: 'azure', name: '  ', config: good }, 400, 'name'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    const c = await createAzure(app, fake);
    expect((await post({ type: 'azure', name: 'contoso  AZURE', config: good })).status).toBe(409);
    const bad = await app.request('PATCH', `/api/v1/connectors/${c.id}`, { body: { config: { login_url: 'not a url' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('config.login_url');
    expect((await app.request('GET', '/api/v1/connectors/nope')).status).toBe(404);
  });

  it('is for admins of the whole workspace only', async () => {
    const c = await createAzure(app, fake);
    for (const scope of ['read', 'ingest'] as const) {
      const token = await app.token(scope);
      expect((await app.request('GET', '/api/v1/connectors', { token })).status).toBe(403);
      expect((await app.request('POST', `/api/v1/connectors/${c.id}/sync`, { token })).status).toBe(403);
    }
    const clients = (await app.request('GET', '/api/v1/clients')).body.items;
    const limited = await app.token('admin', { clientIds: [clients[0].id] });
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`, { token: limited })).status).toBe(403);
  });
});

describe('test connection', () => {
  it('says every step passed when the app can read the subscription and its vaults', async () => {
    const c = await createAzure(app, fake);
    const report = await test(c.id);
    expect(report).toEqual({
      ok: true,
      steps: [
        { step: 'token', ok: true, message: expect.any(String) },
        { step: 'subscription', ok: true, message: expect.stringContaining('3 Recovery Services vault(s) (patchtest, swaggerExample, today1)') },
        { step: 'permission', ok: true, message: 'read access to 3 vault(s)' },
      ],
    });
    // Testing records nothing.
    expect((await app.request('GET', '/api/v1/devices')).body.items).toEqual([]);
  });

  it('says exactly what failed: the token, the subscription, or the permission', async () => {
    const wrongTenant = await createAzure(app, fake, { tenant_id: 'contoso.example' }, 'wrong tenant');
    expect((await test(wrongTenant.id)).steps).toEqual([{ step: 'token', ok: false, message: expect.stringMatching(/^AADSTS90002: Tenant 'contoso.example' not found/) }]);

    const wrongSub = await createAzure(app, fake, { subscription_id: '00000000-0000-0000-0000-000000000000' }, 'wrong subscription');
    expect((await test(wrongSub.id)).steps[1]).toEqual({ step: 'subscription', ok: false, message: expect.stringMatching(/^SubscriptionNotFound: The subscription '0{8}-.*' could not be found/) });

    const c = await createAzure(app, fake);
    fake.forbidden = true;
    const noRole = await test(c.id);
    expect(noRole.steps[1]).toEqual({ step: 'permission', ok: false, message: expect.stringMatching(/^AuthorizationFailed: .*Reader role on subscription/) });

    fake.forbidden = false;
    fake.vault('today1').fail = { status: 403, code: 'AuthorizationFailed', message: 'The client does not have authorization over this vault.' };
    const oneVault = await test(c.id);
    expect(oneVault.ok).toBe(false);
    expect(oneVault.steps[2]).toEqual({ step: 'permission', ok: false, message: expect.stringMatching(/^cannot read 1 vault\(s\): today1: AuthorizationFailed/) });
  });
});

describe('sync now and sync history', () => {
  it('answers when the sync is done, with counts, and lists the runs newest first', async () => {
    const c = await createAzure(app, fake);
    const first = await syncNow(app, c.id);
    expect(first).toMatchObject({ connector_id: c.id, trigger: 'manual', status: 'succeeded', outcome: 'ok', errors: [], error: null });
    expect(first.counts).toMatchObject({ vaults: 3, jobs_seen: 8 });
    expect(first.counts.jobs_created).toBeGreaterThan(0);
    expect(first.finished_at).not.toBeNull();
    app.clock.advance(HOUR);
    const second = await syncNow(app, c.id);
    expect(second.counts.jobs_created).toBe(0);

    const runs = (await app.request('GET', `/api/v1/connectors/${c.id}/runs`)).body;
    expect(runs.items.map((r: any) => r.id)).toEqual([second.id, first.id]);
    const page = (await app.request('GET', `/api/v1/connectors/${c.id}/runs?limit=1`)).body;
    expect(page.items.map((r: any) => r.id)).toEqual([second.id]);
    const rest = (await app.request('GET', `/api/v1/connectors/${c.id}/runs?limit=1&cursor=${page.next_cursor}`)).body;
    expect(rest.items.map((r: any) => r.id)).toEqual([first.id]);
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`)).body.last_run).toMatchObject({ id: second.id, status: 'succeeded' });
    // Operators see syncs in /metrics.
    const metrics = (await app.request('GET', '/metrics', { token: await app.token('read') })).text;
    expect(Number(/^keepwatch_connector_syncs_total\{type="azure",outcome="ok"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^keepwatch_connector_sync_duration_seconds_count\{type="azure"\} \d+$/m);
  });

  it('answers 409 while a sync of the same connector is running', async () => {
    const c = await createAzure(app, fake);
    const release = fake.hold();
    const first = app.request('POST', `/api/v1/connectors/${c.id}/sync`);
    await eventually(async () => expect(fake.waiting).toBeGreaterThan(0));
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`)).body.running).toBe(true);
    const second = await app.request('POST', `/api/v1/connectors/${c.id}/sync`);
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain('already running');
    release();
    expect((await first).status).toBe(200);
  });

  it('deleting a connector resolves its integration alert and keeps the devices it found', async () => {
    const c = await createAzure(app, fake);
    await syncNow(app, c.id);
    app.clock.advance(HOUR);
    fake.secretState = 'expired';
    await syncNow(app, c.id);
    expect(await app.alerts('type=integration_auth')).toHaveLength(1);

    expect((await app.request('DELETE', `/api/v1/connectors/${c.id}`)).status).toBe(204);
    expect((await app.request('GET', `/api/v1/connectors/${c.id}`)).status).toBe(404);
    expect(await app.alerts('type=integration_auth')).toEqual([]);
    expect((await app.request('GET', '/api/v1/integrations')).body.items).toEqual([]);
    expect(await deviceNamed(app, 'testvm')).toBeDefined();
  });
});
