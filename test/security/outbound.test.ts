// Outbound requests to internal addresses (issue #17, item 4): a channel URL at loopback, an
// unspecified or link-local address, or a name that resolves to one, is refused when the socket
// connects, unless KEEPWATCH_OUTBOUND_ALLOW names it; a refused test shows the refusal, never what
// an internal service answered, and a refused delivery is not retried.
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup, isOutboundRefused, outboundFetch, setOutboundAllow } from '../../src/lib/outbound/index.js';
import { parseOutboundAllow } from '../../src/lib/outbound/policy.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';

/** An "internal service" on every loopback address (IPv4 and IPv6) that tells its secrets. */
let internal: Server;
let port: number;
const hits: string[] = [];
/** TCP connections it accepted, whatever the protocol spoken (IMAP sends nothing first). */
let connections = 0;

beforeAll(async () => {
  internal = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('{"internal":"secret-credentials"}');
  });
  internal.on('connection', () => connections++);
  await new Promise<void>((r) => internal.listen({ port: 0, host: '::', ipv6Only: false }, () => r()));
  port = (internal.address() as AddressInfo).port;
});
afterAll(async () => {
  internal.closeAllConnections();
  await new Promise((r) => internal.close(r));
});

function allow(raw: string): void {
  const parsed = parseOutboundAllow(raw);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  setOutboundAllow(parsed.entries);
}

/** Connects to `name:port` through the guarded lookup with a resolver that answers `answers` in turn. */
function connectVia(name: string, answers: string[]): Promise<'connected' | Error> {
  let i = 0;
  const resolve = (_h: string, _o: unknown, cb: (err: null, a: Array<{ address: string; family: number }>) => void) => {
    const address = answers[Math.min(i++, answers.length - 1)]!;
    cb(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  };
  return new Promise((done) => {
    const socket = connect({ host: name, port, lookup: guardedLookup(name, port, resolve) });
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('error', (err) => done(err));
  });
}

describe('outbound connections (src/lib/outbound), below the API', () => {
  afterEach(() => setOutboundAllow([]));

  it('checks the address a name resolves to when the socket connects, so a rebound name is refused', async () => {
    const before = hits.length;
    // A public-looking name that resolves to loopback, as a rebinding attacker's does once the URL
    // has been accepted: the address is only known, and checked, when the socket connects.
    const refused = await connectVia('rebind.example.com', ['127.0.0.1']);
    expect(isOutboundRefused(refused)).toBe(true);
    expect((refused as Error).message).toBe('outbound address 127.0.0.1 is not allowed; see KEEPWATCH_OUTBOUND_ALLOW');
    // An IPv4-mapped IPv6 answer is read as the IPv4 address it carries.
    const mapped = await connectVia('rebind.example.com', ['::ffff:127.0.0.1']);
    expect((mapped as Error).message).toBe('outbound address 127.0.0.1 is not allowed; see KEEPWATCH_OUTBOUND_ALLOW');
    expect(hits.length).toBe(before);
  });

  it('connects to a name the allow list names, or to an allowed address it resolves to', async () => {
    allow(`rebind.example.com:${port}`);
    expect(await connectVia('rebind.example.com', ['127.0.0.1'])).toBe('connected');
    expect(isOutboundRefused(await connectVia('other.example.com', ['127.0.0.1']))).toBe(true);
    allow(`127.0.0.1:${port}`);
    expect(await connectVia('other.example.com', ['127.0.0.1'])).toBe('connected');
  });

  it.each([`http://127.0.0.1:PORT/`, `http://2130706433:PORT/`, `http://localhost:PORT/`, `http://[::ffff:127.0.0.1]:PORT/`, `http://0x7f.1:PORT/`])(
    'refuses %s over HTTP without sending anything',
    async (url) => {
      const before = hits.length;
      const err = await outboundFetch(url.replace('PORT', String(port))).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isOutboundRefused(err)).toBe(true);
      expect((err as Error).message).toMatch(/^outbound address (127\.0\.0\.1|::1) is not allowed; see KEEPWATCH_OUTBOUND_ALLOW$/);
      expect(hits.length).toBe(before);
    },
  );

  it('fetches from an allowed address and answers a Response', async () => {
    allow(`127.0.0.1:${port}`);
    const res = await outboundFetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: 'a=1', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"internal":"secret-credentials"}');
    // Should localhost resolve to ::1 as well, only 127.0.0.1 is allowed, and that is where it goes.
    expect((await outboundFetch(`http://localhost:${port}/y`)).status).toBe(200);
    expect(hits.slice(-2)).toEqual(['/x', '/y']);
  });
});

