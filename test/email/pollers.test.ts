// Polled mailboxes feed the same pipeline: a real IMAP server (dovecot) and a local Microsoft
// Graph stand-in. A message is stored before it is moved to the processed folder.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startApp, type TestApp } from '../helpers/app.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { GRAPH_FAKE, type GraphFake, startGraphFake } from '../helpers/graph-fake.js';

let app: TestApp;
let check: any;

function mime(to: string, subject: string, id: string): string {
  return `From: Backup Exec <be@branch.example>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\nDate: Fri, 20 Nov 2026 02:00:00 +0000\r\n\r\nJob completed.\r\n`;
}

async function jobs(): Promise<any[]> {
  return (await app.request('GET', `/api/v1/devices/${check.device_id}/jobs?limit=100`)).body.items;
}

beforeAll(async () => {
  app = await startApp();
  const res = await app.request('POST', '/api/v1/checks', {
    body: {
      name: 'Branch backup',
      device: { name: 'BRANCH-FS' },
      email: { match: [{ field: 'from', op: 'equals', value: 'be@branch.example' }], status: [{ field: 'subject', op: 'contains', value: 'failed', status: 'failed' }], default_status: 'succeeded' },
    },
  });
  check = res.body;
});

/**
 * Polls a mailbox now. The background poller may have just taken it (a new mailbox is due at
 * once); a person would press the button again, so this asks again while that poll runs.
 */
