// The generic recogniser's suggestion in the inbox, and learning rules from a user's correction:
// proposed and tried on the sender's stored mail without saving, then applied (check created or
// updated, the sender's mail re-run), including a product mail a template misread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { send } from '../helpers/mail.js';

const INBOX = 'backups@keepwatch.test';
const RESTIC = `repository 80698c1d opened (version 2, compression level auto)

Files:       10735 new,     0 changed,     0 unmodified
Dirs:         1044 new,     0 changed,     0 unmodified
Added to the repository: 329.337 MiB (121.345 MiB stored)

processed 10735 files, 339.815 MiB in 0:02
snapshot 0b897a00 saved
`;

let app: TestApp;

async function deliver(mail: { from: string; to: string; subject: string; text: string; messageId?: string }) {
  const sent = await send(app.kw.smtpPort, mail);
  if (sent.code !== 250) throw new Error(sent.response);
  await app.kw.email.worker.runUntilIdle();
}

/** A client (made by creating a check under it) and its own inbound address. */
async function client(name: string): Promise<{ id: string; email_address: string }> {
  await app.request('POST', '/api/v1/checks', { body: { name: 'Gateway config', client: name, device: { name: `${name} gateway` } } });
  const list = await app.request('GET', '/api/v1/clients?limit=200');
  return list.body.items.find((c: any) => c.name === name);
}

/** The stored mail of a sender whose text says something. */
async function emailWithText(from: string, text: string): Promise<any> {
  const list = (await app.request('GET', '/api/v1/emails?limit=200')).body.items.filter((e: any) => e.from === from);
  for (const e of list) if ((await app.request('GET', `/api/v1/emails/${e.id}`)).body.parsed.text.includes(text)) return e;
  throw new Error(`no stored mail from ${from} saying "${text}"`);
}

async function emailBySubject(subject: string): Promise<any> {
  const list = await app.request('GET', '/api/v1/emails?limit=200');
  const found = list.body.items.find((e: any) => e.subject === subject);
  if (!found) throw new Error(`no stored mail "${subject}"`);
  return found;
}

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_WORKERS: 'false' } });
  await deliver({ from: 'sync@nas.example', to: INBOX, subject: 'NAS01: nightly sync report', text: 'Copied 1200 of 1200 files\nTransferred: 12.3 GB\nDuration: 00:20:00' });
  await deliver({ from: 'sync@nas.example', to: INBOX, subject: 'NAS01: nightly sync report', text: 'Copied 0 of 1200 files\ndestination unreachable' });
  await deliver({ from: 'ops@web.example', to: INBOX, subject: 'Backup of WEB01 completed successfully', text: 'Total size 1,2 TB\ntook 5 minutes' });
}, 60_000);
afterAll(async () => app?.close());

describe('generic suggestions in the inbox', () => {
  it('shows what the generic recogniser reads on an unmatched message, in its detail, the list and the groups', async () => {
    const mail = await emailBySubject('Backup of WEB01 completed successfully');
    expect(mail.suggestion).toEqual({
      device: 'WEB01',
      check: 'Backup',
      status: 'succeeded',
      bytes: 1_200_000_000_000,
      duration_ms: 300_000,
      why: { word: 'completed successfully', field: 'subject' },
    });
    const detail = await app.request('GET', `/api/v1/emails/${mail.id}`);
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.suggestion).toEqual(mail.suggestion);
    const groups = (await app.request('GET', '/api/v1/emails/unmatched')).body.items;
    expect(groups.find((g: any) => g.from === 'ops@web.example').suggestion.device).toBe('WEB01');
    const draft = await app.request('GET', `/api/v1/emails/${mail.id}/check-draft`);
    expect(draft.body).toMatchObject({ name: 'Backup', device: { name: 'WEB01' } });
  });

  it('fills bytes and duration of a job from a mail to a check’s own address, the words deciding its status', async () => {
    const check = await app.request('POST', '/api/v1/checks', { body: { name: 'Offsite copy', device: { name: 'FS02' } } });
    await deliver({ from: 'fs02@corp.example', to: check.body.email_address, subject: 'Offsite copy finished with warnings', text: 'Transferred: 2.5 GB\nElapsed time 00:10:21' });
    const jobs = await app.request('GET', `/api/v1/devices/${check.body.device_id}/jobs`);
    expect(jobs.body.items).toHaveLength(1);
    expect(jobs.body.items[0]).toMatchObject({ status: 'warning', bytes: 2_500_000_000 });
    expect(jobs.body.items[0].duration_seconds).toBe(621);
  });
});

