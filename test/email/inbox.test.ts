// The unmatched inbox: grouping, a check drafted from a message, rules tried on stored mail,
// re-running stored mail, retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { eventually, startApp, type TestApp } from '../helpers/app.js';
import { DAY } from '../helpers/engine.js';
import { send } from '../helpers/mail.js';

describe('unmatched inbox', () => {
  let app: TestApp;
  const clock = new ManualClock(Date.parse('2026-11-20T06:00:00Z'));

  beforeAll(async () => {
    app = await startApp({ clock, env: { KEEPWATCH_WORKERS: 'false' } });
    const port = app.kw.smtpPort;
    const inbox = 'backups@keepwatch.test';
    await send(port, { from: 'nas@branch.example', to: inbox, subject: 'Backup of share PROJECTS 2026-11-19 failed', text: 'Volume full' });
    await send(port, { from: 'nas@branch.example', to: inbox, subject: 'Backup of share PROJECTS 2026-11-20 succeeded', text: 'All good' });
    await send(port, { from: 'printer@branch.example', to: inbox, subject: 'Toner low', text: 'Replace toner' });
    await app.kw.email.worker.runUntilIdle();
  });
  afterAll(async () => app.close());

  it('lists messages no check took, grouped by sender and generalised subject', async () => {
    const res = await app.request('GET', '/api/v1/emails/unmatched');
    expect(res.status, res.text).toBe(200);
    const groups = res.body.items;
    expect(groups).toHaveLength(2);
    const nas = groups.find((g: any) => g.from === 'nas@branch.example');
    expect(nas.count).toBe(2);
    expect(nas.subject_pattern).toBe('Backup of share PROJECTS {date} {status}');
  });

  it('shows one message parsed, with where it would go', async () => {
    const list = await app.request('GET', '/api/v1/emails?state=unmatched&limit=1');
    const res = await app.request('GET', `/api/v1/emails/${list.body.items[0].id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.parsed.text).toContain('Replace toner');
    expect(res.body.routing.state).toBe('unmatched');
    const raw = await app.request('GET', `/api/v1/emails/${list.body.items[0].id}/raw`);
    expect(raw.headers.get('content-type')).toContain('message/rfc822');
    expect(raw.text).toContain('Subject: Toner low');
  });

  it('drafts a check from a message, tries its rules on stored mail, then creates it and re-runs the group', async () => {
    const groups = (await app.request('GET', '/api/v1/emails/unmatched')).body.items;
    const nas = groups.find((g: any) => g.from === 'nas@branch.example');
    const draft = await app.request('GET', `/api/v1/emails/${nas.last_id}/check-draft`);
    expect(draft.status, draft.text).toBe(200);
    expect(draft.body.email.match[0]).toEqual({ field: 'from', op: 'equals', value: 'nas@branch.example' });

    const trial = await app.request('POST', '/api/v1/emails/test-rules', { body: { email: draft.body.email, limit: 50 } });
    expect(trial.status, trial.text).toBe(200);
    expect(trial.body.matched).toBe(2);
    const statuses = trial.body.items.filter((t: any) => t.matched).map((t: any) => t.status).sort();
    expect(statuses).toEqual(['failed', 'succeeded']);

    const created = await app.request('POST', `/api/v1/emails/${nas.last_id}/check`, { body: { name: 'Projects share backup', device: { name: 'NAS01' } } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.reprocessed).toBe(2);
    const jobs = await app.request('GET', `/api/v1/devices/${created.body.check.device_id}/jobs`);
    expect(jobs.body.items.map((j: any) => j.status).sort()).toEqual(['failed', 'succeeded']);
    const after = (await app.request('GET', '/api/v1/emails/unmatched')).body.items;
    expect(after.map((g: any) => g.from)).toEqual(['printer@branch.example']);
  });

  it('hides unmatched mail from a token limited to a client', async () => {
    const client = (await app.request('GET', '/api/v1/clients')).body.items[0];
    const limited = await app.token('read', { clientIds: [client.id] });
    const res = await app.request('GET', '/api/v1/emails/unmatched', { token: limited });
    expect(res.body.items).toEqual([]);
    const any = (await app.request('GET', '/api/v1/emails?state=unmatched')).body.items[0];
    expect((await app.request('GET', `/api/v1/emails/${any.id}`, { token: limited })).status).toBe(404);
  });

  it('re-runs stored mail on request, and deletes raw mail past retention', async () => {
    const queued = await app.request('POST', '/api/v1/emails/reprocess', { body: { state: 'unmatched' } });
    expect(queued.status, queued.text).toBe(202);
    expect(queued.body.queued).toBe(1);
    expect(await app.kw.email.worker.runUntilIdle()).toBe(1);
    clock.advance(31 * DAY);
    expect(await app.kw.email.worker.purge()).toBe(3);
    expect((await app.request('GET', '/api/v1/emails')).body.items).toEqual([]);
    expect((await app.request('GET', '/metrics')).text).toContain('keepwatch_retention_deleted_rows_total{table="emails"} 3\n');
  });
});

describe('e-mail rules on a check', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => app.close());

  it('are answered with the check, kept on PATCH, and apply to the next message at once', async () => {
    const created = await app.request('POST', '/api/v1/checks', { body: { name: 'Later rules', device: { name: 'srv' } } });
    expect(created.body.email).toBeNull();
    const patched = await app.request('PATCH', `/api/v1/checks/${created.body.id}`, {
      body: { email: { match: [{ field: 'subject', op: 'contains', value: 'Nightly SRV' }] } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.email).toEqual({ match: [{ field: 'subject', op: 'contains', value: 'Nightly SRV' }], status: [], default_status: 'failed' });
    await send(app.kw.smtpPort, { from: 'x@y.example', to: 'backups@keepwatch.test', subject: 'nightly srv done', text: '' });
    await eventually(async () => {
      const jobs = await app.request('GET', `/api/v1/devices/${created.body.device_id}/jobs`);
      expect(jobs.body.items.map((j: any) => j.status)).toEqual(['succeeded']);
    }, 10_000);
  });
});