async function channel(app: EngineApp, type: string, url: string): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body: { type, name: `${type} ${url} ${Math.random()}`, config: { url } } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const refusal = (address: string) => `outbound address ${address} is not allowed; see KEEPWATCH_OUTBOUND_ALLOW`;

describe('with no KEEPWATCH_OUTBOUND_ALLOW', () => {
  let app: EngineApp;
  beforeAll(async () => {
    app = await startEngine('2026-11-02T06:00:00Z', { KEEPWATCH_OUTBOUND_ALLOW: '' });
  });
  afterAll(async () => {
    await app.close();
  });

  const targets: Array<[string, string]> = [
    ['http://127.0.0.1:PORT/hook', '127.0.0.1'],
    ['http://[::1]:PORT/hook', '::1'],
    ['http://localhost:PORT/hook', 'localhost'],
    ['http://2130706433:PORT/hook', '127.0.0.1'],
    ['http://0.0.0.0:PORT/hook', '0.0.0.0'],
    ['http://[::ffff:127.0.0.1]:PORT/hook', '127.0.0.1'],
    ['http://127.0.0.1:5432/', '127.0.0.1'],
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', '169.254.169.254'],
  ];
  const cases = ['webhook', 'slack', 'teams'].flatMap((type) => targets.map(([url, address]) => [type, url, address] as const));

  it.each(cases)('refuses a %s channel test at %s, shows no response and sends nothing', async (type, template, address) => {
    const before = hits.length;
    const ch = await channel(app, type, template.replace('PORT', String(port)));
    const res = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(res.status).toBe(200);
    // `localhost` is resolved first: whichever loopback address it gave is the one named.
    const expected = address === 'localhost' ? expect.stringMatching(/^outbound address (127\.0\.0\.1|::1) is not allowed; see KEEPWATCH_OUTBOUND_ALLOW$/) : refusal(address);
    expect(res.body).toMatchObject({ ok: false, status: 'refused', detail: expected });
    expect(res.text).not.toContain('secret-credentials');
    const [logged] = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items;
    expect(logged).toMatchObject({ topic: 'test', state: 'failed', last_status: 'refused', last_response: expected });
    expect(hits.length).toBe(before);
    await app.request('DELETE', `/api/v1/channels/${ch.id}`);
  });

  it('does not retry an alert delivery to a refused address: the channel is broken and a person is told', async () => {
    const before = hits.length;
    const ch = await channel(app, 'webhook', `http://127.0.0.1:${port}/alerts`);
    await app.report(job(app.clock.now(), { status: 'failed', device: { name: 'OUTBOUND-01' }, message: 'VSS snapshot failed' }));
    await app.kw.notifier.runUntilIdle();
    const log = (await app.request('GET', `/api/v1/channels/${ch.id}/deliveries`)).body.items;
    expect(log[0]).toMatchObject({ state: 'failed', attempts: 1, last_status: 'refused', last_response: refusal('127.0.0.1') });
    expect((await app.request('GET', `/api/v1/channels/${ch.id}`)).body).toMatchObject({ status: 'broken', broken_reason: expect.stringContaining('KEEPWATCH_OUTBOUND_ALLOW') });
    expect(hits.length).toBe(before);
  });

  it('refuses IMAP and Microsoft 365 mailboxes and an Azure connector at internal addresses, connecting nowhere', async () => {
    const before = connections;
    const guid = '00000000-0000-4000-8000-000000000001';
    const imap = await app.request('POST', '/api/v1/mailboxes', {
      body: { type: 'imap', name: 'Internal IMAP', config: { host: 'localhost', port, tls: false, user: 'u', password: 'p' } },
    });
    expect(imap.status, imap.text).toBe(201);
    const imapTest = await app.request('POST', `/api/v1/mailboxes/${imap.body.id}/test`);
    expect(imapTest.body.ok).toBe(false);
    expect(imapTest.text).toMatch(/outbound address (127\.0\.0\.1|::1) is not allowed; see KEEPWATCH_OUTBOUND_ALLOW/);
    const graph = await app.request('POST', '/api/v1/mailboxes', {
      body: {
        type: 'graph',
        name: 'Internal Graph',
        config: { tenant_id: guid, client_id: guid, client_secret: 's3cret', mailbox: 'it@example.com', login_url: `http://[::1]:${port}`, graph_url: `http://[::1]:${port}` },
      },
    });
    expect(graph.status, graph.text).toBe(201);
    const graphTest = await app.request('POST', `/api/v1/mailboxes/${graph.body.id}/test`);
    expect(graphTest.body.ok).toBe(false);
    expect(graphTest.text).toContain(refusal('::1'));
    const azure = await app.request('POST', '/api/v1/connectors', {
      body: {
        type: 'azure',
        name: 'Internal Azure',
        config: { tenant_id: guid, client_id: guid, client_secret: 's3cret', subscription_id: guid, login_url: 'http://169.254.169.254', management_url: `http://127.0.0.1:${port}` },
      },
    });
    expect(azure.status, azure.text).toBe(201);
    const azureTest = await app.request('POST', `/api/v1/connectors/${azure.body.id}/test`);
    expect(azureTest.body.ok).toBe(false);
    expect(azureTest.text).toContain(refusal('169.254.169.254'));
    expect(connections).toBe(before);
  });
});

