// Polled mailboxes (IMAP, Microsoft 365 through Graph): configured by an admin, passwords and
// client secrets sealed at rest and answered as `***`, polled on their interval by whichever
// instance claims them. Every fetched message goes through the same durable intake as SMTP mail.
import { Type } from 'typebox';
import type { MailboxRepository } from '../../../db/repositories/mailboxes.js';
import type { MailboxPollRow, MailboxRow } from '../../../db/schema.js';
import type { Principal } from '../../../domain/access.js';
import { type FieldProblem, NotFoundError, ValidationError } from '../../../domain/errors.js';
import { type HealthReport, mailboxHealth } from '../../../domain/integration-health.js';
import { GRAPH_DEFAULTS, type GraphConfig, GraphPoller } from './graph.js';
import { type ImapConfig, ImapPoller } from './imap.js';
import { MailboxAuthError, type MailboxPoller, type TestStep } from './types.js';
import type { Clock } from '../../../lib/clock.js';
import { type Page, toPage } from '../../../lib/cursor.js';
import { newId } from '../../../lib/ids.js';
import type { SecretBox } from '../../../lib/secret-box.js';
import { endpoint } from '../../../lib/config-fields.js';
import { maskSecrets, mergeSecrets, openSecrets, sealSecrets } from '../../../lib/secret-config.js';
import type { AuditService } from '../../../ops/audit.js';
import { cursorOf, DEFAULT_LIMIT, type PageRequest } from '../../../catalog/catalog.js';
import type { EmailIntake } from '../intake.js';
import type { IntegrationService } from '../../../engine/integrations.js';

export type MailboxType = 'imap' | 'graph';
type Config = Record<string, unknown>;

export const MAILBOX_SECRETS: Record<MailboxType, readonly string[]> = { imap: ['password'], graph: ['client_secret'] };

// One schema per type (forms: GET /api/v1/mailbox-types; the API accepts their union of fields).
// Fields marked `endpoint` are where the password or client secret goes: changing one asks for it again.
const Folder = (name: string, fallback: string) => Type.String({ minLength: 1, maxLength: 255, default: fallback, description: name });
export const MAILBOX_TYPES = {
  imap: Type.Object(
    {
      host: Type.String(endpoint({ minLength: 1, maxLength: 255, description: 'the IMAP server' })),
      port: Type.Optional(Type.Integer(endpoint({ minimum: 1, maximum: 65535, description: 'default 993 with TLS, else 143' }))),
      tls: Type.Optional(Type.Boolean(endpoint({ default: true, title: 'TLS', description: 'implicit TLS (port 993)' }))),
      user: Type.String({ maxLength: 255 }),
      password: Type.String({ maxLength: 1000 }),
      folder: Type.Optional(Folder('folder to read', 'INBOX')),
      processed_folder: Type.Optional(Folder('where read mail is moved (created if missing)', 'Processed')),
    },
    { title: 'IMAP', description: 'Any IMAP server: Keepwatch reads the folder, stores each message, then moves it to the processed folder.' },
  ),
  graph: Type.Object(
    {
      tenant_id: Type.String(endpoint({ maxLength: 100, title: 'Tenant ID', description: 'Entra ID tenant (directory) id' })),
      client_id: Type.String({ maxLength: 100, title: 'Client ID', description: 'an app registration with the application permission Mail.ReadWrite' }),
      client_secret: Type.String({ maxLength: 1000 }),
      mailbox: Type.String({ maxLength: 255, description: 'the mailbox address (user principal name)' }),
      folder: Type.Optional(Folder('folder to read', 'inbox')),
      processed_folder: Type.Optional(Folder('where read mail is moved (created if missing)', 'Processed')),
      login_url: Type.Optional(Type.String(endpoint({ format: 'uri', title: 'Login URL', description: 'default https://login.microsoftonline.com', 'x-advanced': true }))),
      graph_url: Type.Optional(Type.String(endpoint({ format: 'uri', title: 'Graph URL', description: 'default https://graph.microsoft.com', 'x-advanced': true }))),
    },
    { title: 'Microsoft 365 (Graph)', description: 'A Microsoft 365 mailbox through Microsoft Graph, for tenants where IMAP is switched off.' },
  ),
};

