// PSA tickets against local ConnectWise and Autotask servers that follow their documented APIs:
// a ticket at the 3rd consecutive failure and not before, one ticket per alert across a restart and
// lost state, notes on escalation, closed on resolution, 429 backed off, clients mapped to companies,
// the owners told by e-mail when a ticket cannot be made, and the PSA's callbacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { startApp } from '../helpers/app.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';
import { AT_CREDENTIALS, CW_CREDENTIALS, type FakePsa, startFakePsa } from '../helpers/fake-psa.js';
import { type SmtpSink, startSmtpSink } from '../helpers/receivers.js';

const KEY = 'psa-callback-key-0123456789';
let app: EngineApp;
let psa: FakePsa;
let sink: SmtpSink;

beforeAll(async () => {
  psa = await startFakePsa();
  sink = await startSmtpSink();
  app = await startEngine('2026-11-02T06:00:00Z', { KEEPWATCH_MAIL_URL: sink.url });
  await app.kw.services.users.create(SYSTEM, { email: 'owner@msp.example', password: 'correct horse battery', role: 'owner' });
});
afterAll(async () => {
  await app.close();
  await psa.close();
  await sink.close();
});

const send = () => app.kw.notifier.runUntilIdle();
const fail = (client: string, device: string) => job(app.clock.now(), { status: 'failed', client, device: { name: device, class: 'server' }, message: 'VSS snapshot failed' });
const succeed = (client: string, device: string) => job(app.clock.now(), { status: 'succeeded', client, device: { name: device, class: 'server' } });

async function clientId(name: string): Promise<string> {
  const items = (await app.request('GET', '/api/v1/clients?limit=500')).body.items as Array<{ id: string; name: string }>;
  return items.find((c) => c.name === name)!.id;
}

