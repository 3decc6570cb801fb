// From a stored message to jobs: parse the stored raw copy, route it (recipient addresses, the
// checks' matching rules, a recognised product template), decide statuses, record the jobs through
// recordJobs like every other source, and note the outcome on the message. Running it twice on the
// same message gives the same jobs (external ids come from the Message-ID), so a crash between
// recording and noting, or a deliberate reprocess, never double-counts.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimedEmail, EmailOutcome, EmailRepository } from '../../db/repositories/emails.js';
import { subjectPattern } from '../../domain/email-draft.js';
import { matchesCheck } from '../../domain/email-rules.js';
import { DomainError } from '../../domain/errors.js';
import type { AddressBook, Recipient } from './addresses.js';
import { type CheckForMail, checkJob, checkVerdict, type MailContext, templateExternalId, templateJobs } from './jobs.js';
import type { RuleBook } from './rulebook.js';
import type { ParsedEmail, Recognised } from './templates/types.js';
import type { Clock } from '../../lib/clock.js';
import type { IngestJob, IngestService, WriterScope } from '../service.js';

export interface MailParser {
  /** Parses the raw message and runs the product templates on it. */
  analyse(raw: Buffer, envelopeTo: string[]): Promise<{ mail: ParsedEmail; recognised: Recognised | null }>;
}

/** Where a message goes, before anything is written. */
export interface MailPlan {
  ctx: MailContext;
  checks: Array<{ check: CheckForMail; status: string; rawStatus: string }>;
  requests: Array<{ jobs: IngestJob[]; scope: WriterScope }>;
  clientId: string | null;
  state: EmailOutcome['state'];
}

type StoredMail = Pick<ClaimedEmail, 'id' | 'raw' | 'envelope_to' | 'transport' | 'received_at'>;

/** After this many failed attempts (the database was down, say) a message is marked `error`. */
const MAX_ATTEMPTS = 5;

export interface EmailPipelineDeps {
  repo: EmailRepository;
  addresses: AddressBook;
  rules: RuleBook;
  ingest: IngestService;
  parser: MailParser;
  clock: Clock;
  logger: Logger;
  leaseMs: number;
}

export class EmailPipeline {
  constructor(private readonly d: EmailPipelineDeps) {}

  /** Processes claimed messages; each one's outcome is noted (in one commit), whatever happens to
   * the others. Their jobs are recorded concurrently, so the ingest group commit batches them. */
  async processBatch(claimed: ClaimedEmail[]): Promise<number> {
    const results = await Promise.all(claimed.map((c) => this.processOne(c)));
    const done = results.filter((r): r is { id: string; outcome: EmailOutcome } => r !== null);
    await this.d.repo.finishMany(done, this.d.clock.now());
    return done.length;
  }

  /** Processes one stored message now, whatever its state; null if a worker holds it. */
  async reprocess(id: string): Promise<EmailOutcome | null> {
    const claimed = await this.d.repo.claimOne(id, this.d.clock.now(), this.d.leaseMs);
    if (!claimed) return null;
    const r = await this.processOne(claimed);
    if (r) await this.d.repo.finish(r.id, r.outcome, this.d.clock.now());
    return r?.outcome ?? null;
  }

  /** Records the message's jobs; answers its outcome, to be noted, or null to try again later. */
  private async processOne(c: ClaimedEmail): Promise<{ id: string; outcome: EmailOutcome } | null> {
    let plan: MailPlan | null = null;
    try {
      plan = await this.plan(c);
      let jobCount = 0;
      for (const r of plan.requests) jobCount += (await this.d.ingest.recordJobs(r.jobs, r.scope)).length;
      return { id: c.id, outcome: this.outcome(plan, plan.state, jobCount, null) };
    } catch (err) {
      // Bad input (a parser or a rule refusing this message) will not get better by retrying.
      const permanent = err instanceof DomainError || c.attempts >= MAX_ATTEMPTS;
      const message = (err as Error).message ?? String(err);
      this.d.logger.warn({ err, emailId: c.id, permanent }, 'e-mail processing failed');
      if (!permanent) {
        await this.d.repo.release(c.id, message).catch(() => {});
        return null;
      }
      return { id: c.id, outcome: plan ? this.outcome(plan, 'error', 0, message) : errorOutcome(message) };
    }
  }