const REQUIRED: Record<MailboxType, readonly string[]> = {
  imap: ['host', 'user', 'password'],
  graph: ['tenant_id', 'client_id', 'client_secret', 'mailbox'],
};
export const DEFAULT_INTERVAL_SECONDS = 300;
/** Messages fetched per poll; the rest wait for the next one. */
const POLL_LIMIT = 200;
const LEASE_MS = 5 * 60_000;

export interface MailboxInput {
  type: MailboxType;
  name: string;
  config: Config;
  interval_seconds?: number;
  enabled?: boolean;
}

export interface MailboxView {
  row: MailboxRow;
  config: Config;
  /** From its last poll (docs/email.md, docs/connectors.md "Health"). */
  health: HealthReport;
}

export interface PollResult {
  stored: number;
  error: string | null;
}

function withDefaults(type: MailboxType, c: Config): Config {
  if (type === 'imap') {
    const tls = c.tls ?? true;
    return { tls, port: tls ? 993 : 143, folder: 'INBOX', processed_folder: 'Processed', ...c };
  }
  return { folder: 'inbox', processed_folder: 'Processed', ...GRAPH_DEFAULTS, ...c };
}

function problems(type: MailboxType, c: Config): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const f of REQUIRED[type]) {
    const v = c[f];
    if (v === undefined || v === null || v === '' || (typeof v === 'object' && !('sealed' in (v as object)))) out.push({ field: `config.${f}`, message: 'is required' });
  }
  for (const f of ['login_url', 'graph_url']) {
    if (type === 'graph' && typeof c[f] === 'string' && !/^https?:\/\//.test(c[f] as string)) out.push({ field: `config.${f}`, message: 'must be an http(s) URL' });
  }
  return out;
}

export interface MailboxServiceDeps {
  repo: MailboxRepository;
  intake: EmailIntake;
  secrets: SecretBox;
  integrations: IntegrationService;
  audit: AuditService;
  clock: Clock;
}

export class MailboxService {
  constructor(private readonly d: MailboxServiceDeps) {}

  async list(): Promise<MailboxView[]> {
    return (await this.d.repo.list()).map((row) => this.view(row));
  }

  async get(id: string): Promise<MailboxView> {
    return this.view(await this.row(id));
  }

  async create(p: Principal, input: MailboxInput): Promise<MailboxView> {
    const config = withDefaults(input.type, input.config);
    const bad = problems(input.type, config);
    if (bad.length > 0) throw new ValidationError(bad);
    const now = this.d.clock.now();
    const row: MailboxRow = {
      id: newId(now),
      type: input.type,
      name: input.name.trim(),
      config: JSON.stringify(sealSecrets(this.d.secrets, config, MAILBOX_SECRETS[input.type])),
      enabled: input.enabled === false ? 0 : 1,
      interval_ms: (input.interval_seconds ?? DEFAULT_INTERVAL_SECONDS) * 1000,
      next_poll_at: now,
      claimed_until: null,
      last_poll_at: null,
      last_success_at: null,
      last_error: null,
      last_count: null,
      created_at: now,
      updated_at: now,
    };
    await this.d.repo.insert(row);
    await this.d.audit.record(p, { action: 'mailbox.create', targetType: 'mailbox', targetId: row.id, details: { name: row.name, type: row.type } });
    return this.view(row);
  }

