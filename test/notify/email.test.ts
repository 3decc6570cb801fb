// E-mail through a real SMTP server started by the test: what a recipient gets (HTML and plain
// text, links back into the console), welcome, resolution and escalation mails, destructive
// operations reaching owners and admins, refused recipients, and a first run with no relay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { messageIdFor } from '../../src/notify/channels/email/driver.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';
import { type SmtpSink, startSmtpSink } from '../helpers/receivers.js';

let app: EngineApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await startEngine('2026-11-02T06:00:00Z', { KEEPWATCH_MAIL_URL: sink.url, KEEPWATCH_MAIL_FROM: 'Keepwatch <alerts@keepwatch.test>' });
});
afterAll(async () => {
  await app.close();
  await sink.close();
});

const send = () => app.kw.notifier.runUntilIdle();
const to = (address: string) => sink.mails.filter((m) => m.to.includes(address));

async function channel(body: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const report = (device: string, overrides: Record<string, unknown> = {}) =>
  app.report(job(app.clock.now(), { status: 'failed', device: { name: device }, check: { name: `Backup ${device}` }, message: 'VSS snapshot failed', ...overrides }));

describe('e-mail notifications', () => {
  it('welcomes a new recipient, then mails each alert at once in HTML and plain text with links to the console', async () => {
    const ch = await channel({ type: 'email', name: 'Ops', config: { to: 'ops@example.com', mode: 'immediate' }, types: ['job_failed'] });
    await send();
    const [welcome] = to('ops@example.com');
    expect(welcome!.subject).toBe('[Keepwatch] You will receive backup alerts from Keepwatch');
    expect(welcome!.text).toContain('"Ops"');

    const [item] = await report('MAIL-1');
    await send();
    const mail = to('ops@example.com')[1]!;
    expect(mail.from).toBe('alerts@keepwatch.test');
    expect(mail.subject).toMatch(/^\[Keepwatch\] Warning: Backup MAIL-1: failed/);
    const alertId = (await app.alerts(`device=${item.device_id}`))[0].id;
    expect(mail.html).toContain(`href="http://keepwatch.test/alerts/${alertId}"`);
    expect(mail.html).toContain(`http://keepwatch.test/devices/${item.device_id}`);
    expect(mail.html).toContain('VSS snapshot failed');
    // Outlook and Gmail: inline styles, table layout, nothing fetched from elsewhere.
    expect(mail.html).not.toMatch(/<style|<link|<img|<script|url\(/i);
    expect(mail.html).toMatch(/<table role="presentation"/);
    expect(mail.text).toContain(`Open the alert: http://keepwatch.test/alerts/${alertId}`);
    expect(mail.text).toContain('VSS snapshot failed');
    const [delivery] = (await app.request('GET', `/api/v1/alerts/${alertId}/deliveries`)).body.items;
    expect(delivery).toMatchObject({ channel_id: ch.id, state: 'sent', last_status: 'SMTP 250' });
    // The same Message-ID on every attempt: a mailbox that drops repeats shows it once.
    expect(mail.messageId).toBe(messageIdFor(delivery.idempotency_key, 'alerts@keepwatch.test'));
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('sends the welcome before the first alert even when both wait and e-mail sends several at once', async () => {
    const ch = await channel({ type: 'email', name: 'Ordered', config: { to: 'order@example.com', mode: 'immediate' }, types: ['job_failed'] });
    await report('ORDER-1');
    // The welcome is slow to be accepted: had the alert been sent beside it, it would arrive first.
    sink.delay = (m) => (m.to.includes('order@example.com') && m.subject.includes('You will receive') ? 300 : 0);
    try {
      await send();
    } finally {
      sink.delay = () => 0;
    }
    expect(to('order@example.com').map((m) => m.subject)).toEqual([
      '[Keepwatch] You will receive backup alerts from Keepwatch',
      expect.stringMatching(/^\[Keepwatch\] Warning: Backup ORDER-1: failed/),
    ]);
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('mails escalations and resolutions of the alerts it told about', async () => {
    const ch = await channel({ type: 'email', name: 'Escalations', config: { to: ['esc@example.com'] } });
    await report('ESC-1');
    await report('ESC-1');
    await report('ESC-1');
    await report('ESC-1', { status: 'succeeded' });
    await send();
    const subjects = to('esc@example.com').map((m) => m.subject.replace(/ \(ESC-1\)$/, ''));
    expect(subjects[0]).toMatch(/Welcome|You will receive/);
    expect(subjects.slice(1)).toEqual([
      expect.stringMatching(/^\[Keepwatch\] Warning: /),
      expect.stringMatching(/^\[Keepwatch\] Escalated to critical: /),
      expect.stringMatching(/^\[Keepwatch\] Resolved: /),
    ]);
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('tells every owner and admin of a destructive operation, even when no channel matches', async () => {
    await app.kw.services.users.create(SYSTEM, { email: 'owner@example.com', password: 'correct horse battery', role: 'owner' });
    await app.kw.services.users.create(SYSTEM, { email: 'admin@example.com', password: 'correct horse battery', role: 'admin' });
    await app.kw.services.users.create(SYSTEM, { email: 'operator@example.com', password: 'correct horse battery', role: 'operator' });
    const ch = await channel({ type: 'email', name: 'Failures only', config: { to: 'fail@example.com' }, types: ['job_failed'] });
    await send();
    const before = sink.mails.length;
    await app.report(job(app.clock.now(), { status: 'succeeded', operation: 'delete_backup_data', check: null, device: { name: 'DESTROYED-1' } }));
    await send();
    const mails = sink.mails.slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to.sort()).toEqual(['admin@example.com', 'owner@example.com']);
    expect(mails[0]!.subject).toMatch(/^\[Keepwatch\] Critical: /);
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('marks the channel broken when the relay refuses the recipient (5xx on RCPT), and tells a person', async () => {
    sink.refuse = (a) => (a === 'gone@example.com' ? { code: 550, message: '5.1.1 mailbox unavailable' } : null);
    const ch = await channel({ type: 'email', name: 'Gone', config: { to: 'gone@example.com' } });
    await send();
    const got = (await app.request('GET', `/api/v1/channels/${ch.id}`)).body;
    expect(got).toMatchObject({ status: 'broken', broken_reason: expect.stringContaining('refused') });
    const log = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items;
    expect(log[0]).toMatchObject({ topic: 'welcome', state: 'failed', last_status: 'SMTP 550' });
    const problems = (await app.alerts('type=channel_failing')).filter((a) => a.integration_id === ch.id);
    expect(problems).toHaveLength(1);
    sink.refuse = () => null;
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
    expect((await app.alerts('type=channel_failing')).filter((a) => a.integration_id === ch.id)).toEqual([]);
  });

  it('retries a 4xx from the relay and delivers once it accepts', async () => {
    let refusals = 0;
    sink.refuse = (a) => (a === 'later@example.com' && refusals++ === 0 ? { code: 451, message: '4.3.0 try again later' } : null);
    const ch = await channel({ type: 'email', name: 'Later', config: { to: 'later@example.com' } });
    await send();
    expect(to('later@example.com')).toHaveLength(0);
    const [pending] = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items;
    expect(pending).toMatchObject({ state: 'pending', attempts: 1, last_status: 'SMTP 451' });
    app.clock.advance(15_000);
    await send();
    expect(to('later@example.com')).toHaveLength(1);
    sink.refuse = () => null;
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });
});

describe('e-mail with no relay configured (a first run)', () => {
  it('records every e-mail delivery as failed, saying what to set, and shows it on the channel', async () => {
    const bare = await startEngine('2026-11-02T06:00:00Z');
    try {
      const res = await bare.request('POST', '/api/v1/channels', { body: { type: 'email', name: 'Me', config: { to: 'me@example.com' } } });
      expect(res.body.warnings).toEqual([expect.stringContaining('KEEPWATCH_MAIL_URL')]);
      const test = await bare.request('POST', `/api/v1/channels/${res.body.id}/test`);
      expect(test.body).toMatchObject({ ok: false, status: 'no relay', detail: expect.stringContaining('KEEPWATCH_MAIL_URL') });
      await bare.report(job(bare.clock.now(), { status: 'failed', device: { name: 'NORELAY-1' } }));
      await bare.kw.notifier.runUntilIdle();
      const log = (await bare.request('GET', `/api/v1/channels/${res.body.id}/deliveries`)).body.items;
      expect(log.map((d: any) => [d.topic, d.state, d.last_status])).toEqual([
        ['alert.raised', 'failed', 'no relay'],
        ['test', 'failed', 'no relay'],
        ['welcome', 'failed', 'no relay'],
      ]);
      // Not the channel's fault: it stays usable for when a relay is set.
      expect((await bare.request('GET', `/api/v1/channels/${res.body.id}`)).body.status).toBe('ok');
    } finally {
      await bare.close();
    }
  });
});
