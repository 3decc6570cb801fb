import { describe, expect, it } from 'vitest';
import { haloAction, haloBase, haloDriver, haloTicket } from './driver.js';
import { classifyToken, tokenUrl } from './token.js';

const auth = { base: 'https://acme.halopsa.com', clientId: 'id', clientSecret: 's' };

describe('HaloPSA requests', () => {
  it('asks hosted Halo for a token naming the tenant, and on-premises Halo without one', () => {
    expect(tokenUrl({ ...auth, tenant: 'acme msp' })).toBe('https://acme.halopsa.com/auth/token?tenant=acme+msp');
    expect(tokenUrl(auth)).toBe('https://acme.halopsa.com/auth/token');
  });

  it('takes the instance URL with or without a trailing /api', () => {
    expect(haloBase('https://acme.halopsa.com/')).toBe('https://acme.halopsa.com');
    expect(haloBase('https://halo.example.com/psa/api/')).toBe('https://halo.example.com/psa');
  });

  it('makes a ticket of Halo fields, leaving out the ids the channel does not set', () => {
    const t = { companyId: 12, summary: 'Backup Failure: CT-DC01 [kw:a1]', description: 'details', priorityId: 1, boardId: null, queueId: null, typeId: null, statusId: 1 };
    expect(haloTicket(t)).toEqual({ summary: t.summary, details: 'details', client_id: 12, priority_id: 1, status_id: 1 });
    expect(haloTicket({ ...t, priorityId: null, typeId: 21, statusId: null })).toEqual({ summary: t.summary, details: 'details', client_id: 12, tickettype_id: 21 });
  });

  it('notes events as private actions the end user does not see', () => {
    expect(haloAction(4201, 'Escalated')).toEqual({ ticket_id: 4201, outcome: 'Private Note', note: 'Escalated', hiddenfromuser: true });
  });
});

describe('HaloPSA token errors', () => {
  it('reads a refused client (400 invalid_client, 401, 403) as wrong credentials that break the channel', () => {
    for (const status of [400, 401, 403]) {
      const r = classifyToken({ status, body: '{"error":"invalid_client"}', retryAfterMs: null });
      expect(r).toMatchObject({ retry: false, breaksChannel: true, status: `HTTP ${status}` });
      expect(r.error).toContain('credentials');
    }
  });

  it('retries a 429 after its Retry-After, and 5xx', () => {
    expect(classifyToken({ status: 429, body: '', retryAfterMs: 30_000 })).toMatchObject({ retry: true, breaksChannel: false, retryAfterMs: 30_000 });
    expect(classifyToken({ status: 503, body: '', retryAfterMs: null })).toMatchObject({ retry: true, breaksChannel: false });
  });
});

describe('HaloPSA config', () => {
  it('fills the closed status and refuses a URL that is not http(s)', () => {
    const ok = haloDriver.parseConfig({ url: 'https://acme.halopsa.com', client_id: 'id', client_secret: 's', tenant: 'acme' });
    expect('config' in ok && ok.config.complete_status_id).toBe(9);
    const bad = haloDriver.parseConfig({ url: 'ftp://acme.halopsa.com', client_id: 'id', client_secret: 's' });
    expect('problems' in bad && bad.problems).toContainEqual({ field: 'config.url', message: 'must be an http(s) URL' });
    expect(haloDriver.secretFields).toContain('client_secret');
  });
});