  async update(p: Principal, id: string, patch: Partial<Omit<MailboxInput, 'type'>>): Promise<MailboxView> {
    const row = await this.row(id);
    const type = row.type as MailboxType;
    const changes: Partial<MailboxRow> = { updated_at: this.d.clock.now() };
    if (patch.config !== undefined) {
      const merged = mergeSecrets(this.d.secrets, JSON.parse(row.config) as Config, patch.config, MAILBOX_SECRETS[type], MAILBOX_TYPES[type]);
      if ('problems' in merged) throw new ValidationError(merged.problems);
      const bad = problems(type, merged.config);
      if (bad.length > 0) throw new ValidationError(bad);
      changes.config = JSON.stringify(merged.config);
    }
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.enabled !== undefined) changes.enabled = patch.enabled ? 1 : 0;
    if (patch.interval_seconds !== undefined) changes.interval_ms = patch.interval_seconds * 1000;
    await this.d.repo.update(id, changes);
    await this.d.audit.record(p, { action: 'mailbox.update', targetType: 'mailbox', targetId: id, details: { fields: Object.keys(patch) } });
    return this.get(id);
  }

  async delete(p: Principal, id: string): Promise<void> {
    if (!(await this.d.repo.delete(id))) throw new NotFoundError('mailbox', id);
    await this.d.audit.record(p, { action: 'mailbox.delete', targetType: 'mailbox', targetId: id });
  }

  /** Polls one mailbox now (unless another poll holds it); answers what it stored. */
  async pollNow(id: string): Promise<PollResult> {
    await this.row(id);
    const claimed = await this.d.repo.claimOne(id, this.d.clock.now(), LEASE_MS);
    if (!claimed) return { stored: 0, error: 'a poll of this mailbox is already running' };
    return this.poll(claimed, 'manual');
  }

  /** Checks the connection step by step without fetching or moving anything; records nothing. */
  async test(id: string): Promise<{ ok: boolean; steps: TestStep[] }> {
    const row = await this.row(id);
    const type = row.type as MailboxType;
    const steps = await this.poller(type, openSecrets(this.d.secrets, JSON.parse(row.config) as Config, MAILBOX_SECRETS[type])).test();
    return { ok: steps.every((s) => s.ok), steps };
  }

  /** Polls every mailbox that is due; answers how many were polled. */
  async pollDue(): Promise<number> {
    const due = await this.d.repo.claimDue(this.d.clock.now(), LEASE_MS, 10);
    for (const row of due) await this.poll(row, 'schedule');
    return due.length;
  }

  /** The mailbox's polls, newest first (the last 100 are kept). */
  async polls(id: string, req: PageRequest): Promise<Page<MailboxPollRow>> {
    await this.row(id);
    const limit = req.limit ?? DEFAULT_LIMIT;
    const before = cursorOf(req, 1)?.[0];
    const rows = await this.d.repo.polls(id, typeof before === 'string' ? before : null, limit + 1);
    return toPage(rows, limit, (r) => [r.id], (r) => r);
  }

  private async poll(row: MailboxRow, trigger: 'schedule' | 'manual'): Promise<PollResult> {
    const startedAt = this.d.clock.now();
    const type = row.type as MailboxType;
    const config = openSecrets(this.d.secrets, JSON.parse(row.config) as Config, MAILBOX_SECRETS[type]);
    let stored = 0;
    let error: string | null = null;
    let auth = false;
    try {
      stored = await this.poller(type, config).poll(async (m) => {
        await this.d.intake.store({ transport: type, mailboxId: row.id, remoteKey: m.remoteKey, envelopeFrom: null, envelopeTo: m.recipients, raw: m.raw });
      }, POLL_LIMIT);
    } catch (err) {
      error = (err as Error).message;
      auth = err instanceof MailboxAuthError;
    }
    const at = this.d.clock.now();
    // A full batch means more is waiting: poll again at once.
    const nextPollAt = stored >= POLL_LIMIT ? at : at + row.interval_ms;
    await this.d.repo.finish(row.id, { at, ok: error === null, error, count: stored, nextPollAt });
    const outcome = error === null ? 'ok' : auth ? 'auth' : 'other';
    await this.d.repo.recordPoll({ id: newId(startedAt), mailbox_id: row.id, trigger, started_at: startedAt, finished_at: at, stored, outcome, error });
    const who = { id: row.id, name: row.name, type: `mailbox_${type}`, source: `mailbox:${row.id}` };
    await this.d.integrations.report(who, error === null ? { ok: true } : { ok: false, kind: auth ? 'auth' : 'other', error });
    return { stored, error };
  }

  private poller(type: MailboxType, c: Config): MailboxPoller {
    if (type === 'imap') return new ImapPoller(c as unknown as ImapConfig);
    return new GraphPoller(c as unknown as GraphConfig);
  }

  private async row(id: string): Promise<MailboxRow> {
    const row = await this.d.repo.byId(id);
    if (!row) throw new NotFoundError('mailbox', id);
    return row;
  }

  private view(row: MailboxRow): MailboxView {
    return {
      row,
      config: maskSecrets(JSON.parse(row.config) as Config, MAILBOX_SECRETS[row.type as MailboxType]),
      health: mailboxHealth({ at: row.last_poll_at, error: row.last_error }),
    };
  }
}
