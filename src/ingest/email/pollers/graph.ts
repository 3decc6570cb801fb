// Microsoft 365 mailbox poller through Microsoft Graph (application permission Mail.ReadWrite,
// client-credentials token): list the folder's messages, fetch each one's MIME source
// (`GET …/messages/{id}/$value`), store it, then move it to the processed folder.
import { outboundFetch } from '../../../lib/outbound/index.js';
import { MailboxAuthError, type MailboxPoller, type StoreMessage, type TestStep } from './types.js';

export interface GraphConfig {
  tenant_id: string;
  client_id: string;
  client_secret: string;
  /** The mailbox's user principal name or id. */
  mailbox: string;
  folder: string;
  processed_folder: string;
  login_url: string;
  graph_url: string;
}

export const GRAPH_DEFAULTS = { login_url: 'https://login.microsoftonline.com', graph_url: 'https://graph.microsoft.com' };

// Graph accepts these names wherever a folder id is expected.
const WELL_KNOWN = new Set(['inbox', 'archive', 'deleteditems', 'drafts', 'junkemail', 'sentitems', 'outbox', 'msgfolderroot']);

interface GraphMessage {
  id: string;
  internetMessageId?: string;
  toRecipients?: Array<{ emailAddress?: { address?: string } }>;
  ccRecipients?: Array<{ emailAddress?: { address?: string } }>;
}

export class GraphPoller implements MailboxPoller {
  private token: { value: string; until: number } | null = null;

  constructor(
    private readonly config: GraphConfig,
    private readonly now: () => number = Date.now,
  ) {}

  private get base(): string {
    return `${this.config.graph_url.replace(/\/+$/, '')}/v1.0/users/${encodeURIComponent(this.config.mailbox)}`;
  }

  async test(): Promise<TestStep[]> {
    const c = this.config;
    const steps: TestStep[] = [];
    const attempt = async (step: string, fn: () => Promise<string>): Promise<boolean> => {
      try {
        steps.push({ step, ok: true, message: await fn() });
        return true;
      } catch (err) {
        steps.push({ step, ok: false, message: (err as Error).message });
        return false;
      }
    };
    const token = await attempt('token', async () => {
      await this.accessToken();
      return `Entra ID issued a token to ${c.client_id}`;
    });
    if (!token) return steps;
    const read = await attempt('folder', async () => {
      const id = await this.folderId(c.folder, false);
      const list = await this.call<{ value: unknown[] }>('GET', `${this.base}/mailFolders/${encodeURIComponent(id!)}/messages?$select=id&$top=200`);
      return `${c.mailbox} / ${c.folder}: ${list.value.length === 200 ? '200 or more' : list.value.length} messages waiting`;
    });
    if (!read) return steps;
    await attempt('processed_folder', async () => {
      const known = WELL_KNOWN.has(c.processed_folder.toLowerCase());
      const found = known || (await this.findFolder(c.processed_folder)) !== null;
      return found ? `${c.processed_folder} exists` : `${c.processed_folder} will be created at the first poll`;
    });
    return steps;
  }

  async poll(store: StoreMessage, limit: number): Promise<number> {
    const source = await this.folderId(this.config.folder, false);
    const target = await this.folderId(this.config.processed_folder, true);
    const list = await this.call<{ value: GraphMessage[] }>(
      'GET',
      `${this.base}/mailFolders/${encodeURIComponent(source!)}/messages?$select=id,internetMessageId,toRecipients,ccRecipients&$orderby=receivedDateTime&$top=${limit}`,
    );
    for (const m of list.value) {
      const raw = await this.raw(m.id);
      const recipients = [...(m.toRecipients ?? []), ...(m.ccRecipients ?? [])].map((r) => r.emailAddress?.address ?? '').filter((a) => a !== '');
      await store({ raw, recipients, remoteKey: m.internetMessageId ?? `graph:${m.id}` });
      await this.call('POST', `${this.base}/messages/${encodeURIComponent(m.id)}/move`, { destinationId: target });
    }
    return list.value.length;
  }

  private async findFolder(name: string): Promise<string | null> {
    const filter = encodeURIComponent(`displayName eq '${name.replace(/'/g, "''")}'`);
    const found = await this.call<{ value: Array<{ id: string }> }>('GET', `${this.base}/mailFolders?$filter=${filter}`);
    return found.value[0]?.id ?? null;
  }

  private async folderId(name: string, create: boolean): Promise<string | null> {
    if (WELL_KNOWN.has(name.toLowerCase())) return name.toLowerCase();
    const found = await this.findFolder(name);
    if (found) return found;
    if (!create) throw new Error(`mail folder "${name}" not found in ${this.config.mailbox}`);
    return (await this.call<{ id: string }>('POST', `${this.base}/mailFolders`, { displayName: name })).id;
  }

  private async raw(id: string): Promise<Buffer> {
    const res = await outboundFetch(`${this.base}/messages/${encodeURIComponent(id)}/$value`, { headers: { authorization: `Bearer ${await this.accessToken()}` } });
    if (!res.ok) throw await this.failure(res, 'GET message source');
    return Buffer.from(await res.arrayBuffer());
  }

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await outboundFetch(url, {
      method,
      headers: { authorization: `Bearer ${await this.accessToken()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw await this.failure(res, `${method} ${new URL(url).pathname}`);
    return (await res.json()) as T;
  }

  private async failure(res: Response, what: string): Promise<Error> {
    const text = (await res.text().catch(() => '')).slice(0, 500);
    if (res.status === 401 || res.status === 403) {
      this.token = null;
      return new MailboxAuthError(`Microsoft Graph refused ${what} (${res.status}): ${text}`);
    }
    return new Error(`Microsoft Graph ${what} answered ${res.status}: ${text}`);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now()) return this.token.value;
    const c = this.config;
    const res = await outboundFetch(`${c.login_url.replace(/\/+$/, '')}/${encodeURIComponent(c.tenant_id)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: c.client_id,
        client_secret: c.client_secret,
        grant_type: 'client_credentials',
        scope: `${GRAPH_DEFAULTS.graph_url}/.default`,
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!res.ok || !body.access_token) {
      throw new MailboxAuthError(`Entra ID refused the client credentials: ${body.error ?? res.status} ${body.error_description ?? ''}`.trim());
    }
    // Renew a minute early.
    this.token = { value: body.access_token, until: this.now() + ((body.expires_in ?? 3600) - 60) * 1000 };
    return this.token.value;
  }
}