describe('learning from a correction', () => {
  it('proposes rules that give the message the corrected status and tries them on the sender’s mail, saving nothing', async () => {
    const bad = await emailWithText('sync@nas.example', 'destination unreachable');
    const res = await app.request('POST', `/api/v1/emails/${bad.id}/correction`, { body: { device: 'NAS01', check: 'Nightly sync', status: 'failed' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.rules.match).toEqual([
      { field: 'from', op: 'equals', value: 'sync@nas.example' },
      { field: 'subject', op: 'regex', value: expect.stringContaining('nightly\\s+sync\\s+report') },
    ]);
    expect(res.body.rules.status[0]).toMatchObject({ field: 'body', status: 'failed' });
    expect(res.body.trial).toHaveLength(2);
    expect(res.body.trial.find((t: any) => t.id === bad.id)).toMatchObject({ matched: true, status: 'failed' });
    expect(res.body.summary).toEqual({ matched: 2, by_status: { failed: 1, succeeded: 1 } });
    const checks = await app.request('GET', '/api/v1/checks?limit=200');
    expect(checks.body.items.map((c: any) => c.name)).not.toContain('Nightly sync');
  });

  it('applies: creates the check, re-runs the sender’s unmatched mail into it, audits, and catches the next one', async () => {
    const list = (await app.request('GET', '/api/v1/emails?limit=200')).body.items.filter((e: any) => e.from === 'sync@nas.example');
    const res = await app.request('POST', `/api/v1/emails/${list[0].id}/correction/apply`, { body: { device: 'NAS01', check: 'Nightly sync', status: 'failed' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ created: true, reprocessed: 2, check: { name: 'Nightly sync' } });
    const jobs = await app.request('GET', `/api/v1/devices/${res.body.check.device_id}/jobs`);
    expect(jobs.body.items.map((j: any) => j.status).sort()).toEqual(['failed', 'succeeded']);
    const audit = await app.kw.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', list[0].id).execute();
    expect(audit.map((a) => a.action)).toContain('email.correction');
    await deliver({ from: 'sync@nas.example', to: INBOX, subject: 'NAS01: nightly sync report', text: 'Copied 0 of 1300 files\ndestination unreachable' });
    const after = await app.request('GET', `/api/v1/devices/${res.body.check.device_id}/jobs`);
    expect(after.body.items.map((j: any) => j.status).sort()).toEqual(['failed', 'failed', 'succeeded']);
  });

  it('corrects a product mail a template misread at a client’s address: the check’s rule wins, the misread job is replaced', async () => {
    const to = (await client('Misread Co')).email_address;
    const subject = 'Cron <user@laptop> restic backup ~/Documents';
    await deliver({ from: 'root@laptop.example.com', to, subject, text: RESTIC, messageId: '<restic.good@laptop.example.com>' });
    await deliver({ from: 'root@laptop.example.com', to, subject, text: `${RESTIC}NOTE: pg_dump exited with status 1\n`, messageId: '<restic.bad@laptop.example.com>' });
    const mails = (await app.request('GET', '/api/v1/emails?limit=200')).body.items.filter((e: any) => e.from === 'root@laptop.example.com');
    const bad = mails.find((e: any) => e.message_id === 'restic.bad@laptop.example.com');
    expect(bad).toMatchObject({ state: 'processed', template: 'restic' });
    const device = (await app.request('GET', '/api/v1/devices?limit=200')).body.items.find((d: any) => d.name === 'laptop');
    expect((await app.request('GET', `/api/v1/devices/${device.id}/jobs`)).body.items.map((j: any) => j.status)).toEqual(['succeeded', 'succeeded']);

    const body = { client: 'Misread Co', device: 'laptop', check: 'restic', status: 'failed' };
    const proposal = await app.request('POST', `/api/v1/emails/${bad.id}/correction`, { body });
    expect(proposal.status, proposal.text).toBe(200);
    expect(proposal.body.rules.status[0]).toMatchObject({ field: 'body', op: 'contains', value: 'NOTE: pg_dump exited with status 1', status: 'failed' });
    expect(proposal.body.summary.by_status).toEqual({ failed: 1, succeeded: 1 });

    const applied = await app.request('POST', `/api/v1/emails/${bad.id}/correction/apply`, { body: { ...body, rules: proposal.body.rules } });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body).toMatchObject({ created: false, reprocessed: 1 });
    const jobs = (await app.request('GET', `/api/v1/devices/${device.id}/jobs`)).body.items;
    expect(jobs.map((j: any) => j.status).sort()).toEqual(['failed', 'succeeded']);
  });

  it('answers 400 naming the field for an unknown status or an empty device', async () => {
    const any = (await app.request('GET', '/api/v1/emails?limit=1')).body.items[0];
    const status = await app.request('POST', `/api/v1/emails/${any.id}/correction`, { body: { device: 'X', check: 'Y', status: 'great' } });
    expect(status.status).toBe(400);
    expect(JSON.stringify(status.body.errors)).toContain('status');
    const device = await app.request('POST', `/api/v1/emails/${any.id}/correction/apply`, { body: { device: '', check: 'Y', status: 'failed' } });
    expect(device.status).toBe(400);
    expect(JSON.stringify(device.body.errors)).toContain('device');
  });

  it('hides another client’s mail from a token limited to a client (404)', async () => {
    const other = await client('Other Co');
    const token = await app.token('admin', { clientIds: [other.id] });
    const misread = (await app.request('GET', '/api/v1/emails?limit=200')).body.items.find((e: any) => e.from === 'root@laptop.example.com');
    const body = { device: 'laptop', check: 'restic', status: 'succeeded' };
    expect((await app.request('POST', `/api/v1/emails/${misread.id}/correction`, { body, token })).status).toBe(404);
    expect((await app.request('POST', `/api/v1/emails/${misread.id}/correction/apply`, { body, token })).status).toBe(404);
  });
});
