// Integrations for the screenshots (and a developer's look around): unmatched status mail sent to
// the SMTP listener, notification channels with a test in their logs, an Azure connector synced
// against the local Azure stand-in, and a Microsoft 365 mailbox polled from the Graph stand-in.
// The stand-ins come from test/helpers: they follow the vendors' documented APIs.
import type { Keepwatch } from '../dist/app.js';
import { FakeAzure } from '../test/helpers/fake-azure.ts';
import { loadExamples } from '../test/helpers/fake-azure-data.ts';
import { GRAPH_FAKE, startGraphFake } from '../test/helpers/graph-fake.ts';
import { smtpClient } from '../test/helpers/mail.ts';
import { startHttpReceiver } from '../test/helpers/receivers.ts';

/** The fields of the answers this script reads. */
interface Answer {
  id: string;
  running?: boolean;
  last_run?: unknown;
  inboxes: string[];
}
type Call = (method: string, path: string, body?: unknown) => Promise<Answer>;
const HOUR = 3_600_000;

function mails(now: number, to: string) {
  const at = (h: number) => new Date(now - h * HOUR);
  const vzdump = (host: string, ok: boolean, h: number) => ({
    from: '"vzdump backup tool" <root@pve01.acme.example>',
    to,
    date: at(h),
    subject: `vzdump backup status (${host}) : backup ${ok ? 'successful' : 'failed'}`,
    text: `VMID       NAME     STATUS       TIME       SIZE  FILENAME\n100        web01    ${ok ? 'ok ' : 'err'}        00:12:31   42.10GB  vzdump-qemu-100.vma.zst\n101        db01     ok         00:25:02   88.52GB  vzdump-qemu-101.vma.zst\n\nTOTAL                          00:37:33  130.62GB\n`,
  });
  const sql = (ok: boolean, h: number, n: number) => ({
    from: 'SQL Agent <sqlagent@contoso.example>',
    to,
    date: at(h),
    subject: `[${ok ? 'Success' : 'Failed'}] Nightly SQL dump SQL01 (${n} databases) ${at(h).toISOString().slice(0, 10)}`,
    text: `Job: Nightly SQL dump\nServer: SQL01\nStatus: ${ok ? 'Completed' : 'Failed'}\nDatabases: ${n}\n`,
  });
  const nas = (h: number) => ({
    from: 'DiskStation <nas@fabrikam.example>',
    to,
    date: at(h),
    subject: 'Backup task Offsite-Docs on FAB-NAS01 has completed',
    text: 'Dear user,\n\nBackup task Offsite-Docs on FAB-NAS01 has completed.\nTask: Offsite-Docs\nTarget: S3 (eu-west)\n\nSincerely,\nSynology DiskStation\n',
  });
  return [vzdump('pve01.acme.example', true, 50), vzdump('pve01.acme.example', false, 26), vzdump('pve01.acme.example', true, 2), sql(true, 72, 14), sql(true, 48, 14), sql(false, 24, 15), sql(true, 1, 15), nas(30), nas(6)];
}

/** Sends status mail that no check takes: it lands in the unmatched inbox. */
async function sendMail(kw: Keepwatch, inbox: string): Promise<void> {
  const client = smtpClient({ port: kw.smtpPort });
  for (const m of mails(Date.now(), inbox)) await client.sendMail(m);
  client.close();
  await kw.email.worker.runUntilIdle();
}

