// HaloPSA tickets against a local Halo that follows its published API: the client-credentials
// token (tenant, cached, refreshed once on 401), clients matched by exact name and then mapped,
// one ticket per alert found again by its marker (after a restart with the state lost, or a
// repeated send), a private note on escalation, closed on resolution, 429 honoured, and refused
// credentials breaking the channel with a problem and the owners mailed instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp } from '../helpers/app.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';
import { type FakeHalo, HALO_CREDENTIALS, HALO_TENANT, startFakeHalo } from '../helpers/halo-fake.js';
import { type SmtpSink, startSmtpSink } from '../helpers/receivers.js';

let app: EngineApp;
let halo: FakeHalo;
let sink: SmtpSink;

beforeAll(async () => {
  halo = await startFakeHalo({ tenant: HALO_TENANT });
  sink = await startSmtpSink();
  app = await startEngine('2026-11-02T06:00:00Z', { KEEPWATCH_MAIL_URL: sink.url });
  await app.kw.services.users.create(SYSTEM, { email: 'owner@msp.example', password: 'correct horse battery', role: 'owner' });
});
afterAll(async () => {
  await app.close();
  await halo.close();
  await sink.close();
});

const send = () => app.kw.notifier.runUntilIdle();
const fail = (client: string, device: string) => job(app.clock.now(), { status: 'failed', client, device: { name: device, class: 'server' }, message: 'VSS snapshot failed' });
const succeed = (client: string, device: string) => job(app.clock.now(), { status: 'succeeded', client, device: { name: device, class: 'server' } });
const haloConfig = (extra: Record<string, unknown> = {}) => ({ url: halo.url, ...HALO_CREDENTIALS, tenant: HALO_TENANT, ...extra });
const apiCalls = (method: string, path: string) => halo.server.requests.filter((r) => r.method === method && r.path === `/halo/api${path}`);

async function clientId(name: string): Promise<string> {
  const items = (await app.request('GET', '/api/v1/clients?limit=500')).body.items as Array<{ id: string; name: string }>;
  return items.find((c) => c.name === name)!.id;
}

