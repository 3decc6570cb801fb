// Mail in over a real SMTP socket (nodemailer → the listener inside a real Keepwatch), jobs out.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startApp, type TestApp } from '../helpers/app.js';
import { send } from '../helpers/mail.js';

let app: TestApp;
let port: number;

beforeAll(async () => {
  app = await startApp({ env: { KEEPWATCH_SMTP_MAX_BYTES: '200000' } });
  port = app.kw.smtpPort;
});
afterAll(async () => app.close());

async function newCheck(name: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await app.request('POST', '/api/v1/checks', { body: { name, client: 'Acme Widgets', device: { name: `${name}-host` }, ...extra } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function jobsOf(check: any): Promise<any[]> {
  const res = await app.request('GET', `/api/v1/devices/${check.device_id}/jobs?limit=500`);
  expect(res.status, res.text).toBe(200);
  return res.body.items.filter((j: any) => j.check_id === check.id);
}

async function waitForJobs(check: any, n: number): Promise<any[]> {
  return eventually(async () => {
    const jobs = await jobsOf(check);
    expect(jobs.length).toBe(n);
    return jobs;
  }, 10_000);
}

describe('SMTP listener', () => {
  it('records a success for the check a message is addressed to', async () => {
    const check = await newCheck('Plain mail');
    expect(check.email_address).toMatch(/@keepwatch\.test$/);
    const r = await send(port, { from: 'nas@acme.example', to: check.email_address, subject: 'Backup done', text: 'all good' });
    expect(r.code).toBe(250);
    const [job] = await waitForJobs(check, 1);
    expect(job.status).toBe('succeeded');
    expect(job.source).toBe('email');
  });

  it('decides the status by the check’s status rules, failure first', async () => {
    const check = await newCheck('Ruled mail', {
      email: {
        status: [
          { field: 'subject', op: 'contains', value: 'success', status: 'succeeded' },
          { field: 'body', name: 'Status', op: 'equals', value: 'Failed', status: 'failed' },
          { field: 'subject', op: 'regex', value: '\\bwarn(ing)?\\b', status: 'warning' },
        ],
        default_status: 'ignore',
      },
    });
    await send(port, { from: 'a@x.example', to: check.email_address, subject: 'Job success', text: 'Status: Failed\nSize: 1 GB' });
    await send(port, { from: 'a@x.example', to: check.email_address, subject: 'Job ended with WARNING', text: 'Status: ok' });
    await send(port, { from: 'a@x.example', to: check.email_address, subject: 'Job success', text: 'Status: Completed' });
    await send(port, { from: 'a@x.example', to: check.email_address, subject: 'Something else', text: 'nothing to see' });
    const jobs = await waitForJobs(check, 3);
    expect(jobs.map((j) => j.status).sort()).toEqual(['failed', 'succeeded', 'warning']);
    const ignored = await eventually(async () => {
      const res = await app.request('GET', '/api/v1/emails?state=ignored');
      expect(res.body.items.length).toBeGreaterThan(0);
      return res.body.items;
    });
    expect(ignored[0].subject).toBe('Something else');
  });

  it('attaches mail sent to the inbox address to the check whose matching rules it meets', async () => {
    const check = await newCheck('Matched by rules', {
      email: {
        match: [
          { field: 'from', op: 'equals', value: 'veeam@hq.example' },
          { field: 'subject', op: 'regex', value: '^\\[(Success|Failed|Warning)\\] Nightly SQL' },
        ],
        status: [{ field: 'subject', op: 'contains', value: '[failed]', status: 'failed' }],
        default_status: 'failed',
      },
    });
    expect((await send(port, { from: 'veeam@hq.example', to: 'backups@keepwatch.test', subject: '[Failed] Nightly SQL (2 VMs)', text: 'x' })).code).toBe(250);
    await send(port, { from: 'veeam@hq.example', to: 'backups@keepwatch.test', subject: '[Success] Nightly SQL (2 VMs)', text: 'x' });
    await send(port, { from: 'other@hq.example', to: 'backups@keepwatch.test', subject: '[Success] Nightly SQL (2 VMs)', text: 'x' });
    const jobs = await waitForJobs(check, 2);
    expect(jobs.map((j) => j.status).sort()).toEqual(['failed', 'failed']); // no success rule: default applies
  });

  it('refuses unknown recipients with 550 and oversized messages with 552', async () => {
    const r = await send(port, { from: 'a@x.example', to: 'nobody-here@keepwatch.test', subject: 's', text: 't' });
    expect(r.ok).toBe(false);
    expect(r.code).toBe(550);
    const check = await newCheck('Big mail');
    const big = await send(port, { from: 'a@x.example', to: check.email_address, subject: 'huge', text: 'x'.repeat(300_000) });
    expect(big.ok).toBe(false);
    expect(big.code).toBe(552);
    expect(await jobsOf(check)).toEqual([]);
    // Operators see both refusals (and the messages accepted so far) in /metrics.
    const metrics = (await app.request('GET', '/metrics')).text;
    expect(Number(/^keepwatch_smtp_messages_total\{outcome="refused"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(/^keepwatch_smtp_messages_total\{outcome="accepted"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('answers a pipelined MAIL, RCPT and DATA in order, and the message lands', async () => {
    const check = await newCheck('Pipelined');
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const chunks: string[] = [];
    let waiting: { until: RegExp; resolve: () => void } | null = null;
    socket.on('data', (b: Buffer) => {
      chunks.push(b.toString());
      if (waiting?.until.test(chunks.join(''))) waiting.resolve();
    });
    const until = (re: RegExp) =>
      new Promise<void>((resolve) => {
        if (re.test(chunks.join(''))) resolve();
        else waiting = { until: re, resolve };
      });
    await until(/^220 /m);
    socket.write('EHLO client.example\r\n');
    await until(/^250 /m);
    expect(chunks.join('')).toMatch(/PIPELINING/);
    chunks.length = 0;
    socket.write(`MAIL FROM:<nas@acme.example>\r\nRCPT TO:<${check.email_address}>\r\nDATA\r\n`);
    await until(/^354 /m);
    // The three replies, in order, to the one write of three commands.
    expect(chunks.join('')).toMatch(/^250 [^\n]*\r\n250 [^\n]*\r\n354 /);
    socket.write('Subject: Backup done\r\n\r\nall good\r\n.\r\nQUIT\r\n');
    await until(/^221 /m);
    socket.destroy();
    expect((await waitForJobs(check, 1))[0].status).toBe('succeeded');
  });

  it('counts a message delivered twice (same Message-ID) once', async () => {
    const check = await newCheck('Redelivered');
    const mail = { from: 'a@x.example', to: check.email_address, subject: 'Backup failed', text: 'disk full', messageId: '<run-42@x.example>' };
    await send(port, mail);
    await send(port, mail);
    await eventually(async () => {
      const res = await app.request('GET', `/api/v1/emails?limit=500`);
      const mine = res.body.items.filter((e: any) => e.message_id === 'run-42@x.example');
      expect(mine.length).toBe(2);
      expect(mine.every((e: any) => e.state === 'processed')).toBe(true);
    }, 10_000);
    expect((await jobsOf(check)).length).toBe(1);
  });

  it('decodes quoted-printable, base64, 8-bit and non-UTF-8 bodies before applying rules', async () => {
    const check = await newCheck('Encodings', {
      email: { status: [{ field: 'body', op: 'contains', value: 'größe überschritten', status: 'failed' }], default_status: 'failed' },
    });
    const to = check.email_address;
    const body = 'Sicherung: Größe überschritten';
    await send(port, { from: 'a@x.example', to, subject: 'qp', text: body, textEncoding: 'quoted-printable' } as any);
    await send(port, { from: 'a@x.example', to, subject: 'b64', text: body, textEncoding: 'base64' } as any);
    const latin1 = Buffer.concat([
      Buffer.from(`From: a@x.example\r\nTo: ${to}\r\nSubject: latin1\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
      Buffer.from(`${body}\r\n`, 'latin1'),
    ]);
    await send(port, { envelope: { from: 'a@x.example', to: [to] }, raw: latin1 });
    const jobs = await waitForJobs(check, 3);
    expect(jobs.map((j) => j.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('keeps a malformed message and still processes it', async () => {
    const check = await newCheck('Malformed');
    const raw = Buffer.from(
      `From: broken\r\nTo: ${check.email_address}\r\nSubject: =?utf-8?B?not base64!?=\r\nContent-Type: multipart/mixed; boundary="nope"\r\n\r\n--wrong\r\nno headers here\r\n`,
    );
    expect((await send(port, { envelope: { from: 'a@x.example', to: [check.email_address] }, raw })).code).toBe(250);
    const [job] = await waitForJobs(check, 1);
    expect(job.status).toBe('succeeded');
  });

  it('refuses a check with a regex RE2 cannot run, naming the rule', async () => {
    const res = await app.request('POST', '/api/v1/checks', {
      body: { name: 'Bad regex', device: { name: 'h' }, email: { match: [{ field: 'subject', op: 'contains', value: 'a' }, { field: 'subject', op: 'regex', value: '(a+)\\1' }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('email.match[1].value');
  });
});

describe('product templates', () => {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/email/${name}`, import.meta.url));

  it('splits a recognised mail sent to a client address into one job per object, creating its devices', async () => {
    const client = (await app.request('POST', '/api/v1/checks', { body: { name: 'seed', client: 'Templated Ltd', device: { name: 'seed' } } })).body.client_id;
    const address = (await app.request('GET', `/api/v1/clients/${client}`)).body.email_address;
    expect(address).toMatch(/^backups\+.+@keepwatch\.test$/);
    const r = await send(port, { envelope: { from: 'veeam@corp.example', to: [address] }, raw: fixture('veeam/backup-warning.eml') });
    expect(r.code).toBe(250);
    const devices = await eventually(async () => {
      const res = await app.request('GET', `/api/v1/devices?client=${client}&limit=100`);
      const made = res.body.items.filter((d: any) => d.name !== 'seed');
      expect(made.length).toBe(3);
      return made;
    }, 10_000);
    const statuses: string[] = [];
    for (const d of devices) {
      const jobs = (await app.request('GET', `/api/v1/devices/${d.id}/jobs`)).body.items;
      expect(jobs).toHaveLength(1);
      expect(jobs[0].source).toBe('email');
      statuses.push(jobs[0].status);
    }
    expect(statuses.sort()).toEqual(['succeeded', 'succeeded', 'warning']);
  });

  it('gives a check the worst status of a recognised mail sent to its address', async () => {
    const check = await newCheck('Proxmox nightly');
    await send(port, { envelope: { from: 'root@pve1.example.com', to: [check.email_address] }, raw: fixture('proxmox-vzdump/failed.eml') });
    const [job] = await waitForJobs(check, 1);
    expect(job.status).toBe('failed');
    expect(job.raw_status).toMatch(/^proxmox/);
  });

  it('leaves a recognised mail to the inbox unmatched, showing what it recognised', async () => {
    await send(port, { envelope: { from: 'x@y.example', to: ['backups@keepwatch.test'] }, raw: fixture('restic/failed.eml') });
    const email = await eventually(async () => {
      const res = await app.request('GET', '/api/v1/emails?state=unmatched&limit=500');
      const found = res.body.items.find((e: any) => e.template !== null);
      expect(found).toBeDefined();
      return found;
    }, 10_000);
    const detail = await app.request('GET', `/api/v1/emails/${email.id}`);
    expect(detail.body.recognised.jobs[0].status).toBe('failed');
    const draft = await app.request('GET', `/api/v1/emails/${email.id}/check-draft`);
    expect(draft.body.name).toBe(detail.body.recognised.jobs[0].check);
  });
});
