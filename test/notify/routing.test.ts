// Routing: an MSP's NOC gets everything, each client's contacts their own client's alerts; filters
// by minimum severity and alert type; follow-ups (resolution) only where the alert was told; the
// channels API validates, masks secrets and keeps channels to unlimited admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type HttpReceiver, startHttpReceiver } from '../helpers/receivers.js';

let app: EngineApp;
let rx: HttpReceiver;

beforeAll(async () => {
  rx = await startHttpReceiver();
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => {
  await app.close();
  await rx.close();
});

const send = () => app.kw.notifier.runUntilIdle();
const seen = (path: string) => rx.received.filter((r) => r.path === path).map((r) => `${r.body.event} ${r.body.alert.type} ${r.body.alert.device_name}`);

async function channel(body: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const report = (client: string, device: string, status = 'failed') =>
  app.report(job(app.clock.now(), { status, client, device: { name: device }, check: { name: 'Nightly' } }));

describe('routing alerts to channels', () => {
  it("sends the NOC every client's alerts and each client's contacts only their own", async () => {
    const [acme] = await report('Acme', 'ACME-SRV', 'succeeded');
    const [globex] = await report('Globex', 'GLOBEX-SRV', 'succeeded');
    await channel({ type: 'webhook', name: 'NOC', config: { url: `${rx.url}/noc` } });
    await channel({ type: 'webhook', name: 'Acme contacts', config: { url: `${rx.url}/acme` }, clients: [acme.client_id] });
    await channel({ type: 'webhook', name: 'Globex critical', config: { url: `${rx.url}/globex` }, clients: [globex.client_id], min_severity: 'critical' });
    await channel({ type: 'webhook', name: 'Destructive desk', config: { url: `${rx.url}/destructive` }, types: ['destructive_operation'] });

    app.clock.advance(HOUR);
    await report('Acme', 'ACME-SRV');
    await report('Globex', 'GLOBEX-SRV');
    await send();
    expect(seen('/noc')).toEqual(['alert.raised job_failed ACME-SRV', 'alert.raised job_failed GLOBEX-SRV']);
    expect(seen('/acme')).toEqual(['alert.raised job_failed ACME-SRV']);
    expect(seen('/globex')).toEqual([]);
    expect(seen('/destructive')).toEqual([]);

    // The third failure escalates to critical: now the Globex channel hears of it.
    await report('Globex', 'GLOBEX-SRV');
    await report('Globex', 'GLOBEX-SRV');
    await send();
    expect(seen('/globex')).toEqual(['alert.escalated job_failed GLOBEX-SRV']);

    // Resolutions go where the alert was told, and nowhere else.
    await report('Acme', 'ACME-SRV', 'succeeded');
    await report('Globex', 'GLOBEX-SRV', 'succeeded');
    await send();
    expect(seen('/acme')).toEqual(['alert.raised job_failed ACME-SRV', 'alert.resolved job_failed ACME-SRV']);
    expect(seen('/globex')).toEqual(['alert.escalated job_failed GLOBEX-SRV', 'alert.resolved job_failed GLOBEX-SRV']);
    expect(seen('/destructive')).toEqual([]);
    expect(seen('/noc').filter((s) => s.startsWith('alert.resolved'))).toHaveLength(2);
  });

  it('repeats an alert that stays open every N hours on channels that ask for it, and stops once it is acknowledged', async () => {
    const ch = await channel({ type: 'webhook', name: 'Nagging', config: { url: `${rx.url}/repeat` }, repeat_hours: 4 });
    await report('Acme', 'REPEAT-1');
    await send();
    app.clock.advance(3 * HOUR);
    await send();
    expect(seen('/repeat')).toEqual(['alert.raised job_failed REPEAT-1']);
    app.clock.advance(HOUR);
    await send();
    app.clock.advance(4 * HOUR);
    await send();
    expect(seen('/repeat')).toEqual(['alert.raised job_failed REPEAT-1', 'alert.repeat job_failed REPEAT-1', 'alert.repeat job_failed REPEAT-1']);
    const alertId = rx.received.find((r) => r.path === '/repeat')!.body.alert.id;
    await app.request('POST', `/api/v1/alerts/${alertId}/acknowledge`, { body: { note: 'on it' } });
    app.clock.advance(8 * HOUR);
    await send();
    expect(seen('/repeat').filter((s) => s.startsWith('alert.repeat'))).toHaveLength(2);
    expect(seen('/repeat').at(-1)).toBe('alert.acknowledged job_failed REPEAT-1');
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });
});

describe('the channels API', () => {
  it('names each bad field, and never answers a 500', async () => {
    const bad = await app.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: 'x', config: { url: 'ftp://nope', secret: 'short' }, clients: ['no-such-client'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['clients', 'config.secret', 'config.url']);
    const mail = await app.request('POST', '/api/v1/channels', { body: { type: 'email', name: 'x', config: { to: ['ok@example.com', 'not-an-address'], mode: 'weekly' } } });
    expect(mail.body.errors.map((e: any) => e.field).sort()).toEqual(['config.mode', 'config.to']);
    const type = await app.request('POST', '/api/v1/channels', { body: { type: 'carrier-pigeon', name: 'x', config: {} } });
    expect(type.status).toBe(400);
    expect(type.body.errors[0].field).toBe('type');
    const missing = await app.request('PATCH', '/api/v1/channels/nope', { body: { name: 'y' } });
    expect(missing.status).toBe(404);
    const sev = await app.request('POST', '/api/v1/channels', { body: { type: 'slack', name: 'x', config: { url: 'https://hooks.example/x' }, min_severity: 'info' } });
    expect(sev.body.errors[0].field).toBe('min_severity');
  });

  it('keeps secrets write-only: masked in answers, kept when sent back masked or omitted, replaced when given', async () => {
    const ch = await channel({ type: 'webhook', name: 'Signed', config: { url: `${rx.url}/signed`, secret: 'first-secret-0123456789' } });
    expect(ch.config).toEqual({ url: `${rx.url}/signed`, secret: '***', max_in_flight: 8 });
    const same = await app.request('PATCH', `/api/v1/channels/${ch.id}`, { body: { config: { url: `${rx.url}/signed`, secret: '***' } } });
    expect(same.body.config).toEqual({ url: `${rx.url}/signed`, secret: '***', max_in_flight: 8 });
    await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    const first = rx.received.find((r) => r.path === '/signed')!;
    const { createHmac } = await import('node:crypto');
    const sig = (secret: string, r: typeof first) => `sha256=${createHmac('sha256', secret).update(`${r.headers['x-keepwatch-timestamp']}.${r.raw}`).digest('hex')}`;
    expect(first.headers['x-keepwatch-signature']).toBe(sig('first-secret-0123456789', first));
    await app.request('PATCH', `/api/v1/channels/${ch.id}`, { body: { config: { secret: 'second-secret-0123456789' } } });
    await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    const second = rx.received.filter((r) => r.path === '/signed')[1]!;
    expect(second.headers['x-keepwatch-signature']).toBe(sig('second-secret-0123456789', second));
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).status).toBe(404);
  });

  it('keeps channels to unlimited admins: a client-limited admin can neither read nor change them', async () => {
    const [acme] = await report('Acme', 'ACME-LIMITED', 'succeeded');
    const limited = await app.token('admin', { clientIds: [acme.client_id], name: 'acme admin' });
    expect((await app.request('GET', '/api/v1/channels?limit=500', { token: limited })).status).toBe(403);
    const mine = (await app.request('GET', '/api/v1/channels?limit=500')).body.items.find((c: any) => c.name === 'Acme contacts');
    expect((await app.request('GET', `/api/v1/channels/${mine.id}`, { token: limited })).status).toBe(403);
    expect((await app.request('PATCH', `/api/v1/channels/${mine.id}`, { token: limited, body: { name: 'Mine now' } })).status).toBe(403);
    const created = await app.request('POST', '/api/v1/channels', { token: limited, body: { type: 'slack', name: 'All', config: { url: 'https://hooks.example/x' }, clients: [acme.client_id] } });
    expect(created.status).toBe(403);
    expect((await app.request('GET', `/api/v1/channels/${mine.id}`)).body.name).toBe('Acme contacts');
    const read = await app.token('read');
    expect((await app.request('GET', '/api/v1/channels', { token: read })).status).toBe(403);
  });

  it('shows the built-in owners-and-admins channel, which cannot be changed or deleted', async () => {
    const all = (await app.request('GET', '/api/v1/channels?limit=500')).body.items;
    const owners = all.find((c: any) => c.system);
    expect(owners).toMatchObject({ id: 'owners-and-admins', type: 'email', name: 'Owners and admins' });
    expect((await app.request('PATCH', `/api/v1/channels/${owners.id}`, { body: { name: 'mine' } })).status).toBe(409);
    expect((await app.request('DELETE', `/api/v1/channels/${owners.id}`)).status).toBe(409);
  });
});
