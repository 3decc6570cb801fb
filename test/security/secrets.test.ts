// Stored secrets are bound to their endpoints (issue #17, item 5; docs/security.md, "Secrets bound
// to their endpoints"): changing where a connector, channel or mailbox connects (a URL, a host, a
// tenant) without sending its secrets again is refused with a 400 naming each secret, and nothing
// changes; the same endpoint with a trailing slash is no change; other fields change without the
// secrets, and the stored secret still works against the local stand-ins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzure } from '../helpers/azure.js';
import { type EngineApp, startEngine } from '../helpers/engine.js';
import { FakeAzure } from '../helpers/fake-azure.js';
import { loadExamples } from '../helpers/fake-azure-data.js';
import { AT_CREDENTIALS, CW_CREDENTIALS, type FakePsa, startFakePsa } from '../helpers/fake-psa.js';
import { GRAPH_FAKE, type GraphFake, startGraphFake } from '../helpers/graph-fake.js';

let app: EngineApp;
let azure: FakeAzure;
let psa: FakePsa;
let graph: GraphFake;

beforeAll(async () => {
  app = await startEngine('2026-11-20T06:00:00Z');
  azure = await FakeAzure.start();
  loadExamples(azure, app.clock.now());
  psa = await startFakePsa();
  graph = await startGraphFake('backups@contoso.example');
});
afterAll(async () => {
  await app.close();
  await azure.close();
  await psa.close();
  await graph.close();
});

const patch = (path: string, body: unknown) => app.request('PATCH', path, { body });
const fieldsOf = (res: { body: any }) => (res.body.errors ?? []).map((e: { field: string }) => e.field).sort();
/** A host nobody listens on: anything sent there would be a leak. */
const ELSEWHERE = 'https://collector.attacker.example';

