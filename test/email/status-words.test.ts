// Mail to a check's own address, for a check without status rules: the built-in status words of
// the subject (then the body) decide, and a Date ahead of the server's clock is not believed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startApp, type TestApp } from '../helpers/app.js';
import { send } from '../helpers/mail.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app.close());

/** A check on a device of its own, with these e-mail rules (none: no rules at all). */
async function newCheck(name: string, email?: Record<string, unknown>): Promise<any> {
  const body = { name, client: 'Words Ltd', device: { name: `${name}-host` }, email };
  const res = await app.request('POST', '/api/v1/checks', { body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function onlyJob(check: any): Promise<any> {
  return eventually(async () => {
    const res = await app.request('GET', `/api/v1/devices/${check.device_id}/jobs`);
    const jobs = res.body.items.filter((j: any) => j.check_id === check.id);
    expect(jobs).toHaveLength(1);
    return jobs[0];
  }, 10_000);
}

async function mailTo(check: any, subject: string, text: string, date?: Date): Promise<any> {
  const r = await send(app.kw.smtpPort, { from: 'nas@words.example', to: check.email_address, subject, text, date });
  expect(r.code).toBe(250);
  return onlyJob(check);
}

async function storedMail(subject: string): Promise<any> {
  const list = await app.request('GET', '/api/v1/emails?limit=100');
  const summary = list.body.items.find((e: any) => e.subject === subject);
  expect(summary).toBeDefined();
  return (await app.request('GET', `/api/v1/emails/${summary.id}`)).body;
}

describe('status mail to a check without status rules', () => {
  it('records a failure when the subject says [Failed], and says why in the job and the inbox', async () => {
    const check = await newCheck('Words failed');
    const job = await mailTo(check, '[Failed] Nightly backup', 'The job ended.');
    expect(job).toMatchObject({ status: 'failed', raw_status: "status from built-in words: 'Failed' in subject", message: '[Failed] Nightly backup' });
    const mail = await storedMail('[Failed] Nightly backup');
    expect(mail.routing.checks).toEqual([{ check_id: check.id, status: 'failed', reason: "status from built-in words: 'Failed' in subject" }]);
  });

  it('records a warning when the subject says [Warning]', async () => {
    const check = await newCheck('Words warning');
    const job = await mailTo(check, '[Warning] Nightly backup', 'One file was skipped.');
    expect(job.status).toBe('warning');
  });

  it('records a success when the subject says it completed successfully', async () => {
    const check = await newCheck('Words success');
    const job = await mailTo(check, 'Backup completed successfully', 'Errors: 0');
    expect(job).toMatchObject({ status: 'succeeded', raw_status: "status from built-in words: 'completed successfully' in subject" });
  });

  it('reads the body when the subject has no status word', async () => {
    const check = await newCheck('Words body');
    const job = await mailTo(check, 'Nightly backup report', 'Result: error\nThe target share was not reachable.');
    expect(job).toMatchObject({ status: 'failed', raw_status: "status from built-in words: 'error' in body" });
  });

  it('still counts a mail without any status word as a success: its arrival is the signal', async () => {
    const check = await newCheck('Words none');
    const job = await mailTo(check, 'Nightly backup report', 'Copied 12 GB.');
    expect(job).toMatchObject({ status: 'succeeded', raw_status: 'received' });
  });
});

describe('status mail to a check with status rules', () => {
  it('lets built-in failure words catch what the rules miss when the default is success, never the other way', async () => {
    const lenient = await newCheck('Rules lenient', {
      status: [{ field: 'body', name: 'Status', op: 'equals', value: 'Failed', status: 'failed' }],
      default_status: 'succeeded',
    });
    expect((await mailTo(lenient, '[Failed] Offsite copy', 'Status: see log')).status).toBe('failed');

    const strict = await newCheck('Rules strict', {
      status: [{ field: 'body', name: 'Status', op: 'equals', value: 'Done', status: 'succeeded' }],
      default_status: 'failed',
    });
    expect(await mailTo(strict, 'Backup completed successfully', 'Status: unknown')).toMatchObject({ status: 'failed', raw_status: 'default: failed' });
  });
});

describe('a mail dated in the future', () => {
  it('is stored at the time it was received, flagged clock_skew', async () => {
    const check = await newCheck('Skewed clock');
    const before = Date.now();
    const job = await mailTo(check, 'Backup from the fast clock completed successfully', 'done', new Date(Date.now() + 3 * 86_400_000));
    const detail = await app.request('GET', `/api/v1/jobs/${job.id}`);
    expect(detail.body).toMatchObject({ status: 'succeeded', clock_skew: true });
    const mail = await storedMail('Backup from the fast clock completed successfully');
    expect(detail.body.ended_at).toBe(mail.received_at);
    expect(Date.parse(detail.body.ended_at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('keeps a Date a few minutes behind the received time as it is, not flagged', async () => {
    const check = await newCheck('Good clock');
    const date = new Date(Math.floor((Date.now() - 3 * 60_000) / 1000) * 1000);
    const job = await mailTo(check, 'Nightly ok', 'done', date);
    expect(job).toMatchObject({ ended_at: date.toISOString(), clock_skew: false });
  });
});