  private outcome(plan: MailPlan, state: EmailOutcome['state'], jobCount: number, error: string | null): EmailOutcome {
    const m = plan.ctx.mail;
    return {
      state,
      messageId: m.messageId,
      from: m.from || null,
      subject: m.subject,
      subjectPattern: subjectPattern(m.subject),
      template: plan.ctx.recognised?.template.id ?? null,
      clientId: plan.clientId,
      checkIds: plan.checks.map((c) => c.check.id),
      jobCount,
      error,
    };
  }

  /** Parses and routes a stored message without writing anything. */
  async plan(c: StoredMail): Promise<MailPlan> {
    const ctx = await this.context(c);
    const recipients = await this.recipients(JSON.parse(c.envelope_to) as string[], c.transport);
    return this.route(ctx, recipients);
  }

  /** The parsed message and what template recognises it. */
  async context(c: StoredMail): Promise<MailContext> {
    const envelope = JSON.parse(c.envelope_to) as string[];
    let analysis: { mail: ParsedEmail; recognised: Recognised | null };
    try {
      analysis = await this.d.parser.analyse(c.raw, envelope);
    } catch (err) {
      throw new MailParseError(`cannot parse the message: ${(err as Error).message}`);
    }
    const { mail, recognised } = analysis;
    const mailKey = mail.messageId ?? `sha256:${createHash('sha256').update(c.raw).digest('hex')}`;
    return { emailId: c.id, mailKey, receivedAt: c.received_at, transport: c.transport, mail, recognised };
  }

  private async recipients(envelope: string[], transport: string): Promise<Recipient[]> {
    const out: Recipient[] = [];
    for (const address of envelope) {
      const r = await this.d.addresses.resolve(address);
      if (r) out.push(r);
    }
    // A polled mailbox is an inbox whatever its address: its mail is matched by rules.
    if (transport !== 'smtp' && !out.some((r) => r.kind === 'inbox')) out.push({ kind: 'inbox', address: '' });
    return out;
  }

  private async route(ctx: MailContext, recipients: Recipient[]): Promise<MailPlan> {
    const checks = new Map<string, CheckForMail>();
    const clients = new Set<string>();
    let inbox = false;
    for (const r of recipients) {
      if (r.kind === 'check') {
        checks.set(r.check.id, (await this.d.rules.byId(r.check.id)) ?? { ...r.check, rules: null });
      } else if (r.kind === 'client') clients.add(r.clientId);
      else inbox = true;
    }
    const ruled = await this.d.rules.all();
    const matching = (c: CheckForMail) => c.rules !== null && matchesCheck(c.rules, ctx.mail);
    if (inbox) for (const c of ruled) if (matching(c)) checks.set(c.id, c);
    const requests: MailPlan['requests'] = [];
    // A check's id → the template job its job replaces (a corrected misread mail, see below).
    const replaces = new Map<string, string>();
    for (const clientId of clients) {
      // The client's own checks' rules win: a rule made by correcting a misread product mail must
      // decide its status over the template. Otherwise a recognised product mail to a client's
      // address creates that client's devices and checks.
      const own = ruled.filter((c) => c.client_id === clientId && matching(c));
      const tjobs = ctx.recognised?.jobs ?? [];
      for (const c of own) checks.set(c.id, c);
      // A single-object mail's template job, recorded before the correction, becomes the (first)
      // ruled check's job instead of staying beside it with the misread status.
      if (own[0] && tjobs.length === 1) replaces.set(own[0].id, templateExternalId(ctx, tjobs[0]!));
      if (own.length === 0 && tjobs.length > 0) requests.push({ jobs: templateJobs(ctx), scope: { clientIds: [clientId] } });
    }
    const verdicts = [...checks.values()].map((check) => ({ check, ...checkVerdict(check, ctx) }));
    const jobs: IngestJob[] = [];
    for (const v of verdicts) {
      if (v.status !== 'ignore') jobs.push(checkJob(v.check, ctx, { status: v.status, rawStatus: v.rawStatus }, replaces.get(v.check.id)));
    }
    if (jobs.length > 0) requests.unshift({ jobs, scope: { clientIds: null } });
    const state: EmailOutcome['state'] = requests.length > 0 ? 'processed' : verdicts.length > 0 ? 'ignored' : 'unmatched';
    const clientId = [...clients][0] ?? verdicts[0]?.check.client_id ?? null;
    return { ctx, checks: verdicts, requests, clientId, state };
  }
}

class MailParseError extends DomainError {}

function errorOutcome(error: string): EmailOutcome {
  return { state: 'error', messageId: null, from: null, subject: null, subjectPattern: null, template: null, clientId: null, checkIds: [], jobCount: 0, error };
}
