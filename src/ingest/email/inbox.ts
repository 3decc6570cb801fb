// The unmatched inbox and stored mail: list and group messages, show one, re-run the pipeline on
// stored mail, draft a check from a message (rules pre-filled), and try draft rules against the
// most recent messages before saving them.
import type { EmailRepository, EmailSummary, UnmatchedGroup } from '../../db/repositories/emails.js';
import type { CheckRow, EmailRow } from '../../db/schema.js';
import { canSeeClient, type Principal } from '../../domain/access.js';
import { draftRules } from '../../domain/email-draft.js';
import { compileRules, type EmailRules, type EmailRulesInput, matchesCheck, normaliseRules } from '../../domain/email-rules.js';
import { NotFoundError } from '../../domain/errors.js';
import type { CheckKind } from '../../domain/job.js';
import { checkVerdict, type MailContext, worstJob } from './jobs.js';
import { type Page, toPage } from '../../lib/cursor.js';
import { cursorOf, DEFAULT_LIMIT, type PageRequest } from '../../catalog/catalog.js';
import type { CheckService, NewCheck } from '../../catalog/checks.js';
import type { EmailPipeline, MailPlan } from './pipeline.js';
import type { AuditService } from '../../ops/audit.js';

export interface EmailDetail {
  row: EmailSummary;
  ctx: MailContext;
  plan: MailPlan;
}

export interface RuleTrial {
  id: string;
  received_at: number;
  from: string;
  subject: string;
  matched: boolean;
  status: string | null;
  reason: string | null;
  template: string | null;
}

export interface CheckDraft extends Omit<NewCheck, 'email'> {
  name: string;
  kind: CheckKind;
  client: string | undefined;
  device: { name: string };
  email: EmailRules;
}

export class EmailService {
  constructor(
    private readonly repo: EmailRepository,
    private readonly pipeline: EmailPipeline,
    private readonly checks: CheckService,
    private readonly clientName: (id: string) => Promise<string | undefined>,
    /** Wakes the e-mail worker: requeued messages wait for it. */
    private readonly wakeWorker: () => void,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal, req: PageRequest & { state?: string; from?: string; subject_pattern?: string }): Promise<Page<EmailSummary>> {
    const limit = req.limit ?? DEFAULT_LIMIT;
    const rows = await this.repo.list({
      clientIds: p.clientIds,
      state: req.state,
      from: req.from,
      subjectPattern: req.subject_pattern,
      after: cursorOf(req, 1),
      limit,
    });
    return toPage(rows, limit, (r) => [r.id], (r) => r);
  }

  groups(p: Principal, limit: number): Promise<UnmatchedGroup[]> {
    return this.repo.unmatchedGroups(p.clientIds, limit);
  }

  async get(p: Principal, id: string): Promise<EmailDetail> {
    const row = await this.visible(p, id);
    const plan = await this.pipeline.plan(row);
    return { row, ctx: plan.ctx, plan };
  }

  async raw(p: Principal, id: string): Promise<Buffer> {
    return (await this.visible(p, id)).raw;
  }

  /** Runs the pipeline on one stored message now; answers its summary afterwards. */
  async reprocess(p: Principal, id: string): Promise<EmailSummary> {
    const row = await this.visible(p, id);
    await this.pipeline.reprocess(id);
    await this.audit.record(p, { action: 'email.reprocess', targetType: 'email', targetId: id, clientId: row.client_id });
    return this.visible(p, id);
  }

  /** Queues stored messages again (after a parser fix, say); the worker runs them. Admin only. */
  async requeue(p: Principal, filter: { state?: string; since?: number }): Promise<number> {
    const n = await this.repo.requeue(filter);
    this.wakeWorker();
    await this.audit.record(p, { action: 'email.requeue', details: { ...filter, queued: n } });
    return n;
  }

  /** A check that would catch this message and its siblings; nothing is saved. */
  async draft(p: Principal, id: string): Promise<CheckDraft> {
    const { row, ctx } = await this.get(p, id);
    const mail = ctx.mail;
    const tjob = ctx.recognised ? worstJob(ctx.recognised.jobs) : null;
    const client = row.client_id ? await this.clientName(row.client_id) : undefined;
    const device = tjob?.device ?? (mail.fromName || mail.from.split('@')[0] || 'mail');
    return {
      name: tjob?.check ?? (mail.subject.slice(0, 200) || 'E-mail check'),
      kind: tjob?.kind ?? 'backup',
      client,
      device: { name: device.slice(0, 200) },
      email: draftRules(mail, ctx.recognised?.template.statusHints ?? null),
    };
  }

  /** Creates the check (draft plus the caller's changes), then runs the unmatched messages like
   * this one again so they report to it. */
  async createCheck(p: Principal, id: string, changes: Partial<NewCheck>): Promise<{ check: CheckRow; reprocessed: number }> {
    const draft = await this.draft(p, id);
    const row = await this.visible(p, id);
    const check = await this.checks.create(p, { ...draft, ...changes } as NewCheck);
    const similar = await this.repo.list({
      clientIds: p.clientIds,
      state: 'unmatched',
      from: row.from_addr ?? undefined,
      subjectPattern: row.subject_pattern ?? undefined,
      after: null,
      limit: 500,
    });
    const ids = new Set([id, ...similar.map((s) => s.id)]);
    for (const e of ids) await this.pipeline.reprocess(e);
    return { check, reprocessed: ids.size };
  }

  /** Which of the last `limit` messages these rules would catch, and with what status. */
  async trial(p: Principal, input: EmailRulesInput, limit: number): Promise<RuleTrial[]> {
    const compiled = compileRules(normaliseRules(input));
    const rows = await this.repo.recent(p.clientIds, limit);
    const out: RuleTrial[] = [];
    for (const row of rows) {
      const ctx = await this.pipeline.context(row);
      const matched = matchesCheck(compiled, ctx.mail);
      const verdict = matched ? checkVerdict({ id: '', device_id: '', client_id: '', kind: 'backup', rules: compiled }, ctx) : null;
      out.push({
        id: row.id,
        received_at: row.received_at,
        from: ctx.mail.from,
        subject: ctx.mail.subject,
        matched,
        status: verdict?.status ?? null,
        reason: verdict?.rawStatus ?? null,
        template: ctx.recognised?.template.id ?? null,
      });
    }
    return out;
  }

  private async visible(p: Principal, id: string): Promise<EmailRow> {
    const row = await this.repo.byId(id);
    if (!row) throw new NotFoundError('email', id);
    if (p.clientIds !== null && (row.client_id === null || !canSeeClient(p, row.client_id))) throw new NotFoundError('email', id);
    return row;
  }
}