async function pollNow(id: string): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt++) {
    const res = await app.request('POST', `/api/v1/mailboxes/${id}/poll`);
    if (!/already running/.test(String(res.body?.error ?? '')) || attempt >= 50) return res;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
afterAll(async () => app.close());

describe('IMAP mailbox', () => {
  let dovecot: Dovecot;
  let imap: ImapFlow;
  beforeAll(async () => {
    dovecot = await startDovecot();
    imap = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await imap.connect();
  });
  afterAll(async () => {
    await imap.logout();
    await dovecot.stop();
  });

  it('stores every message, moves it to the processed folder, and its job follows', async () => {
    await imap.append('INBOX', mime('it@branch.example', 'Job FAILED: nightly', 'imap-1@branch'));
    await imap.append('INBOX', mime(check.email_address, 'Job done', 'imap-2@branch'));
    const created = await app.request('POST', '/api/v1/mailboxes', {
      body: { type: 'imap', name: 'Branch IMAP', config: { host: '127.0.0.1', port: dovecot.port, tls: false, user: dovecot.user, password: dovecot.password } },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.config.password).toBe('***');
    expect(created.body.config.processed_folder).toBe('Processed');

    const polled = await pollNow(created.body.id);
    expect(polled.body).toEqual({ stored: 2, error: null });
    expect(await imap.status('INBOX', { messages: true })).toMatchObject({ messages: 0 });
    expect(await imap.status('Processed', { messages: true })).toMatchObject({ messages: 2 });
    await eventually(async () => expect((await jobs()).map((j) => j.status).sort()).toEqual(['failed', 'succeeded']), 10_000);
    expect((await pollNow(created.body.id)).body).toEqual({ stored: 0, error: null });
  });

  it('reports refused credentials on the mailbox and as an integration problem', async () => {
    const created = await app.request('POST', '/api/v1/mailboxes', {
      body: { type: 'imap', name: 'Wrong password', config: { host: '127.0.0.1', port: dovecot.port, tls: false, user: dovecot.user, password: 'nope' } },
    });
    const polled = await pollNow(created.body.id);
    expect(polled.body.stored).toBe(0);
    expect(polled.body.error).toMatch(/login refused/);
    const again = await app.request('GET', `/api/v1/mailboxes/${created.body.id}`);
    expect(again.body.last_error).toMatch(/login refused/);
    const integrations = await app.kw.services.integrations.list();
    expect(integrations.find((i) => i.id === created.body.id)?.auth_error).toMatch(/login refused/);
  });

  it('tests the connection step by step without moving mail, and names the step that fails', async () => {
    await imap.append('INBOX', mime('it@branch.example', 'Job done: waiting', 'imap-3@branch'));
    const config = { host: '127.0.0.1', port: dovecot.port, tls: false, user: dovecot.user, password: dovecot.password, processed_folder: 'Done' };
    const good = (await app.request('POST', '/api/v1/mailboxes', { body: { type: 'imap', name: 'Tested', config } })).body;
    const res = await app.request('POST', `/api/v1/mailboxes/${good.id}/test`);
    expect(res.body.ok).toBe(true);
    expect(res.body.steps.map((s: any) => s.step)).toEqual(['connect', 'login', 'folder', 'processed_folder']);
    expect(res.body.steps[2].message).toBe('INBOX: 1 messages waiting');
    expect(res.body.steps[3].message).toBe('Done will be created at the first poll');
    expect(await imap.status('INBOX', { messages: true })).toMatchObject({ messages: 1 });

    const bad = (await app.request('POST', '/api/v1/mailboxes', { body: { type: 'imap', name: 'Tested badly', config: { ...config, password: 'nope' } } })).body;
    const refused = (await app.request('POST', `/api/v1/mailboxes/${bad.id}/test`)).body;
    expect(refused.ok).toBe(false);
    expect(refused.steps.map((s: any) => [s.step, s.ok])).toEqual([['connect', true], ['login', false]]);
    const closed = (await app.request('POST', '/api/v1/mailboxes', { body: { type: 'imap', name: 'Nobody there', config: { ...config, port: 1 } } })).body;
    expect((await app.request('POST', `/api/v1/mailboxes/${closed.id}/test`)).body.steps).toEqual([{ step: 'connect', ok: false, message: expect.stringMatching(/could not connect to 127.0.0.1:1/) }]);
  });
});

describe('Microsoft 365 mailbox through Graph', () => {
  let graph: GraphFake;
  const mailbox = 'backups@contoso.example';
  beforeAll(async () => {
    graph = await startGraphFake(mailbox);
  });
  afterAll(async () => graph.close());

  function config(secret: string) {
    return { tenant_id: GRAPH_FAKE.tenant, client_id: 'app-1', client_secret: secret, mailbox, login_url: graph.url, graph_url: graph.url };
  }

  it('fetches each message’s MIME source, stores it, then moves it to the processed folder', async () => {
    graph.messages.push(
      { id: 'AAMk1', folder: 'inbox', mime: mime('x@contoso.example', 'Job failed: offsite', 'graph-1@branch'), internetMessageId: '<graph-1@branch>', to: ['x@contoso.example'] },
      { id: 'AAMk2', folder: 'inbox', mime: mime('x@contoso.example', 'Job done: offsite', 'graph-2@branch'), internetMessageId: '<graph-2@branch>', to: ['x@contoso.example'] },
    );
    const before = (await jobs()).length;
    const created = await app.request('POST', '/api/v1/mailboxes', { body: { type: 'graph', name: 'M365', config: config(GRAPH_FAKE.secret) } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.config.client_secret).toBe('***');
    const polled = await pollNow(created.body.id);
    expect(polled.body).toEqual({ stored: 2, error: null });
    const processed = graph.folders.get('Processed');
    expect(processed).toBeDefined();
    expect(graph.messages.every((m) => m.folder === processed)).toBe(true);
    await eventually(async () => expect((await jobs()).length).toBe(before + 2), 10_000);
    expect((await pollNow(created.body.id)).body).toEqual({ stored: 0, error: null });
  });

  it('stores a message fetched again after a failed move only once', async () => {
    graph.messages.push({ id: 'AAMk3', folder: 'inbox', mime: mime('x@contoso.example', 'Job done: retry', 'graph-3@branch'), internetMessageId: '<graph-3@branch>', to: ['x@contoso.example'] });
    const id = (await app.request('GET', '/api/v1/mailboxes')).body.items.find((m: any) => m.name === 'M365').id;
    graph.failMoves = 1;
    const failed = await pollNow(id);
    expect(failed.body.error).toMatch(/503/);
    expect((await pollNow(id)).body).toEqual({ stored: 1, error: null });
    const stored = (await app.request('GET', '/api/v1/emails?limit=500')).body.items.filter((e: any) => e.mailbox_id === id);
    expect(stored.length).toBe(3); // the two of the first poll, and this one once
  });

  it('keeps the secret on a PATCH that sends it back masked, and reports a refused one', async () => {
    const created = await app.request('POST', '/api/v1/mailboxes', { body: { type: 'graph', name: 'M365 bad', config: config('wrong') } });
    const polled = await pollNow(created.body.id);
    expect(polled.body.error).toMatch(/invalid_client/);
    const patched = await app.request('PATCH', `/api/v1/mailboxes/${created.body.id}`, { body: { config: { ...created.body.config, client_secret: GRAPH_FAKE.secret } } });
    expect(patched.status, patched.text).toBe(200);
    const renamed = await app.request('PATCH', `/api/v1/mailboxes/${created.body.id}`, { body: { name: 'M365 fixed', config: patched.body.config } });
    expect(renamed.body.config.client_secret).toBe('***');
    expect((await pollNow(created.body.id)).body).toEqual({ stored: 0, error: null });
  });
});