async function channel(type: string, name: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await app.request('POST', '/api/v1/channels', { body: { type, name, config, ...extra } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const cwConfig = (extra: Record<string, unknown> = {}) => ({ site_url: psa.cwUrl, ...CW_CREDENTIALS, board_id: 41, priorities: { critical: 6, high: 7 }, integration_key: KEY, ...extra });
const atConfig = (extra: Record<string, unknown> = {}) => ({ ...AT_CREDENTIALS, zone_lookup_url: psa.atLookupUrl, queue_id: 8, ...extra });

describe('ConnectWise tickets', () => {
  let cw: any;
  let contoso: string;

  it('offers the PSA companies with exact-name matches, then takes the mapping', async () => {
    await app.report(succeed('Contoso Ltd', 'CT-DC01'), succeed('Northwind', 'NW-SQL01'));
    contoso = await clientId('Contoso Ltd');
    cw = await channel('connectwise', 'ConnectWise', cwConfig(), { types: ['job_failed', 'backup_overdue'] });
    expect(cw.config.private_key).toBe('***');
    const res = await app.request('GET', `/api/v1/channels/${cw.id}/psa/companies`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.companies).toContainEqual({ id: 19298, name: 'Contoso Ltd' });
    const row = res.body.clients.find((c: any) => c.client_id === contoso);
    expect(row).toMatchObject({ client_name: 'Contoso Ltd', company_id: null, suggestion: { id: 19298, name: 'Contoso Ltd' } });
    expect(res.body.clients.find((c: any) => c.client_name === 'Northwind').suggestion).toBeNull();
    const patched = await app.request('PATCH', `/api/v1/channels/${cw.id}`, { body: { config: { ...cw.config, companies: { [contoso]: 19298 } } } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.config).toMatchObject({ companies: { [contoso]: 19298 }, private_key: '***' });
    const meta = await app.request('GET', `/api/v1/channels/${cw.id}/psa/metadata`);
    expect(meta.body).toMatchObject({ boards: expect.arrayContaining([{ id: 41, name: 'Backups' }]), statuses: [{ id: 550, name: 'New' }, { id: 560, name: 'Closed' }], types: [{ id: 12, name: 'Backup' }] });
  });

  it('makes a ticket at the 3rd consecutive failure and not before, carrying device, client, last good backup and links', async () => {
    for (let i = 1; i <= 2; i++) {
      app.clock.advance(3_600_000);
      await app.report(fail('Contoso Ltd', 'CT-DC01'));
      await send();
    }
    expect(psa.ticketsOf('cw')).toEqual([]);
    const [alert] = await app.alerts('type=job_failed');
    expect(alert.severity).toBe('warning');
    app.clock.advance(3_600_000);
    await app.report(fail('Contoso Ltd', 'CT-DC01'));
    await send();
    const tickets = psa.ticketsOf('cw');
    expect(tickets).toHaveLength(1);
    const t = tickets[0]!;
    expect(t.summary).toContain('Backup Failure');
    expect(t.summary).toContain(`[kw:${alert.id}]`);
    expect(t.summary.length).toBeLessThanOrEqual(100);
    expect(t).toMatchObject({ companyId: 19298, priorityId: 6, boardId: 41, closed: false });
    expect(t.description).toContain('Client: Contoso Ltd');
    expect(t.description).toContain('Device: CT-DC01');
    expect(t.description).toMatch(/Last good backup: 2026-11-02 06:00 UTC/);
    expect(t.description).toContain(`http://keepwatch.test/alerts/${alert.id}`);
    expect(t.description).toContain('http://keepwatch.test/devices/');
  });

  it('never makes a second ticket: not after a restart with the state lost, nor when a send is repeated', async () => {
    const [alert] = await app.alerts('type=job_failed');
    // Another Keepwatch on the same database, and the per-alert state gone.
    await app.kw.database.db.deleteFrom('channel_alert_state').execute();
    const second = await startApp({ clock: app.clock, env: { KEEPWATCH_WORKERS: 'false' }, shareDatabaseWith: app });
    try {
      // The escalation delivery sent again, as after a crash before it was recorded.
      await app.kw.database.db.updateTable('deliveries').set({ state: 'pending', next_attempt_at: app.clock.now() }).where('alert_id', '=', alert.id).where('channel_id', '=', cw.id).where('topic', '=', 'alert.escalated').execute();
      await second.kw.notifier.runUntilIdle();
    } finally {
      await second.close();
    }
    expect(psa.ticketsOf('cw')).toHaveLength(1);
    const t = psa.ticketsOf('cw')[0]!;
    expect(t.notes.at(-1)).toContain('Escalated to critical');
  });

  it('closes the ticket with a note when the alert resolves', async () => {
    app.clock.advance(3_600_000);
    await app.report(succeed('Contoso Ltd', 'CT-DC01'));
    await send();
    const t = psa.ticketsOf('cw')[0]!;
    expect(t).toMatchObject({ closed: true, statusName: 'Closed' });
    expect(t.notes.at(-1)).toContain('Resolved');
  });

  it('backs off on 429 and honours Retry-After, then makes the ticket once', async () => {
    app.clock.advance(3_600_000);
    psa.server.forced.push({ status: 429, body: { code: 'TooManyRequests' }, headers: { 'retry-after': '120' } });
    for (let i = 0; i < 3; i++) {
      await app.report(fail('Contoso Ltd', 'CT-FS02'));
      app.clock.advance(60_000);
    }
    await send();
    expect(psa.ticketsOf('cw')).toHaveLength(1);
    const log = (await app.request('GET', `/api/v1/channels/${cw.id}/deliveries?state=pending`)).body.items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ attempts: 1, last_status: 'HTTP 429' });
    expect(Date.parse(log[0].next_attempt_at) - app.clock.now()).toBeGreaterThanOrEqual(119_000);
    app.clock.advance(60_000);
    await send();
    expect(psa.ticketsOf('cw')).toHaveLength(1);
    app.clock.advance(61_000);
    await send();
    expect(psa.ticketsOf('cw')).toHaveLength(2);
    expect(psa.ticketsOf('cw')[1]!.summary).toContain('CT-FS02');
    expect((await app.request('GET', `/api/v1/channels/${cw.id}`)).body.status).toBe('ok');
  });

  it('fails only that delivery for an unmapped client, and mails the owners instead', async () => {
    const before = sink.mails.length;
    for (let i = 0; i < 3; i++) {
      await app.report(fail('Northwind', 'NW-SQL01'));
      app.clock.advance(60_000);
    }
    await send();
    const failed = (await app.request('GET', `/api/v1/channels/${cw.id}/deliveries?state=failed`)).body.items;
    expect(failed[0]).toMatchObject({ last_status: 'unmapped' });
    expect(failed[0].last_response).toContain('Northwind');
    expect((await app.request('GET', `/api/v1/channels/${cw.id}`)).body.status).toBe('ok');
    const mails = (await sink.waitFor(before + 1)).slice(before);
    expect(mails[0]!.to).toEqual(['owner@msp.example']);
    expect(mails[0]!.subject).toContain('NW-SQL01');
    expect(mails[0]!.text).toContain('Not delivered to ConnectWise');
  });

  it('takes a callback with the integration key: a ticket closed in the PSA acknowledges the alert', async () => {
    const [alert] = (await app.alerts('type=job_failed')).filter((a: any) => a.device_name === 'CT-FS02');
    const ticket = psa.ticketsOf('cw')[1]!;
    const url = `/api/v1/integrations/psa/${cw.id}/callback`;
    const body = { Action: 'updated', Type: 'ticket', ID: ticket.id, Entity: JSON.stringify({ id: ticket.id, closedFlag: true, status: { name: 'Closed' } }) };
    expect((await app.request('POST', url, { token: null, body })).status).toBe(401);
    expect((await app.request('POST', url, { token: null, body, headers: { 'x-integration-key': 'wrong-key-0123456789' } })).status).toBe(401);
    expect((await app.alerts('type=job_failed')).find((a: any) => a.id === alert.id).state).toBe('open');
    const ok = await app.request('POST', url, { token: null, body, headers: { 'x-integration-key': KEY } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({ ticket_id: ticket.id, alert_id: alert.id, action: 'acknowledged' });
    const detail = (await app.request('GET', `/api/v1/alerts/${alert.id}`)).body;
    expect(detail.state).toBe('acknowledged');
    expect(JSON.stringify(detail.history)).toContain(`Ticket ${ticket.id} was closed in ConnectWise`);
    await send();
    expect(ticket.notes.join('\n')).not.toContain('Acknowledged');
  });
});

describe('a PSA failing for over an hour', () => {
  it('mails the waiting ticket-worthy alerts to the owners, raises channel_failing, and still makes the ticket when it is back', async () => {
    // The first ConnectWise channel keeps to failures from here on: overdue alerts are this one's.
    const first = (await app.request('GET', '/api/v1/channels?limit=100')).body.items.find((c: any) => c.name === 'ConnectWise');
    expect((await app.request('PATCH', `/api/v1/channels/${first.id}`, { body: { types: ['job_failed'] } })).status).toBe(200);
    const cwFlaky = await channel('connectwise', 'ConnectWise (flaky)', cwConfig({ companies: { [await clientId('Contoso Ltd')]: 19298 } }), { types: ['backup_overdue'] });
    const search = '/cw/v4_6_release/apis/3.0/service/tickets';
    for (let i = 0; i < 40; i++) psa.server.forced.push({ path: search, status: 503, body: { code: 'ServiceUnavailable' } });
    const before = sink.mails.length;
    const created = psa.ticketsOf('cw').length;
    // A server of Contoso goes overdue (SLA 12 h after its last good backup).
    await app.report(succeed('Contoso Ltd', 'CT-APP03'));
    await app.advance(12 * 3_600_000 + 60_000);
    expect((await app.alerts('type=backup_overdue')).some((a: any) => a.device_name === 'CT-APP03')).toBe(true);
    for (let minute = 0; minute <= 70; minute += 10) {
      await send();
      app.clock.advance(10 * 60_000);
    }
    await send();
    expect(psa.ticketsOf('cw')).toHaveLength(created);
    expect((await app.request('GET', `/api/v1/channels/${cwFlaky.id}`)).body.status).toBe('failing');
    expect((await app.alerts('type=channel_failing')).some((a: any) => a.integration_id === cwFlaky.id)).toBe(true);
    // Every overdue Contoso server waiting in its queue is mailed, each once.
    const fallback = sink.mails.slice(before).filter((m) => m.text.includes('Not delivered to ConnectWise (flaky)') && m.subject.includes('CT-APP03'));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]!.text).toContain('failing since');
    // Nothing new to do while the channel waits out its back-off (no busy loop over the fallbacks).
    expect(await send()).toBe(0);
    psa.server.forced.length = 0;
    // The back-off is at its 10 min cap (± 20 %).
    app.clock.advance(13 * 60_000);
    await send();
    expect(psa.ticketsOf('cw').filter((t) => t.summary.includes('CT-APP03'))).toHaveLength(1);
    expect((await app.request('GET', `/api/v1/channels/${cwFlaky.id}`)).body.status).toBe('ok');
  });
});

describe('Autotask tickets', () => {
  it('finds the zone, makes a ticket when the mapping is met, notes the escalation and closes it', async () => {
    const fabrikamJobs = () => fail('Fabrikam', 'FB-HV01');
    await app.report(succeed('Fabrikam', 'FB-HV01'));
    const fabrikam = await clientId('Fabrikam');
    const at = await channel('autotask', 'Autotask', atConfig({ companies: { [fabrikam]: 250 }, mapping: { job_failed: { ticket: true, min_severity: 'warning', priority: 'high', title: 'Backup Failure' } } }), { clients: [fabrikam] });
    expect(at.config).toMatchObject({ secret: '***', integration_code: '***', new_status_id: 1, complete_status_id: 5 });
    app.clock.advance(3_600_000);
    await app.report(fabrikamJobs());
    await send();
    const [t] = psa.ticketsOf('at');
    expect(t).toMatchObject({ companyId: 250, priorityId: 1, boardId: 8, closed: false });
    expect(psa.server.requests.some((r) => r.path === '/atservicesrest/v1.0/zoneInformation' && r.query.get('user') === AT_CREDENTIALS.username)).toBe(true);
    for (let i = 0; i < 2; i++) {
      app.clock.advance(60_000);
      await app.report(fabrikamJobs());
    }
    await send();
    expect(psa.ticketsOf('at')).toHaveLength(1);
    expect(t!.notes.at(-1)).toContain('Escalated to critical');
    app.clock.advance(60_000);
    await app.report(succeed('Fabrikam', 'FB-HV01'));
    await send();
    expect(t).toMatchObject({ closed: true, statusName: '5' });
    const meta = (await app.request('GET', `/api/v1/channels/${at.id}/psa/metadata`)).body;
    expect(meta.queues).toEqual([{ id: 8, name: 'Monitoring Alert' }, { id: 9, name: 'Level I Support' }]);
    expect(meta.priorities).toContainEqual({ id: 4, name: 'Critical' });
  });

  it('names the problem in the config', async () => {
    const res = await app.request('POST', '/api/v1/channels', { body: { type: 'autotask', name: 'Bad', config: { username: 'x@y.z', secret: 's', integration_code: 'c', mapping: { nope: { ticket: true } }, extra: 1 } } });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: any) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['config.extra']));
    const res2 = await app.request('POST', '/api/v1/channels', { body: { type: 'autotask', name: 'Bad', config: { ...AT_CREDENTIALS, mapping: { nope: { ticket: true } } } } });
    expect(res2.body.errors).toContainEqual({ field: 'config.mapping.nope', message: 'is not an alert type' });
  });

  it('breaks on refused credentials, raises channel_failing, and mails the ticket-worthy alert to the owners', async () => {
    await app.report(succeed('Fabrikam', 'FB-SQL02'));
    const fabrikam = await clientId('Fabrikam');
    const bad = await channel('autotask', 'Autotask (wrong secret)', atConfig({ secret: 'not-the-secret', companies: { [fabrikam]: 250 } }), { clients: [fabrikam] });
    const before = sink.mails.length;
    for (let i = 0; i < 3; i++) {
      app.clock.advance(60_000);
      await app.report(fail('Fabrikam', 'FB-SQL02'));
    }
    await send();
    const ch = (await app.request('GET', `/api/v1/channels/${bad.id}`)).body;
    expect(ch.status).toBe('broken');
    expect(ch.broken_reason).toContain('credentials');
    const problems = (await app.alerts('type=channel_failing')).filter((a: any) => a.integration_id === bad.id);
    expect(problems).toHaveLength(1);
    // The ConnectWise channel (every client) has no company for Fabrikam either: it falls back too.
    const mails = (await sink.waitFor(before + 2)).slice(before);
    const fallback = mails.find((m) => m.text.includes('Not delivered to Autotask (wrong secret)'));
    expect(fallback?.to).toEqual(['owner@msp.example']);
    expect(fallback?.subject).toContain('FB-SQL02');
    expect(fallback?.text).toContain('Autotask refused the credentials');
  });
});
