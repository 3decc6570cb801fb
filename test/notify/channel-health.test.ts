// A channel's health as the API answers it: read from its last delivery attempt or test, never
// green without one; an e-mail channel with no relay cannot send and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type HttpReceiver, type SmtpSink, startHttpReceiver, startSmtpSink } from '../helpers/receivers.js';

let app: EngineApp;
let rx: HttpReceiver;

beforeAll(async () => {
  rx = await startHttpReceiver();
  app = await startEngine('2026-11-02T06:00:00Z');
}, 60_000);
afterAll(async () => {
  await app?.close();
  await rx?.close();
});

const send = () => app.kw.notifier.runUntilIdle();
const get = async (id: string) => (await app.request('GET', `/api/v1/channels/${id}`)).body;

async function channel(body: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

describe('webhook channel health', () => {
  it('is unknown before anything was sent, failing with the receiver’s answer after a delivery got a 500, and ok once one goes through', async () => {
    rx.respond = (r) => (r.path === '/down' ? { status: 500, body: 'database is locked' } : { status: 200, body: 'ok' });
    const ch = await channel({ type: 'webhook', name: 'Flaky receiver', config: { url: `${rx.url}/down` } });
    expect(ch).toMatchObject({ health: 'unknown', health_detail: null, health_checked_at: null });

    await app.report(job(app.clock.now(), { status: 'failed', client: 'Acme', device: { name: 'HEALTH-01' }, check: { name: 'Nightly' } }));
    app.clock.advance(10 * 60_000);
    await send();
    expect(rx.received.filter((r) => r.path === '/down').length).toBeGreaterThan(0);
    const failing = await get(ch.id);
    expect(failing).toMatchObject({ status: 'failing', health: 'failing' });
    expect(failing.health_detail).toContain('500');
    expect(failing.health_detail).toContain('database is locked');
    expect(failing.health_checked_at).toBe(new Date(app.clock.now()).toISOString());
    const listed = (await app.request('GET', '/api/v1/channels?limit=500')).body.items.find((c: any) => c.id === ch.id);
    expect(listed.health).toBe('failing');

    // The receiver is fixed: the retry goes through.
    rx.respond = () => ({ status: 200, body: 'ok' });
    app.clock.advance(HOUR);
    await send();
    expect(await get(ch.id)).toMatchObject({ status: 'ok', health: 'ok', health_detail: null });
  });

  it('is failing after a test notification the receiver refused', async () => {
    rx.respond = (r) => (r.path === '/test-500' ? { status: 500, body: 'upstream exploded' } : { status: 200, body: 'ok' });
    const ch = await channel({ type: 'webhook', name: 'Refuses tests', config: { url: `${rx.url}/test-500` }, types: ['destructive_operation'] });
    const test = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(test.body.ok).toBe(false);
    const failing = await get(ch.id);
    expect(failing.health).toBe('failing');
    expect(failing.health_detail).toContain('answered 500');

    rx.respond = () => ({ status: 200, body: 'ok' });
    expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body.ok).toBe(true);
    expect(await get(ch.id)).toMatchObject({ health: 'ok', health_detail: null });
  });
});

describe('e-mail channel health', () => {
  it('is failing with "no relay configured" when KEEPWATCH_MAIL_URL is not set, before and after a send', async () => {
    const ch = await channel({ type: 'email', name: 'Ops mailbox', config: { to: 'ops@example.com' } });
    expect(ch).toMatchObject({ health: 'failing', health_detail: 'no relay configured (KEEPWATCH_MAIL_URL)' });
    await send();
    expect(await get(ch.id)).toMatchObject({ health: 'failing', health_detail: 'no relay configured (KEEPWATCH_MAIL_URL)' });
    // The built-in owners-and-admins channel cannot send either.
    expect(await get('owners-and-admins')).toMatchObject({ health: 'failing', health_detail: 'no relay configured (KEEPWATCH_MAIL_URL)' });
  });

  it('is ok once a mail went through a configured relay', async () => {
    let sink: SmtpSink | null = null;
    let mailApp: EngineApp | null = null;
    try {
      sink = await startSmtpSink();
      mailApp = await startEngine('2026-11-02T06:00:00Z', { KEEPWATCH_MAIL_URL: sink.url, KEEPWATCH_MAIL_FROM: 'Keepwatch <alerts@keepwatch.test>' });
      const res = await mailApp.request('POST', '/api/v1/channels', { body: { type: 'email', name: 'Ops mailbox', config: { to: 'ops@example.com' } } });
      expect(res.body).toMatchObject({ health: 'unknown', health_detail: null });
      await mailApp.kw.notifier.runUntilIdle(); // the welcome message
      await sink.waitFor(1);
      expect((await mailApp.request('GET', `/api/v1/channels/${res.body.id}`)).body).toMatchObject({ health: 'ok', health_detail: null });
    } finally {
      await mailApp?.close();
      await sink?.close();
    }
  }, 60_000);
});