async function channel(name: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await app.request('POST', '/api/v1/channels', { body: { type: 'halopsa', name, config, ...extra } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function failThrice(client: string, device: string) {
  for (let i = 0; i < 3; i++) {
    app.clock.advance(60_000);
    await app.report(fail(client, device));
  }
}

describe('HaloPSA tickets', () => {
  let ch: any;

  it('is offered with its fields, keeps the client secret write-only, and connects with a tenant token', async () => {
    const types = (await app.request('GET', '/api/v1/channel-types')).body.items;
    const type = types.find((t: any) => t.type === 'halopsa');
    const field = (n: string) => type.fields.find((f: any) => f.name === n);
    expect(field('url')).toMatchObject({ required: true, kind: 'url', secret: false });
    expect(field('client_id')).toMatchObject({ required: true, secret: false });
    expect(field('client_secret')).toMatchObject({ required: true, secret: true });
    expect(field('tenant')).toMatchObject({ required: false });

    await app.report(succeed('Contoso Ltd', 'CT-DC01'), succeed('Northwind', 'NW-SQL01'));
    ch = await channel('HaloPSA', haloConfig(), { types: ['job_failed', 'backup_overdue'] });
    expect(ch.config).toMatchObject({ client_secret: '***', client_id: HALO_CREDENTIALS.client_id, complete_status_id: 9 });
    expect(JSON.stringify((await app.request('GET', `/api/v1/channels/${ch.id}`)).body)).not.toContain(HALO_CREDENTIALS.client_secret);

    const tested = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(tested.body, tested.text).toMatchObject({ ok: true, status: 'connected', detail: expect.stringContaining('3 companies') });
    const [tokenCall] = halo.tokenRequests;
    expect(tokenCall!.tenant).toBe(HALO_TENANT);
    expect(Object.fromEntries(tokenCall!.form)).toEqual({ grant_type: 'client_credentials', ...HALO_CREDENTIALS, scope: 'all' });
    expect(apiCalls('GET', '/Client').at(-1)!.headers.authorization).toBe('Bearer halo-token-1');
  });

  it('suggests the Halo client with exactly the same name, then takes the mapping table', async () => {
    const contoso = await clientId('Contoso Ltd');
    const res = await app.request('GET', `/api/v1/channels/${ch.id}/psa/companies`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.companies).toContainEqual({ id: 12, name: 'Contoso Ltd' });
    expect(res.body.clients.find((c: any) => c.client_id === contoso)).toMatchObject({ company_id: null, suggestion: { id: 12, name: 'Contoso Ltd' } });
    expect(res.body.clients.find((c: any) => c.client_name === 'Northwind').suggestion).toBeNull();
    const patched = await app.request('PATCH', `/api/v1/channels/${ch.id}`, { body: { config: { ...ch.config, companies: { [contoso]: 12 } } } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.config).toMatchObject({ companies: { [contoso]: 12 }, client_secret: '***' });
    const meta = (await app.request('GET', `/api/v1/channels/${ch.id}/psa/metadata`)).body;
    expect(meta.priorities).toContainEqual({ id: 1, name: 'Critical' });
    expect(meta.statuses).toContainEqual({ id: 9, name: 'Closed' });
    expect(meta.types).toContainEqual({ id: 21, name: 'Backup Alert' });
  });

  it('searches, then makes one ticket at the 3rd consecutive failure, with the token it already holds', async () => {
    const tokensBefore = halo.tokenRequests.length;
    for (let i = 1; i <= 2; i++) {
      app.clock.advance(3_600_000);
      await app.report(fail('Contoso Ltd', 'CT-DC01'));
      await send();
    }
    expect(halo.tickets).toEqual([]);
    app.clock.advance(3_600_000);
    await app.report(fail('Contoso Ltd', 'CT-DC01'));
    await send();
    const [alert] = await app.alerts('type=job_failed');
    expect(halo.tickets).toHaveLength(1);
    const t = halo.tickets[0]!;
    expect(t).toMatchObject({ client_id: 12, priority_id: 1, status_id: 1 });
    expect(t.summary).toContain(`[kw:${alert.id}]`);
    expect(t.summary.length).toBeLessThanOrEqual(100);
    expect(t.details).toContain('Device: CT-DC01');
    expect(t.details).toMatch(/Last good backup: 2026-11-02 06:00 UTC/);
    expect(t.details).toContain(`http://keepwatch.test/alerts/${alert.id}`);
    const search = apiCalls('GET', '/Tickets').at(-1)!;
    expect(Object.fromEntries(search.query)).toMatchObject({ search: alert.id, client_id: '12', open_only: 'true' });
    const create = apiCalls('POST', '/Tickets').at(-1)!;
    expect(Array.isArray(create.body)).toBe(true);
    expect(create.headers.authorization).toMatch(/^Bearer halo-token-/);
    expect(halo.tokenRequests.length).toBe(tokensBefore);
  });

  it('never makes a second ticket: not after a restart with the state lost, nor when a send is repeated; the escalation is noted', async () => {
    const [alert] = await app.alerts('type=job_failed');
    await app.kw.database.db.deleteFrom('channel_alert_state').execute();
    const second = await startApp({ clock: app.clock, env: { KEEPWATCH_WORKERS: 'false' }, shareDatabaseWith: app });
    try {
      await app.kw.database.db.updateTable('deliveries').set({ state: 'pending', next_attempt_at: app.clock.now() }).where('alert_id', '=', alert.id).where('channel_id', '=', ch.id).where('topic', '=', 'alert.escalated').execute();
      await second.kw.notifier.runUntilIdle();
    } finally {
      await second.close();
    }
    expect(halo.tickets).toHaveLength(1);
    const note = halo.tickets[0]!.actions.at(-1)!;
    expect(note).toMatchObject({ outcome: 'Private Note', hiddenfromuser: true });
    expect(note.note).toContain('Escalated to critical');
  });

  it('gets a new token once when Halo answers 401, then carries on', async () => {
    halo.revokeTokens();
    const before = halo.tokenRequests.length;
    app.clock.advance(3_600_000);
    await app.report(succeed('Contoso Ltd', 'CT-DC01'));
    await send();
    expect(halo.tokenRequests.length).toBe(before + 1);
    const t = halo.tickets[0]!;
    expect(t.status_id).toBe(9);
    expect(t.actions.at(-1)!.note).toContain('Resolved');
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body.status).toBe('ok');
  });

  it('keeps a token only until shortly before it expires', async () => {
    // The held token is revoked (one refresh); the new one lives 60 s, already inside the renewal
    // margin, so the next call asks again; a token of an hour is then held.
    halo.expiresIn = 60;
    halo.revokeTokens();
    const before = halo.tokenRequests.length;
    expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body.ok).toBe(true);
    expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body.ok).toBe(true);
    expect(halo.tokenRequests.length).toBe(before + 2);
    halo.expiresIn = 3600;
    expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body.ok).toBe(true);
    expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body.ok).toBe(true);
    expect(halo.tokenRequests.length).toBe(before + 3);
  });

  it('backs off on 429 and honours Retry-After, then makes the ticket once', async () => {
    app.clock.advance(3_600_000);
    halo.server.forced.push({ status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '120' } });
    await failThrice('Contoso Ltd', 'CT-FS02');
    await send();
    expect(halo.tickets).toHaveLength(1);
    const log = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries?state=pending`)).body.items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ attempts: 1, last_status: 'HTTP 429' });
    expect(Date.parse(log[0].next_attempt_at) - app.clock.now()).toBeGreaterThanOrEqual(119_000);
    app.clock.advance(60_000);
    await send();
    expect(halo.tickets).toHaveLength(1);
    app.clock.advance(61_000);
    await send();
    expect(halo.tickets).toHaveLength(2);
    expect(halo.tickets[1]!.summary).toContain('CT-FS02');
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body.status).toBe('ok');
  });

  it('fails only that delivery for an unmapped client, and mails the owners instead', async () => {
    const before = sink.mails.length;
    await failThrice('Northwind', 'NW-SQL01');
    await send();
    const failed = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries?state=failed`)).body.items;
    expect(failed[0]).toMatchObject({ last_status: 'unmapped' });
    expect(failed[0].last_response).toContain('Northwind');
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body.status).toBe('ok');
    const mails = (await sink.waitFor(before + 1)).slice(before);
    expect(mails.find((m) => m.text.includes('Not delivered to HaloPSA'))?.subject).toContain('NW-SQL01');
  });
});

