// What the console's integration screens read before they draw a form: each channel, connector
// and mailbox type with its config fields (so a new type appears without console changes), where
// status mail goes, and a mailbox's connection test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';
import { GRAPH_FAKE, type GraphFake, startGraphFake } from '../helpers/graph-fake.js';

let app: TestApp;
const field = (type: any, name: string) => type.fields.find((f: any) => f.name === name);

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false', KEEPWATCH_MAIL_DOMAINS: 'mail.example.com', KEEPWATCH_MAIL_INBOXES: 'backups,reports@other.example' } });
});
afterAll(async () => app.close());

describe('channel types', () => {
  it('answers every registered type with its fields: label, required, secret, kind and choices', async () => {
    const res = await app.request('GET', '/api/v1/channel-types');
    expect(res.status).toBe(200);
    const byType = Object.fromEntries(res.body.items.map((t: any) => [t.type, t]));
    expect(Object.keys(byType).sort()).toEqual([
      'autotask', 'connectwise', 'discord', 'email', 'google_chat', 'halopsa', 'mattermost', 'ntfy', 'opsgenie', 'pagerduty',
      'pushover', 'slack', 'teams', 'telegram', 'twilio_sms', 'webhook',
    ]);
    expect(byType.webhook.label).toBe('Webhook');
    expect(field(byType.webhook, 'url')).toMatchObject({ required: true, secret: false, kind: 'url' });
    expect(field(byType.webhook, 'secret')).toMatchObject({ required: false, secret: true, kind: 'string', minimum: 16 });
    expect(field(byType.webhook, 'max_in_flight')).toMatchObject({ kind: 'integer', minimum: 1, maximum: 16, default: 8 });
    expect(field(byType.email, 'to')).toMatchObject({ required: true, kind: 'email_list', maximum: 50 });
    expect(field(byType.email, 'mode')).toMatchObject({ kind: 'enum', options: ['immediate', 'hourly_digest'], default: 'immediate' });
    expect(field(byType.slack, 'url')).toMatchObject({ required: true, secret: true });
    expect(byType.email.carries).toContain('digest');
    expect(byType.slack.carries).not.toContain('digest');
    expect(field(byType.pagerduty, 'routing_key')).toMatchObject({ required: true, secret: true });
    expect(field(byType.connectwise, 'private_key')).toMatchObject({ secret: true });
    // The pinned secret fields of the newer types (issue 21): never answered back.
    expect(field(byType.telegram, 'bot_token')).toMatchObject({ required: true, secret: true });
    expect(field(byType.pushover, 'app_token')).toMatchObject({ required: true, secret: true });
    expect(field(byType.twilio_sms, 'auth_token')).toMatchObject({ required: true, secret: true });
    expect(field(byType.halopsa, 'client_secret')).toMatchObject({ required: true, secret: true });
    expect(field(byType.ntfy, 'token')).toMatchObject({ required: false, secret: true });
  });

  it('is for admins, like the channels themselves', async () => {
    expect((await app.request('GET', '/api/v1/channel-types', { token: await app.token('read') })).status).toBe(403);
  });
});

