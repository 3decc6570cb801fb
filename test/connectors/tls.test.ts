// Certificate trust of on-premises consoles (issue #19): an https server with a self-signed
// certificate, made with openssl at test time, reached through the connectors' HTTP layer. Pinned
// (any colon or case form): accepted; a wrong pin: refused before anything is sent; no pin: refused
// with the certificate's fingerprint to pin; `insecure_tls`: accepted; the outbound allow list
// still decides which addresses may be reached at all.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tlsPolicyOf } from '../../src/connectors/common/config.js';
import { ConnectorHttpError, type HttpDeps, jsonBody, request, Throttle } from '../../src/connectors/http.js';
import { outboundFetch, setOutboundAllow } from '../../src/lib/outbound/index.js';
import { parseOutboundAllow } from '../../src/lib/outbound/policy.js';

let dir: string;
let server: Server;
let url: string;
/** The certificate's SHA-256 fingerprint as openssl and browsers show it (AB:CD:...). */
let fingerprint: string;
const seen: Array<{ url: string; authorization: string | undefined }> = [];
/** TCP connections the server accepted. */
let handshakes = 0;

function allow(raw: string): void {
  const parsed = parseOutboundAllow(raw);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  setOutboundAllow(parsed.entries);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-subj', '/CN=pbs.example.test', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  fingerprint = new X509Certificate(cert).fingerprint256;
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":{"version":"3.2"}}');
  });
  server.on('connection', () => handshakes++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api2/json/version`;
});
afterAll(async () => {
  allow('127.0.0.1');
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  allow('127.0.0.1');
  seen.length = 0;
  handshakes = 0;
});

const deps = (config: Record<string, unknown>): HttpDeps => ({ now: () => Date.now(), sleep: async () => {}, tls: tlsPolicyOf(config) });
const get = (config: Record<string, unknown>) => request(url, { headers: { authorization: 'PBSAPIToken=root@pam!kw:s3cret' } }, deps(config), new Throttle(60_000));
const refusal = async (config: Record<string, unknown>): Promise<ConnectorHttpError> => {
  const err = await get(config).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorHttpError);
  return err as ConnectorHttpError;
};

describe('certificate trust', () => {
  it('accepts a self-signed certificate whose fingerprint is pinned, with or without colons, in any case', async () => {
    for (const pin of [fingerprint, fingerprint.replace(/:/g, '').toLowerCase()]) {
      const res = await get({ fingerprint: pin });
      expect(res.status).toBe(200);
      expect(await jsonBody(res)).toEqual({ data: { version: '3.2' } });
    }
    expect(seen.map((s) => s.authorization)).toEqual(['PBSAPIToken=root@pam!kw:s3cret', 'PBSAPIToken=root@pam!kw:s3cret']);
  });

  it('refuses a certificate that is not the pinned one, before sending anything, and does not retry', async () => {
    const wrong = `${'AB:'.repeat(31)}CD`;
    const err = await refusal({ fingerprint: wrong });
    expect(err.message).toBe(`certificate fingerprint ${fingerprint} does not match the pinned ${wrong}`);
    expect(seen).toEqual([]);
    expect(handshakes).toBe(1);
  });

  it('refuses an unpinned self-signed certificate, naming `fingerprint` and the value to pin', async () => {
    const err = await refusal({});
    expect(err.message).toContain('is not trusted');
    expect(err.message).toContain(`set fingerprint to ${fingerprint}`);
    expect(seen).toEqual([]);
    // outboundFetch on its own (channels, PSA) keeps Node's default trust too.
    await expect(outboundFetch(url)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('accepts any certificate with insecure_tls', async () => {
    const res = await get({ insecure_tls: true });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('still refuses an address KEEPWATCH_OUTBOUND_ALLOW does not allow, pinned or insecure', async () => {
    allow('');
    for (const config of [{ fingerprint }, { insecure_tls: true }, {}]) {
      const err = await refusal(config);
      expect(err.message).toBe('outbound address 127.0.0.1 is not allowed; see KEEPWATCH_OUTBOUND_ALLOW');
    }
    expect(seen).toEqual([]);
  });
});