describe('with KEEPWATCH_OUTBOUND_ALLOW=127.0.0.1:<port>', () => {
  let app: EngineApp;
  beforeAll(async () => {
    app = await startEngine('2026-11-02T06:00:00Z', { KEEPWATCH_OUTBOUND_ALLOW: `127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(['webhook', 'slack', 'teams'])('sends a %s channel test to the allowed address and port', async (type) => {
    const before = hits.length;
    const ch = await channel(app, type, `http://127.0.0.1:${port}/allowed-${type}`);
    const res = await app.request('POST', `/api/v1/channels/${ch.id}/test`);
    expect(res.body).toMatchObject({ ok: true, status: expect.stringMatching(/^HTTP 200/) });
    expect(hits.slice(before)).toEqual([`/allowed-${type}`]);
  });

  it('checks a name by the address it resolves to: localhost reaches 127.0.0.1, decimal loopback too', async () => {
    const before = hits.length;
    for (const url of [`http://localhost:${port}/by-name`, `http://2130706433:${port}/decimal`]) {
      const ch = await channel(app, 'webhook', url);
      expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body).toMatchObject({ ok: true });
    }
    expect(hits.slice(before)).toEqual(['/by-name', '/decimal']);
  });

  it.each([
    ['another port on the allowed address', 'http://127.0.0.1:5432/', '127.0.0.1'],
    ['another loopback address on the allowed port', 'http://[::1]:PORT/', '::1'],
    ['the metadata address', 'http://169.254.169.254/', '169.254.169.254'],
  ])('still refuses %s', async (_what, template, address) => {
    const before = hits.length;
    const ch = await channel(app, 'webhook', template.replace('PORT', String(port)));
    expect((await app.request('POST', `/api/v1/channels/${ch.id}/test`)).body).toMatchObject({ ok: false, status: 'refused', detail: refusal(address) });
    expect(hits.length).toBe(before);
  });
});