describe('HaloPSA refusing the credentials', () => {
  it('breaks the channel, raises channel_failing, and mails the ticket-worthy alert to the owners', async () => {
    await app.report(succeed('Fabrikam', 'FB-SQL02'));
    const fabrikam = await clientId('Fabrikam');
    const bad = await channel('HaloPSA (wrong secret)', haloConfig({ client_secret: 'not-the-secret', companies: { [fabrikam]: 14 } }), { clients: [fabrikam] });
    const tested = await app.request('POST', `/api/v1/channels/${bad.id}/test`);
    expect(tested.body).toMatchObject({ ok: false, status: 'HTTP 400' });
    const before = sink.mails.length;
    await failThrice('Fabrikam', 'FB-SQL02');
    await send();
    const body = (await app.request('GET', `/api/v1/channels/${bad.id}`)).body;
    expect(body.status).toBe('broken');
    expect(body.broken_reason).toContain('credentials');
    expect((await app.alerts('type=channel_failing')).filter((a: any) => a.integration_id === bad.id)).toHaveLength(1);
    const mails = (await sink.waitFor(before + 1)).slice(before);
    const fallback = mails.find((m) => m.text.includes('Not delivered to HaloPSA (wrong secret)'));
    expect(fallback?.to).toEqual(['owner@msp.example']);
    expect(fallback?.subject).toContain('FB-SQL02');
    expect(halo.tickets.some((t) => t.client_id === 14)).toBe(false);
  });

  it('names the problems in the config', async () => {
    const res = await app.request('POST', '/api/v1/channels', { body: { type: 'halopsa', name: 'Bad', config: { url: 'ftp://halo.example', client_id: 'x', client_secret: 's', extra: 1 } } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['config.extra']));
    const res2 = await app.request('POST', '/api/v1/channels', { body: { type: 'halopsa', name: 'Bad', config: { url: 'ftp://halo.example', ...HALO_CREDENTIALS } } });
    expect(res2.body.errors).toContainEqual({ field: 'config.url', message: 'must be an http(s) URL' });
  });
});