async function channels(call: Call): Promise<{ close: () => Promise<void> }> {
  const receiver = await startHttpReceiver();
  // The webhook's receiver takes everything; the Slack "workspace" has lost its channel.
  receiver.respond = (r) => (r.path.startsWith('/services/') ? { status: 404, body: 'channel_not_found' } : { status: 200, body: '{"accepted":true}' });
  const hook = await call('POST', '/api/v1/channels', { type: 'webhook', name: 'PSA intake (webhook)', config: { url: `${receiver.url}/keepwatch`, secret: 'a-webhook-signing-secret' }, min_severity: 'critical' });
  await call('POST', `/api/v1/channels/${hook.id}/test`);
  await call('POST', '/api/v1/channels', { type: 'email', name: 'NOC on call', config: { to: ['noc@msp.example', 'oncall@msp.example'], mode: 'immediate' } });
  await call('POST', '/api/v1/channels', { type: 'email', name: 'Acme IT (hourly digest)', config: { to: ['it@acme.example'], mode: 'hourly_digest', weekly_summary: true } });
  const slack = await call('POST', '/api/v1/channels', { type: 'slack', name: '#backups (Slack)', config: { url: `${receiver.url}/services/T000/B000/XXXX` }, types: ['job_failed', 'backup_overdue'] });
  await call('POST', `/api/v1/channels/${slack.id}/test`);
  return { close: () => receiver.close() };
}

async function connector(call: Call): Promise<{ close: () => Promise<void> }> {
  const fake = await FakeAzure.start();
  loadExamples(fake, Date.now());
  const c = await call('POST', '/api/v1/connectors', {
    type: 'azure',
    name: 'Contoso Azure',
    config: { tenant_id: fake.tenantId, client_id: fake.clientId, client_secret: fake.clientSecret, subscription_id: fake.subscriptionId, login_url: fake.loginUrl, management_url: fake.managementUrl, interval_minutes: 60 },
  });
  // A new connector syncs within seconds by itself; then a manual one, for two runs in its history.
  for (let i = 0; i < 300; i++) {
    const now = await call('GET', `/api/v1/connectors/${c.id}`);
    if (!now.running && now.last_run) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await call('POST', `/api/v1/connectors/${c.id}/sync`);
  // A second subscription whose app registration's secret has expired: an integration alert.
  await call('POST', '/api/v1/connectors', {
    type: 'azure',
    name: 'Fabrikam Azure',
    config: { tenant_id: fake.tenantId, client_id: fake.clientId, client_secret: 'an-expired-secret', subscription_id: fake.subscriptionId, login_url: fake.loginUrl, management_url: fake.managementUrl },
  });
  return { close: () => fake.close() };
}

async function mailbox(call: Call): Promise<{ close: () => Promise<void> }> {
  const address = 'backups@contoso.example';
  const graph = await startGraphFake(address);
  const veeam = (id: string, h: number, result: string) => ({
    id,
    folder: 'inbox',
    internetMessageId: `<${id}@contoso.example>`,
    to: [address],
    mime: `From: Veeam Agent <veeam@ws-014.contoso.example>\r\nTo: ${address}\r\nSubject: [${result}] WS-014 - Daily backup\r\nMessage-ID: <${id}@contoso.example>\r\nDate: ${new Date(Date.now() - h * HOUR).toUTCString()}\r\n\r\nBackup job: Daily backup\r\nComputer: WS-014\r\nResult: ${result}\r\n`,
  });
  graph.messages.push(veeam('m1', 30, 'Success'), veeam('m2', 6, 'Warning'));
  const m = await call('POST', '/api/v1/mailboxes', {
    type: 'graph',
    name: 'Contoso backups mailbox',
    config: { tenant_id: GRAPH_FAKE.tenant, client_id: 'keepwatch-reader', client_secret: GRAPH_FAKE.secret, mailbox: address, login_url: graph.url, graph_url: graph.url },
  });
  await call('POST', `/api/v1/mailboxes/${m.id}/poll`);
  await call('POST', '/api/v1/mailboxes', { type: 'imap', name: 'Fabrikam IMAP', config: { host: 'imap.fabrikam.example', user: 'backups@fabrikam.example', password: 'not-a-real-password' } });
  return { close: () => graph.close() };
}

/** Seeds every integration view; answers a function that stops the stand-ins. */
export async function seedIntegrations(kw: Keepwatch, url: string, adminToken: string): Promise<() => Promise<void>> {
  const call: Call = async (method, path, body) => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const inbound = await call('GET', '/api/v1/emails/inbound');
  await sendMail(kw, inbound.inboxes[0]);
  const stops = [await channels(call), await connector(call), await mailbox(call)];
  return async () => {
    for (const s of stops) await s.close();
  };
}
