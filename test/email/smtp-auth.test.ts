// The listener's access settings: required AUTH, STARTTLS, accepted domains, a catch-all inbox.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { send } from '../helpers/mail.js';

let app: TestApp;
let certDir: string;

beforeAll(async () => {
  // A self-signed certificate made for this test run.
  certDir = mkdtempSync(join(tmpdir(), 'kw-smtp-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  app = await startApp({
    env: {
      KEEPWATCH_SMTP_USER: 'relay',
      KEEPWATCH_SMTP_PASSWORD: 'relay-secret',
      KEEPWATCH_SMTP_TLS_KEY: join(certDir, 'key.pem'),
      KEEPWATCH_SMTP_TLS_CERT: join(certDir, 'cert.pem'),
      KEEPWATCH_MAIL_DOMAINS: 'kw.example, backup.kw.example',
      KEEPWATCH_MAIL_INBOXES: '*',
    },
  });
});
afterAll(async () => {
  await app.close();
  rmSync(certDir, { recursive: true, force: true });
});

const mail = (to: string) => ({ from: 'a@x.example', to, subject: 'hello', text: 'x' });

/** Sends over STARTTLS (the test's self-signed certificate), with AUTH. */
async function sendTls(to: string, pass = 'relay-secret'): Promise<number> {
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port: app.kw.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'relay', pass },
  });
  try {
    return Number((await client.sendMail(mail(to))).response.slice(0, 3));
  } catch (err) {
    return (err as { responseCode?: number }).responseCode ?? 0;
  } finally {
    client.close();
  }
}

describe('SMTP access settings', () => {
  it('requires AUTH when credentials are configured, only over STARTTLS, and refuses wrong ones', async () => {
    expect((await send(app.kw.smtpPort, mail('anything@kw.example'))).code).toBe(530);
    expect((await send(app.kw.smtpPort, mail('anything@kw.example'), { user: 'relay', pass: 'relay-secret' })).code).toBe(538);
    expect(await sendTls('anything@kw.example', 'wrong')).toBe(535);
    expect(await sendTls('anything@kw.example')).toBe(250);
  });

  it('accepts only the configured domains, and any local part when the inbox is a catch-all', async () => {
    expect(await sendTls('whatever@backup.kw.example')).toBe(250);
    expect(await sendTls('whatever@elsewhere.example')).toBe(550);
  });

  it('shows check addresses at the first configured domain', async () => {
    const res = await app.request('POST', '/api/v1/checks', { body: { name: 'Domain', device: { name: 'd' } } });
    expect(res.body.email_address).toMatch(/@kw\.example$/);
  });
});
