// A receiver down for an hour, then back: every notification queued meanwhile arrives, once each,
// in the order the events happened; the attempts back off; after an hour a person is told, and
// told again when it recovers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type HttpReceiver, startHttpReceiver } from '../helpers/receivers.js';

const MIN = 60_000;
let app: EngineApp;
let rx: HttpReceiver;
let down = true;

beforeAll(async () => {
  rx = await startHttpReceiver();
  rx.respond = (r) => (r.path.startsWith('/down') && down ? { status: 503, body: 'Service Unavailable' } : { status: 200, body: 'ok' });
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => {
  await app.close();
  await rx.close();
});

const send = () => app.kw.notifier.runUntilIdle();

describe('a channel down for an hour', () => {
  it('delivers everything queued, in order and once each, when it comes back', async () => {
    // Strict order (one request at a time), and the default window of 8 in flight.
    const ch = (await app.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: 'Flaky NOC', config: { url: `${rx.url}/down`, max_in_flight: 1 } } })).body;
    const fast = (await app.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: 'Flaky fast', config: { url: `${rx.url}/down-fast` } } })).body;
    const noc = (await app.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: 'Second NOC', config: { url: `${rx.url}/second` } } })).body;
    const expected: string[] = [];
    const start = app.clock.now();
    // Events through the hour: six failures, two of them fixed again.
    for (let minute = 0; minute <= 60; minute++) {
      const t = app.clock.now();
      const device = `OUT-${Math.floor(minute / 10)}`;
      if (minute % 10 === 0 && minute < 60) {
        await app.report(job(t, { status: 'failed', device: { name: device } }));
        expected.push(`alert.raised ${device}`);
      }
      if (minute === 15 || minute === 45) {
        const fixed = `OUT-${Math.floor(minute / 10) - 1}`;
        await app.report(job(t, { status: 'succeeded', device: { name: fixed } }));
        expected.push(`alert.resolved ${fixed}`);
      }
      await send();
      if (minute < 60) app.clock.advance(MIN);
    }
    expect(app.clock.now() - start).toBe(HOUR);

    const attempts = rx.received.filter((r) => r.path === '/down');
    expect(rx.accepted.filter((r) => r.path === '/down')).toEqual([]);
    // Back-off: 10 s doubling to a 10 min cap, so a handful of tries in the hour, all of the head.
    expect(attempts.length).toBeGreaterThanOrEqual(6);
    expect(attempts.length).toBeLessThanOrEqual(14);
    expect(new Set(attempts.map((r) => r.body.id)).size).toBe(1);
    const gaps = attempts.slice(1).map((r, i) => r.body.sent_at && Date.parse(r.body.sent_at) - Date.parse(attempts[i]!.body.sent_at));
    expect(gaps.at(-1)).toBeGreaterThan(gaps[0]!);

    // After an hour of failures a person is told, through the channels that work.
    const [problem] = (await app.alerts('type=channel_failing')).filter((a) => a.integration_id === ch.id);
    expect(problem).toMatchObject({ severity: 'critical', state: 'open' });
    expect(problem.title).toContain('failing for over an hour');
    expect(rx.received.filter((r) => r.path === '/second').map((r) => r.body.alert.type)).toContain('channel_failing');
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body).toMatchObject({ status: 'failing', failing_since: expect.any(String) });

    down = false;
    // Each failing channel also hears of the other's failure; the job alerts are what is checked here.
    const arrived = (path: string) => rx.accepted.filter((r) => r.path === path && r.body.alert.type === 'job_failed');
    for (let i = 0; i < 12 && (arrived('/down').length < expected.length || arrived('/down-fast').length < expected.length); i++) {
      app.clock.advance(MIN);
      await send();
    }
    const delivered = arrived('/down');
    expect(delivered.map((r) => `${r.body.event} ${r.body.alert.device_name}`)).toEqual(expected);
    expect(new Set(delivered.map((r) => r.body.id)).size).toBe(expected.length);
    expect((await app.alerts('type=channel_failing')).filter((a) => a.integration_id === ch.id)).toEqual([]);
    // With requests in flight together, neighbours may swap; one alert's events never do.
    const fastSeen = arrived('/down-fast').map((r) => `${r.body.event} ${r.body.alert.device_name}`);
    expect([...fastSeen].sort()).toEqual([...expected].sort());
    for (const device of ['OUT-0', 'OUT-3']) {
      expect(fastSeen.filter((x) => x.endsWith(device))).toEqual([`alert.raised ${device}`, `alert.resolved ${device}`]);
    }
    expect(new Set(arrived('/down-fast').map((r) => r.body.id)).size).toBe(expected.length);
    expect((await app.request('GET', `/api/v1/channels/${fast.id}`)).body.status).toBe('ok');
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body.status).toBe('ok');
    const log = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries?limit=500`)).body.items;
    expect(log.every((d: any) => d.state === 'sent')).toBe(true);
    expect(Math.max(...log.map((d: any) => d.attempts))).toBe(attempts.length + 1);
    await app.request('DELETE', `/api/v1/channels/${noc.id}`);
  });
});
