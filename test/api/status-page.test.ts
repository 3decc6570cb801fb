// A client's public status page (issue #20): off by default, on by PATCH, a read-only HTML view of
// that client's devices only, with nothing an attacker could use (no other client, no logs, no
// messages, no addresses), under strict security headers and the MSP's branding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';

const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'));
const SECRET = 'hunter2-s3cr3t-token';
let app: TestApp;
let clientId: string;

const pathOf = (url: string) => new URL(url).pathname;
const anon = (path: string) => app.request('GET', path, { token: null });

async function report(client: string, device: string, extra: Record<string, unknown> = {}) {
  const res = await app.request('POST', '/api/v1/jobs', {
    body: jobReport({ client, device: { name: device, class: 'server', type: 'vm' }, ...extra }),
  });
  expect(res.status).toBe(202);
  return res.body.items[0] as { client_id: string; device_id: string };
}

beforeAll(async () => {
  // No background evaluator: runUntilIdle() alone evaluates, so a test never races it.
  app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false' } });
  clientId = (await report('Status Co', 'FS-<b>01</b>')).client_id;
  await report('Status Co', 'SQL-02', {
    status: 'failed',
    message: `connection to 192.168.77.15 refused (password=${SECRET})`,
    log: `agent at 10.20.30.40 said ${SECRET}`,
    started_at: '2026-11-19T01:00:00Z',
    ended_at: '2026-11-19T01:10:00Z',
  });
  await report('Status Co', 'RESTORE-03', { check: { name: 'Restore test', kind: 'verification' }, operation: 'restore' });
  await report('Other Corp', 'OTHER-SECRET-HOST');
  await app.kw.evaluator.runUntilIdle();
});
afterAll(async () => app.close());

describe('status page', () => {
  it('is off by default: no status_page_url', async () => {
    const c = (await app.request('GET', `/api/v1/clients/${clientId}`)).body;
    expect(c.status_page).toBe(false);
    expect(c.status_page_url).toBeNull();
  });

  it("when turned on, serves that client's devices as HTML without credentials", async () => {
    const on = await app.request('PATCH', `/api/v1/clients/${clientId}`, { body: { status_page: true } });
    expect(on.status).toBe(200);
    expect(on.body.status_page_url).toMatch(/\/status\/[0-9a-f]{32}$/);
    expect(on.body.name).toBe('Status Co');
    const res = await anon(pathOf(on.body.status_page_url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('SQL-02');
    expect(res.text).toContain('RESTORE-03');
    // Escaped, not markup.
    expect(res.text).toContain('FS-&lt;b&gt;01&lt;/b&gt;');
    expect(res.text).not.toContain('<b>01</b>');
    expect(res.text).toContain('Critical');
    expect(res.text).toContain('<dt>Last good backup</dt><dd>2026-11-20 01:12 UTC</dd>');
    expect(res.text).toContain('<dt>Last verified restore</dt><dd>2026-11-20 01:12 UTC</dd>'); // RESTORE-03's test
    // 30 cells per device, the failed day red.
    expect(res.text.match(/<span class="(healthy|warning|critical|unknown|none)" title=/g)).toHaveLength(90);
    expect(res.text).toContain('title="2026-11-19: failed"');
  });

  it('shows nothing of another client, and no message, log, address or secret', async () => {
    const c = (await app.request('GET', `/api/v1/clients/${clientId}`)).body;
    const res = await anon(pathOf(c.status_page_url));
    for (const leak of ['OTHER-SECRET-HOST', 'Other Corp', '192.168.77.15', '10.20.30.40', SECRET, 'refused', 'veeam-prod', 'Nightly backup']) {
      expect(res.text).not.toContain(leak);
    }
    expect(res.text).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
  });

  it('sends strict security headers and no script', async () => {
    const c = (await app.request('GET', `/api/v1/clients/${clientId}`)).body;
    const res = await anon(pathOf(c.status_page_url));
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.text).not.toContain('<script');
  });

  it("shows the MSP's name and logo from the branding setting, and refuses an http logo", async () => {
    const bad = await app.request('PUT', '/api/v1/settings/branding', { body: { name: 'Acme IT', logo_url: 'http://example.com/logo.png' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('logo_url');
    const tooBig = await app.request('PUT', '/api/v1/settings/branding', { body: { name: 'Acme IT', logo_url: `data:image/png;base64,${'A'.repeat(99_990)}` } });
    expect(tooBig.status).toBe(400);
    const logo = 'https://cdn.example.com/acme.png?a=1&b="2"';
    const ok = await app.request('PUT', '/api/v1/settings/branding', { body: { name: 'Acme IT <MSP>', logo_url: logo } });
    expect(ok.status).toBe(200);
    expect((await app.request('GET', '/api/v1/settings/branding')).body).toEqual({ name: 'Acme IT <MSP>', logo_url: logo });
    const c = (await app.request('GET', `/api/v1/clients/${clientId}`)).body;
    const res = await anon(pathOf(c.status_page_url));
    expect(res.text).toContain('Acme IT &lt;MSP&gt;');
    expect(res.text).toContain('src="https://cdn.example.com/acme.png?a=1&amp;b=&quot;2&quot;"');
    const limited = await app.token('admin', { clientIds: [clientId] });
    expect((await app.request('PUT', '/api/v1/settings/branding', { token: limited, body: { name: 'x', logo_url: null } })).status).toBe(403);
  });

  it('regenerates the key: the old link is 404, the new one works', async () => {
    const before = (await app.request('GET', `/api/v1/clients/${clientId}`)).body.status_page_url;
    const res = await app.request('POST', `/api/v1/clients/${clientId}/status-page-key`);
    expect(res.status).toBe(200);
    expect(res.body.status_page_url).not.toBe(before);
    expect((await anon(pathOf(before))).status).toBe(404);
    expect((await anon(pathOf(res.body.status_page_url))).status).toBe(200);
  });

  it('turned off, the link is 404 and status_page_url disappears; on again, the same link returns', async () => {
    const url = (await app.request('GET', `/api/v1/clients/${clientId}`)).body.status_page_url;
    const off = await app.request('PATCH', `/api/v1/clients/${clientId}`, { body: { status_page: false } });
    expect(off.body.status_page_url).toBeNull();
    expect((await anon(pathOf(url))).status).toBe(404);
    const on = await app.request('PATCH', `/api/v1/clients/${clientId}`, { body: { status_page: true } });
    expect(on.body.status_page_url).toBe(url);
  });

  it('answers 404 for a guessed key, 400 for a malformed one, and refuses a bad PATCH naming the field', async () => {
    expect((await anon('/status/0123456789abcdef0123456789abcdef')).status).toBe(404);
    expect((await anon('/status/not%20a%20key')).status).toBe(400);
    const bad = await app.request('PATCH', `/api/v1/clients/${clientId}`, { body: { status_page: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('status_page');
    expect((await app.request('PATCH', `/api/v1/clients/${clientId}`, { body: {} })).status).toBe(400);
  });
});
