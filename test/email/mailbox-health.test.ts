// A polled mailbox's health as the API answers it: read from its last poll, never green without one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { GRAPH_FAKE, type GraphFake, startGraphFake } from '../helpers/graph-fake.js';

let app: TestApp;
let graph: GraphFake;
const mailbox = 'backups@contoso.example';

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  graph = await startGraphFake(mailbox);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await graph?.close();
});

const config = (secret: string) => ({ tenant_id: GRAPH_FAKE.tenant, client_id: 'app-1', client_secret: secret, mailbox, login_url: graph.url, graph_url: graph.url });
const get = async (id: string) => (await app.request('GET', `/api/v1/mailboxes/${id}`)).body;

describe('mailbox health', () => {
  it('is unknown, not ok, before its first poll', async () => {
    const created = await app.request('POST', '/api/v1/mailboxes', { body: { type: 'graph', name: 'Never polled', config: config(GRAPH_FAKE.secret) } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ health: 'unknown', health_detail: null, health_checked_at: null });
    const listed = (await app.request('GET', '/api/v1/mailboxes')).body.items.find((m: any) => m.id === created.body.id);
    expect(listed).toMatchObject({ health: 'unknown' });
  });

  it('is failing with the error after a refused poll, and ok after a good one', async () => {
    const created = await app.request('POST', '/api/v1/mailboxes', { body: { type: 'graph', name: 'Wrong secret', config: config('wrong') } });
    const polled = await app.request('POST', `/api/v1/mailboxes/${created.body.id}/poll`);
    expect(polled.body.error).toMatch(/invalid_client/);
    const failing = await get(created.body.id);
    expect(failing).toMatchObject({ health: 'failing', health_checked_at: failing.last_poll_at });
    expect(failing.health_detail).toMatch(/invalid_client/);

    await app.request('PATCH', `/api/v1/mailboxes/${created.body.id}`, { body: { config: { client_secret: GRAPH_FAKE.secret } } });
    expect((await app.request('POST', `/api/v1/mailboxes/${created.body.id}/poll`)).body).toEqual({ stored: 0, error: null });
    const ok = await get(created.body.id);
    expect(ok).toMatchObject({ health: 'ok', health_detail: null, health_checked_at: ok.last_poll_at });
  });
});
