// IMAP mailbox poller on imapflow: fetch from the folder, store, move to the processed folder.
import { createHash } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { socketOptions } from '../../../lib/outbound/index.js';
import { MailboxAuthError, type MailboxPoller, type StoreMessage, type TestStep } from './types.js';

export interface ImapConfig {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  folder: string;
  processed_folder: string;
}

type Address = { address?: string } | undefined;

function addresses(list: Address[] | undefined): string[] {
  return (list ?? []).map((a) => a?.address ?? '').filter((a) => a !== '');
}

export class ImapPoller implements MailboxPoller {
  constructor(private readonly config: ImapConfig) {}

  private async client(): Promise<ImapFlow> {
    // Loaded when a mailbox is first polled: most installs have none (start-up time).
    const { ImapFlow } = await import('imapflow');
    const c = this.config;
    const client = new ImapFlow({
      ...{ host: c.host, port: c.port, secure: c.tls, auth: { user: c.user, pass: c.password }, logger: false, connectionTimeout: 15_000 },
      // Passed to net/tls.connect: the address is checked against KEEPWATCH_OUTBOUND_ALLOW as the socket connects.
      tls: socketOptions(c.host, c.port),
    });
    client.on('error', () => {}); // surfaced by the failing call instead
    return client;
  }

  private async connect(client: ImapFlow): Promise<void> {
    try {
      await client.connect();
    } catch (err) {
      const e = err as { authenticationFailed?: boolean; message: string };
      if (e.authenticationFailed) throw new MailboxAuthError(`IMAP login refused for ${this.config.user}`);
      throw err;
    }
  }

  async test(): Promise<TestStep[]> {
    const c = this.config;
    const where = `${c.host}:${c.port}${c.tls ? ' (TLS)' : ''}`;
    const client = await this.client();
    try {
      await this.connect(client);
    } catch (err) {
      // imapflow connects and logs in in one call: a refused login means the connection worked.
      if (!(err instanceof MailboxAuthError)) return [{ step: 'connect', ok: false, message: `could not connect to ${where}: ${(err as Error).message}` }];
      return [
        { step: 'connect', ok: true, message: `connected to ${where}` },
        { step: 'login', ok: false, message: err.message },
      ];
    }
    const steps: TestStep[] = [
      { step: 'connect', ok: true, message: `connected to ${where}` },
      { step: 'login', ok: true, message: `signed in as ${c.user}` },
    ];
    try {
      const status = await client.status(c.folder, { messages: true }).catch((err: Error) => err);
      if (status instanceof Error || status === false) steps.push({ step: 'folder', ok: false, message: `cannot open ${c.folder}${status ? `: ${status.message}` : ''}` });
      else steps.push({ step: 'folder', ok: true, message: `${c.folder}: ${status.messages ?? 0} messages waiting` });
      const folders = await client.list().catch((err: Error) => err);
      if (folders instanceof Error) steps.push({ step: 'processed_folder', ok: false, message: `cannot list folders: ${folders.message}` });
      else {
        const exists = folders.some((f) => f.path === c.processed_folder);
        steps.push({ step: 'processed_folder', ok: true, message: exists ? `${c.processed_folder} exists` : `${c.processed_folder} will be created at the first poll` });
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return steps;
  }

  async poll(store: StoreMessage, limit: number): Promise<number> {
    const c = this.config;
    const client = await this.client();
    await this.connect(client);
    try {
      await this.ensureFolder(client, c.processed_folder);
      const lock = await client.getMailboxLock(c.folder);
      try {
        const exists = typeof client.mailbox === 'object' ? client.mailbox.exists : 0;
        if (exists === 0) return 0;
        // List first (no bodies), then fetch, store and move one message at a time: memory holds
        // one message, and no command runs inside a FETCH iteration (imapflow forbids it).
        const listed: Array<{ uid: number; recipients: string[]; messageId: string | undefined }> = [];
        for await (const m of client.fetch(`1:${Math.min(exists, limit)}`, { uid: true, envelope: true })) {
          listed.push({ uid: m.uid, recipients: [...addresses(m.envelope?.to), ...addresses(m.envelope?.cc)], messageId: m.envelope?.messageId });
        }
        let moved = 0;
        for (const m of listed) {
          const full = await client.fetchOne(String(m.uid), { source: true }, { uid: true });
          const source = full ? full.source : undefined;
          if (!source) continue;
          const remoteKey = m.messageId ?? `sha256:${createHash('sha256').update(source).digest('hex')}`;
          await store({ raw: source, recipients: m.recipients, remoteKey });
          await client.messageMove(String(m.uid), c.processed_folder, { uid: true });
          moved++;
        }
        return moved;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  private async ensureFolder(client: ImapFlow, path: string): Promise<void> {
    const list = await client.list();
    if (!list.some((f) => f.path === path)) await client.mailboxCreate(path);
  }
}
