// Status e-mail: the SMTP listener and mailbox pollers store raw mail durably (intake); the worker
// parses, routes and turns it into jobs (pipeline → recordJobs); the inbox keeps what matched nothing.
import { readFileSync } from 'node:fs';
import type { CoreDeps } from '../../core.js';
import type { CheckService } from '../../catalog/checks.js';
import type { Config } from '../../config/index.js';
import type { ClientRepository } from '../../db/repositories/clients.js';
import { EmailRepository } from '../../db/repositories/emails.js';
import { MailRoutingRepository } from '../../db/repositories/mail-routing.js';
import { MailboxRepository } from '../../db/repositories/mailboxes.js';
import type { IntegrationService } from '../../engine/integrations.js';
import type { IngestService } from '../service.js';
import { AddressBook } from './addresses.js';
import { EmailService } from './inbox.js';
import { EmailIntake } from './intake.js';
import { defaultParser } from './parsing.js';
import { EmailPipeline } from './pipeline.js';
import { MailboxService } from './pollers/mailboxes.js';
import { MailboxWorker } from './pollers/worker.js';
import { RuleBook } from './rulebook.js';
import { SmtpListener, type SmtpOptions } from './smtp.js';
import { EmailWorker } from './worker.js';

// A batch takes well under a second; after a crash its messages wait out the lease, so keep it short.
const LEASE_MS = 20_000;

function smtpOptions(config: Config): SmtpOptions {
  const m = config.inboundMail;
  return {
    host: config.host,
    port: config.smtpPort,
    maxBytes: m.maxBytes,
    auth: m.auth,
    tls: m.tlsKeyFile && m.tlsCertFile ? { key: readFileSync(m.tlsKeyFile), cert: readFileSync(m.tlsCertFile) } : null,
  };
}

export interface EmailNeeds {
  ingest: IngestService;
  checks: CheckService;
  integrations: IntegrationService;
  clients: ClientRepository;
}

export function buildEmail(c: CoreDeps, d: EmailNeeds) {
  const mail = c.config.inboundMail;
  const routing = new MailRoutingRepository(c.db);
  const repo = new EmailRepository(c.db, c.dialect);
  const addresses = new AddressBook(routing, { domains: mail.domains, inboxes: mail.inboxes });
  const ruleBook = new RuleBook(routing);
  c.bus.on('email-routing', () => {
    ruleBook.invalidate();
    addresses.forget();
  });
  const intake = new EmailIntake(c.tx, c.dialect, repo, c.clock, c.bus.waker('email'));
  const parser = defaultParser();
  const pipeline = new EmailPipeline({
    repo,
    addresses,
    rules: ruleBook,
    ingest: d.ingest,
    parser,
    clock: c.clock,
    logger: c.logger.child({ component: 'email' }),
    leaseMs: LEASE_MS,
  });
  const worker = new EmailWorker(repo, pipeline, c.clock, c.logger.child({ worker: 'email' }), {
    pollMs: c.dialect === 'sqlite' ? 1000 : 500,
    leaseMs: LEASE_MS,
    batch: 50,
    retentionDays: mail.retentionDays,
    onPurged: (rows) => c.metrics.retentionDeleted.inc({ table: 'emails' }, rows),
  });
  c.bus.on('email', () => worker.wake());
  const clientName = async (id: string) => (await d.clients.byId(id))?.name;
  const emails = new EmailService(repo, pipeline, d.checks, clientName, c.bus.waker('email'), c.audit);
  const smtp = new SmtpListener(smtpOptions(c.config), addresses, intake, c.logger.child({ component: 'smtp' }), c.metrics);
  const mailboxes = new MailboxService({
    repo: new MailboxRepository(c.db, c.dialect),
    intake,
    secrets: c.secrets,
    integrations: d.integrations,
    audit: c.audit,
    clock: c.clock,
  });
  const mailboxWorker = new MailboxWorker(mailboxes, c.logger.child({ worker: 'mailboxes' }), 5000);
  /** Domain of the check addresses the API shows: the first inbound domain, or the public URL's host. */
  const mailDomain = mail.domains?.[0] ?? new URL(c.config.publicUrl).hostname;
  const inbound = {
    inboxes: mail.inboxes,
    smtpHost: new URL(c.config.publicUrl).hostname,
    smtpPort: () => smtp.port,
    auth: mail.auth !== null,
    starttls: mail.tlsKeyFile !== null,
  };
  return { intake, pipeline, worker, smtp, mailboxWorker, parser, emails, mailboxes, mailDomain, inbound };
}
