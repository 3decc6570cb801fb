// What time makes: the hourly digest (on the hour in the workspace time zone, holding the alerts
// raised in that hour that are still open) and the weekly summary. Time moves by a ManualClock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type SmtpSink, startSmtpSink } from '../helpers/receivers.js';

const MIN = 60_000;
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => sink.close());

const to = (address: string) => sink.mails.filter((m) => m.to.includes(address));

describe('the hourly digest', () => {
  let app: EngineApp;
  beforeAll(async () => {
    // 10:00 in India (UTC+5:30): its hours begin at half past in UTC.
    app = await startEngine('2026-11-02T04:30:00Z', { KEEPWATCH_MAIL_URL: sink.url });
    await app.request('PUT', '/api/v1/settings', { body: { timezone: 'Asia/Kolkata' } });
  });
  afterAll(async () => app.close());

  const send = () => app.kw.notifier.runUntilIdle();
  const at = async (iso: string, device: string, status: string) => {
    app.clock.set(Date.parse(iso));
    await app.report(job(app.clock.now(), { status, device: { name: device }, check: { name: 'Nightly' } }));
    await send();
  };

  it('holds the alerts raised in its hour that are still open when it is sent, on the hour of the workspace zone', async () => {
    app.clock.set(Date.parse('2026-11-02T04:35:00Z'));
    const res = await app.request('POST', '/api/v1/channels', { body: { type: 'email', name: 'Digest', config: { to: 'digest@example.com', mode: 'hourly_digest' } } });
    expect(res.status).toBe(201);
    await send();
    expect(to('digest@example.com').map((m) => m.subject)).toEqual(['[Keepwatch] You will receive backup alerts from Keepwatch']);
    expect(to('digest@example.com')[0]!.text).toContain('once an hour');

    await at('2026-11-02T04:40:00Z', 'STAYS-OPEN', 'failed');
    await at('2026-11-02T04:50:00Z', 'FIXED-IN-HOUR', 'failed');
    await at('2026-11-02T05:10:00Z', 'FIXED-IN-HOUR', 'succeeded');
    await at('2026-11-02T05:20:00Z', 'ACKED', 'failed');
    const acked = (await app.alerts('type=job_failed')).find((a) => a.device_name === 'ACKED');
    await app.request('POST', `/api/v1/alerts/${acked.id}/acknowledge`, { body: {} });
    // Immediate mails never go to a digest recipient.
    expect(to('digest@example.com')).toHaveLength(1);

    app.clock.set(Date.parse('2026-11-02T05:29:59Z'));
    await send();
    expect(to('digest@example.com')).toHaveLength(1);

    app.clock.set(Date.parse('2026-11-02T05:30:00Z'));
    await send();
    const digests = to('digest@example.com').slice(1);
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    expect(digest.subject).toBe('[Keepwatch] 2 open alerts from the last hour');
    expect(digest.html).toContain('Asia/Kolkata');
    expect(digest.text).toContain('STAYS-OPEN');
    expect(digest.text).toContain('ACKED');
    expect(digest.text).not.toContain('FIXED-IN-HOUR');
    expect(digest.html).toContain('(acknowledged)');
    expect(digest.html).toContain(`http://keepwatch.test/alerts/${acked.id}`);

    // Sent once, however often the schedule is looked at.
    app.clock.advance(MIN);
    await send();
    expect(to('digest@example.com')).toHaveLength(2);
  });

  it('sends nothing for an hour whose alerts were all resolved, or that had none', async () => {
    await at('2026-11-02T05:40:00Z', 'BLIP', 'failed');
    await at('2026-11-02T05:50:00Z', 'BLIP', 'succeeded');
    app.clock.set(Date.parse('2026-11-02T07:30:00Z'));
    await send();
    expect(to('digest@example.com')).toHaveLength(2);
  });
});