describe('connectors', () => {
  let c: any;
  const url = () => `/api/v1/connectors/${c.id}`;
  const testConnection = async () => (await app.request('POST', `${url()}/test`)).body;

  beforeAll(async () => {
    c = await createAzure(app, azure);
  });

  it('refuses a new login_url or management_url without client_secret, naming it, and changes nothing', async () => {
    for (const field of ['login_url', 'management_url', 'tenant_id']) {
      const value = field === 'tenant_id' ? 'attacker.onmicrosoft.com' : ELSEWHERE;
      for (const config of [{ [field]: value }, { ...c.config, [field]: value }]) {
        const res = await patch(url(), { config });
        expect(res.status, `${field}: ${res.text}`).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(fieldsOf(res), field).toEqual(['config.client_secret']);
      }
    }
    const after = (await app.request('GET', url())).body;
    expect(after.config).toMatchObject({ login_url: azure.loginUrl, management_url: azure.managementUrl, tenant_id: azure.tenantId });
    expect(after.config).toEqual(c.config);
    expect((await testConnection()).ok).toBe(true);
  });

  it('takes the same URL with a trailing slash as no change', async () => {
    const res = await patch(url(), { config: { login_url: `${azure.loginUrl}/`, management_url: `${azure.managementUrl}//` } });
    expect(res.status, res.text).toBe(200);
    expect((await testConnection()).ok).toBe(true);
  });

  it('changes name, schedule and client mapping without the secret, and the stored secret still works', async () => {
    const res = await patch(url(), { name: 'Contoso Azure (prod)', config: { interval_minutes: 15, client_map: { 'rg-prod': 'Contoso Ltd' }, client_secret: '***' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: 'Contoso Azure (prod)', interval_minutes: 15, config: { client_secret: '***' } });
    const report = await testConnection();
    expect(report.ok, JSON.stringify(report)).toBe(true);
  });

  it('takes a new endpoint when the secret comes with it', async () => {
    const res = await patch(url(), { config: { login_url: ELSEWHERE, client_secret: 'a-secret-meant-for-there' } });
    expect(res.status, res.text).toBe(200);
    expect((await app.request('GET', url())).body.config).toMatchObject({ login_url: ELSEWHERE, client_secret: '***' });
  });
});

describe('PSA channels', () => {
  const KEY = 'psa-callback-key-0123456789';
  const create = async (type: string, config: Record<string, unknown>) => {
    const res = await app.request('POST', '/api/v1/channels', { body: { type, name: `${type} tickets`, config } });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const testSend = async (id: string) => (await app.request('POST', `/api/v1/channels/${id}/test`)).body;

  it('refuses a new ConnectWise site_url without its keys, naming each, and changes nothing', async () => {
    const cw = await create('connectwise', { site_url: psa.cwUrl, ...CW_CREDENTIALS, board_id: 41, integration_key: KEY });
    const res = await patch(`/api/v1/channels/${cw.id}`, { config: { ...cw.config, site_url: ELSEWHERE } });
    expect(res.status, res.text).toBe(400);
    expect(fieldsOf(res)).toEqual(['config.integration_key', 'config.private_key']);
    expect((await app.request('GET', `/api/v1/channels/${cw.id}`)).body.config.site_url).toBe(psa.cwUrl);

    const slash = await patch(`/api/v1/channels/${cw.id}`, { config: { site_url: `${psa.cwUrl}/` } });
    expect(slash.status, slash.text).toBe(200);
    const renamed = await patch(`/api/v1/channels/${cw.id}`, { name: 'ConnectWise (backups)', min_severity: 'critical', types: ['job_failed'], config: { close_status: 'Resolved' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'ConnectWise (backups)', config: { private_key: '***', close_status: 'Resolved' } });
    expect(await testSend(cw.id)).toMatchObject({ ok: true, status: 'connected' });

    const moved = await patch(`/api/v1/channels/${cw.id}`, { config: { site_url: ELSEWHERE, private_key: 'another-private-key', integration_key: KEY } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.config.site_url).toBe(ELSEWHERE);
  });

  it('refuses a new Autotask zone lookup URL without its secret and integration code', async () => {
    const at = await create('autotask', { ...AT_CREDENTIALS, zone_lookup_url: psa.atLookupUrl });
    const res = await patch(`/api/v1/channels/${at.id}`, { config: { zone_lookup_url: ELSEWHERE, secret: '***' } });
    expect(res.status, res.text).toBe(400);
    expect(fieldsOf(res)).toEqual(['config.integration_code', 'config.secret']);
    const renamed = await patch(`/api/v1/channels/${at.id}`, { name: 'Autotask (backups)', config: { queue_id: 8 } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(await testSend(at.id)).toMatchObject({ ok: true, status: 'connected' });
  });

  it('refuses a new webhook URL without its signing secret, and a new PagerDuty URL without its routing key', async () => {
    const hook = await create('webhook', { url: `${psa.server.url}/hook`, secret: 'a-signing-secret-0123' });
    const refused = await patch(`/api/v1/channels/${hook.id}`, { config: { url: ELSEWHERE } });
    expect(refused.status, refused.text).toBe(400);
    expect(fieldsOf(refused)).toEqual(['config.secret']);
    expect((await patch(`/api/v1/channels/${hook.id}`, { config: { url: `${psa.server.url}/hook/`, max_in_flight: 1 } })).status).toBe(200);

    const pd = await create('pagerduty', { routing_key: 'R0123456789abcdef0123456789abcde', url: `${psa.server.url}/v2/enqueue` });
    const paged = await patch(`/api/v1/channels/${pd.id}`, { config: { url: ELSEWHERE } });
    expect(paged.status, paged.text).toBe(400);
    expect(fieldsOf(paged)).toEqual(['config.routing_key']);
  });
});

describe('mailboxes', () => {
  const create = async (type: string, name: string, config: Record<string, unknown>) => {
    const res = await app.request('POST', '/api/v1/mailboxes', { body: { type, name, config } });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  it('refuses a new IMAP host or port without the password, and changes nothing', async () => {
    const box = await create('imap', 'Backups inbox', { host: 'imap.contoso.example', user: 'backups', password: 'imap-pa55word' });
    for (const config of [{ host: 'imap.attacker.example' }, { port: 143 }, { ...box.config, host: 'imap.attacker.example' }]) {
      const res = await patch(`/api/v1/mailboxes/${box.id}`, { config });
      expect(res.status, `${JSON.stringify(config)}: ${res.text}`).toBe(400);
      expect(fieldsOf(res)).toEqual(['config.password']);
    }
    expect((await app.request('GET', `/api/v1/mailboxes/${box.id}`)).body.config).toEqual(box.config);
    expect((await patch(`/api/v1/mailboxes/${box.id}`, { config: { host: 'IMAP.Contoso.example', folder: 'Backups' } })).status).toBe(200);
    const moved = await patch(`/api/v1/mailboxes/${box.id}`, { config: { host: 'imap2.contoso.example', password: 'imap-pa55word' } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.config).toMatchObject({ host: 'imap2.contoso.example', password: '***' });
  });

  it('refuses a new Graph tenant or authority without the client secret; other changes keep a secret that still works', async () => {
    const box = await create('graph', 'M365', { tenant_id: GRAPH_FAKE.tenant, client_id: 'app-1', client_secret: GRAPH_FAKE.secret, mailbox: 'backups@contoso.example', login_url: graph.url, graph_url: graph.url });
    for (const config of [{ tenant_id: 'attacker-tenant' }, { login_url: ELSEWHERE }, { graph_url: ELSEWHERE }]) {
      const res = await patch(`/api/v1/mailboxes/${box.id}`, { config });
      expect(res.status, `${JSON.stringify(config)}: ${res.text}`).toBe(400);
      expect(fieldsOf(res)).toEqual(['config.client_secret']);
    }
    const renamed = await patch(`/api/v1/mailboxes/${box.id}`, { name: 'M365 backups', interval_seconds: 600, config: { login_url: `${graph.url}/`, processed_folder: 'Done' } });
    expect(renamed.status, renamed.text).toBe(200);
    const tested = (await app.request('POST', `/api/v1/mailboxes/${box.id}/test`)).body;
    expect(tested.ok, JSON.stringify(tested)).toBe(true);
  });
});