describe('connector and mailbox types', () => {
  it('describes the Azure connector from its schema, the client secret write-only', async () => {
    const res = await app.request('GET', '/api/v1/connector-types');
    expect(res.status).toBe(200);
    const azure = res.body.items.find((t: any) => t.type === 'azure');
    expect(azure.label).toMatch(/Azure Backup/);
    expect(azure.fields.filter((f: any) => f.required).map((f: any) => f.name)).toEqual(['tenant_id', 'client_id', 'client_secret', 'subscription_id']);
    expect(field(azure, 'client_secret')).toMatchObject({ secret: true, label: 'Client secret' });
    expect(field(azure, 'client_by')).toMatchObject({ kind: 'enum', options: ['subscription', 'resource_group', 'tag'] });
    expect(field(azure, 'client_map')).toMatchObject({ kind: 'map', label: 'Client mapping' });
    expect(field(azure, 'interval_minutes')).toMatchObject({ kind: 'integer', minimum: 5, maximum: 1440, advanced: false });
    expect(azure.fields.filter((f: any) => f.advanced).map((f: any) => f.name)).toEqual(['login_url', 'management_url', 'history_days', 'overlap_minutes', 'max_job_details']);
  });

  it('describes IMAP and Microsoft 365 mailboxes, and the API takes what they describe', async () => {
    const res = await app.request('GET', '/api/v1/mailbox-types');
    const byType = Object.fromEntries(res.body.items.map((t: any) => [t.type, t]));
    expect(byType.imap.fields.filter((f: any) => f.required).map((f: any) => f.name)).toEqual(['host', 'user', 'password']);
    expect(field(byType.imap, 'password').secret).toBe(true);
    expect(field(byType.imap, 'tls')).toMatchObject({ kind: 'boolean', default: true });
    expect(field(byType.graph, 'client_secret').secret).toBe(true);
    expect(field(byType.graph, 'mailbox').required).toBe(true);
    const created = await app.request('POST', '/api/v1/mailboxes', { body: { type: 'imap', name: 'Described', config: { host: 'imap.example.com', user: 'u', password: 'p', folder: 'Backups' } } });
    expect(created.status, created.text).toBe(201);
    const limited = await app.token('admin', { clientIds: [(await app.request('POST', '/api/v1/jobs', { body: jobReport({ client: 'Mailless Ltd' }) })).body.items[0].client_id] });
    for (const [method, path] of [['GET', '/api/v1/mailboxes'], ['GET', `/api/v1/mailboxes/${created.body.id}`], ['POST', `/api/v1/mailboxes/${created.body.id}/test`], ['GET', `/api/v1/mailboxes/${created.body.id}/polls`]]) {
      expect([path, (await app.request(method!, path!, { token: limited })).status]).toEqual([path, 403]); // workspace-wide, like connectors
    }
    const refused = await app.request('POST', '/api/v1/mailboxes', { body: { type: 'imap', name: 'Typo', config: { host: 'imap.example.com', user: 'u', password: 'p', hots: 'x' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toMatch(/config/);
  });
});

describe('where status mail goes', () => {
  it('names the inbox addresses in the mail domain and the SMTP listener', async () => {
    const res = await app.request('GET', '/api/v1/emails/inbound', { token: await app.token('read') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      inboxes: ['backups@mail.example.com', 'reports@other.example'],
      any_address: false,
      domain: 'mail.example.com',
      smtp: { host: 'keepwatch.test', port: app.kw.smtpPort, auth: false, starttls: false },
    });
  });

  it('shows no inbox to someone limited to clients (unmatched mail is not theirs)', async () => {
    const made = await app.request('POST', '/api/v1/jobs', { body: jobReport({ client: 'Limited Ltd' }) });
    const token = await app.token('read', { clientIds: [made.body.items[0].client_id] });
    const res = await app.request('GET', '/api/v1/emails/inbound', { token });
    expect(res.body.inboxes).toEqual([]);
    expect(res.body.smtp.port).toBe(app.kw.smtpPort);
  });
});

describe('testing a mailbox connection', () => {
  let graph: GraphFake;
  const mailbox = 'backups@contoso.example';
  beforeAll(async () => {
    graph = await startGraphFake(mailbox);
  });
  afterAll(async () => graph.close());

  const create = async (secret: string) =>
    (
      await app.request('POST', '/api/v1/mailboxes', {
        body: { type: 'graph', name: `M365 ${secret}`, config: { tenant_id: GRAPH_FAKE.tenant, client_id: 'app-1', client_secret: secret, mailbox, login_url: graph.url, graph_url: graph.url } },
      })
    ).body;

  it('answers each step and fetches, moves and creates nothing', async () => {
    graph.messages.push({ id: 'T1', folder: 'inbox', mime: 'Subject: x\r\n\r\nx', internetMessageId: '<t1@x>', to: [mailbox] });
    const m = await create(GRAPH_FAKE.secret);
    const res = await app.request('POST', `/api/v1/mailboxes/${m.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.steps.map((s: any) => [s.step, s.ok])).toEqual([['token', true], ['folder', true], ['processed_folder', true]]);
    expect(res.body.steps[1].message).toMatch(/1 messages waiting/);
    expect(res.body.steps[2].message).toMatch(/will be created/);
    expect(graph.folders.has('Processed')).toBe(false);
    expect(graph.messages[0]!.folder).toBe('inbox');
    expect(graph.requests.some((r) => r.includes('$value') || r.includes('/move'))).toBe(false);
    expect((await app.request('GET', '/api/v1/emails')).body.items).toEqual([]);
  });

  it('keeps each poll in the mailbox’s history, newest first, with what it stored or why it failed', async () => {
    graph.messages.push({ id: 'H1', folder: 'inbox', mime: 'Subject: y\r\nMessage-ID: <h1@x>\r\n\r\ny', internetMessageId: '<h1@x>', to: [mailbox] });
    const good = await create(GRAPH_FAKE.secret);
    await app.request('POST', `/api/v1/mailboxes/${good.id}/poll`);
    await app.request('POST', `/api/v1/mailboxes/${good.id}/poll`);
    const polls = (await app.request('GET', `/api/v1/mailboxes/${good.id}/polls`)).body.items;
    expect(polls.map((p: any) => [p.trigger, p.stored, p.outcome, p.error])).toEqual([
      ['manual', 0, 'ok', null],
      ['manual', 2, 'ok', null], // T1 from the test above, and H1
    ]);
    expect(Date.parse(polls[0].started_at)).toBeGreaterThanOrEqual(Date.parse(polls[1].started_at));

    const bad = await create('refused');
    await app.request('POST', `/api/v1/mailboxes/${bad.id}/poll`);
    const [refused] = (await app.request('GET', `/api/v1/mailboxes/${bad.id}/polls`)).body.items;
    expect(refused).toMatchObject({ outcome: 'auth', stored: 0, error: expect.stringMatching(/refused the client credentials/) });
  });

  it('keeps the last 100 polls of a mailbox and forgets them with it', async () => {
    const m = await create(`${GRAPH_FAKE.secret}-old`);
    const db = app.kw.database.db;
    const base = Date.now() - 86_400_000;
    const old = Array.from({ length: 120 }, (_, i) => ({ id: `0000-${String(i).padStart(4, '0')}`, mailbox_id: m.id, trigger: 'schedule', started_at: base + i, finished_at: base + i, stored: 0, outcome: 'other', error: 'x' }));
    await db.insertInto('mailbox_polls').values(old).execute();
    await app.request('POST', `/api/v1/mailboxes/${m.id}/poll`);
    const count = async () => (await db.selectFrom('mailbox_polls').select(db.fn.countAll<number>().as('n')).where('mailbox_id', '=', m.id).executeTakeFirstOrThrow()).n;
    expect(Number(await count())).toBe(100);
    const page = (await app.request('GET', `/api/v1/mailboxes/${m.id}/polls?limit=50`)).body;
    expect(page.items[0].trigger).toBe('manual');
    expect(page.next_cursor).not.toBeNull();
    const rest = (await app.request('GET', `/api/v1/mailboxes/${m.id}/polls?limit=50&cursor=${page.next_cursor}`)).body;
    expect(rest.items.at(-1).id).toBe('0000-0021'); // the new poll and the 99 newest before it
    expect(rest.next_cursor).toBeNull();
    expect((await app.request('DELETE', `/api/v1/mailboxes/${m.id}`)).status).toBe(204);
    expect(Number(await count())).toBe(0);
  });

  it('stops at the token step with Entra’s refusal when the secret is wrong', async () => {
    const m = await create('wrong');
    const res = await app.request('POST', `/api/v1/mailboxes/${m.id}/test`);
    expect(res.body.ok).toBe(false);
    expect(res.body.steps).toHaveLength(1);
    expect(res.body.steps[0]).toMatchObject({ step: 'token', ok: false });
    expect(res.body.steps[0].message).toMatch(/refused the client credentials/);
  });
});