describe('the weekly summary', () => {
  let app: EngineApp;
  beforeAll(async () => {
    // Wednesday; the workspace is in Berlin (UTC+1 in November).
    app = await startEngine('2026-10-28T12:00:00Z', { KEEPWATCH_MAIL_URL: sink.url });
    // Daily jobs within a two-day SLA: only the failing device is out of it.
    await app.request('PUT', '/api/v1/settings', { body: { timezone: 'Europe/Berlin', thresholds: { sla_hours: { server: 48 } } } });
    await app.kw.services.users.create(SYSTEM, { email: 'boss@example.com', password: 'correct horse battery', role: 'owner' });
  });
  afterAll(async () => app.close());

  const send = () => app.kw.notifier.runUntilIdle();

  it('goes out on Monday at 08:00 workspace time with protection, bands, success rate, new critical alerts, lowest scores and storage', async () => {
    await send();
    const [acme] = await app.report(job(app.clock.now(), { client: 'Acme', device: { name: 'ACME-FS' }, bytes: 40e9 }));
    const contacts = await app.request('POST', '/api/v1/channels', {
      body: { type: 'email', name: 'Acme summary', config: { to: 'acme-it@example.com', weekly_summary: true }, clients: [acme.client_id], types: ['destructive_operation'] },
    });
    expect(contacts.status).toBe(201);
    for (let d = 1; d <= 4; d++) {
      await app.advance(DAY);
      const t = app.clock.now();
      await app.report(
        job(t, { client: 'Acme', device: { name: 'ACME-FS' }, bytes: 40e9 + d * 1e9 }),
        job(t, { client: 'Globex', device: { name: 'GLOBEX-DB' }, status: 'failed' }),
        job(t, { client: 'Globex', device: { name: 'GLOBEX-WEB' }, bytes: 10e9 }),
      );
    }
    await send();
    // Monday 2 November, 07:59 in Berlin: not yet.
    app.clock.set(Date.parse('2026-11-02T06:59:00Z'));
    await app.evaluate();
    await send();
    expect(to('boss@example.com')).toHaveLength(0);
    app.clock.set(Date.parse('2026-11-02T07:00:00Z'));
    await send();

    const [all] = to('boss@example.com');
    expect(all!.subject).toBe('[Keepwatch] Weekly summary: 2 of 3 devices protected, 2 new critical alerts');
    expect(all!.text).toContain('Europe/Berlin');
    expect(all!.text).toContain('Devices by health (3): healthy 2, warning 0, critical 1, unknown 0');
    expect(all!.text).toContain('Job success rate: 69.2 % of 13 jobs');
    expect(all!.text).toMatch(/Lowest health scores:\n- GLOBEX-DB \(Globex\): \d+\n- ACME-FS/);
    expect(all!.text).toMatch(/New critical alerts: 2\n- .*GLOBEX-DB.*\n- .*GLOBEX-DB/);
    expect(all!.text).toContain('Sun 01 Nov: 54.0 GB');
    // Storage per day as a chart of table cells: seven rows, no image.
    expect(all!.html.match(/width="\d+%" cellpadding="0"/g)!.length).toBeGreaterThanOrEqual(7);
    expect(all!.html).not.toMatch(/<img|<style/i);

    // A client's contacts get their own client's figures only.
    const [own] = to('acme-it@example.com').filter((m) => m.subject.includes('Weekly summary'));
    expect(own!.text).toContain('Clients: Acme');
    expect(own!.text).not.toContain('GLOBEX');
    expect(own!.text).toContain('Job success rate: 100.0 % of 5 jobs');

    app.clock.advance(HOUR);
    await send();
    expect(to('boss@example.com')).toHaveLength(1);
  });

  it('moves to the day and hour set in the notification settings', async () => {
    const res = await app.request('PATCH', '/api/v1/notifications/settings', { body: { weekly_summary: { day: 'friday', hour: 17 } } });
    expect(res.body.weekly_summary).toEqual({ enabled: true, day: 'friday', hour: 17, owners_and_admins: true });
    const bad = await app.request('PATCH', '/api/v1/notifications/settings', { body: { weekly_summary: { hour: 24 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('weekly_summary.hour');
    app.clock.set(Date.parse('2026-11-06T15:59:00Z'));
    await send();
    expect(to('boss@example.com')).toHaveLength(1);
    app.clock.set(Date.parse('2026-11-06T16:00:00Z'));
    await send();
    expect(to('boss@example.com')).toHaveLength(2);
  });
});
