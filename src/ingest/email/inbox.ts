// The unmatched inbox and stored mail: list and group messages, show one, re-run the pipeline on
// stored mail, draft a check from a message (rules pre-filled), and try draft rules against the
// most recent messages before saving them; suggest a check for a mail no template knows (the
// generic recogniser), and learn rules from a user's correction of a message's status.
import type { EmailRepository, EmailSummary, UnmatchedGroup } from '../../db/repositories/emails.js';
import type { CheckRow, EmailRow } from '../../db/schema.js';
import { canSeeClient, type Principal } from '../../domain/access.js';
import { correctionRules, draftRules, type SiblingMail } from '../../domain/email-draft.js';
import {
  type CompiledRules,
  compileRules,
  type EmailRules,
  type EmailRulesInput,
  matchesCheck,
  normaliseRules,
  type RuleStatus,
  statusByWords,
} from '../../domain/email-rules.js';
import { NotFoundError } from '../../domain/errors.js';
import type { CheckKind } from '../../domain/job.js';
import { DEFAULT_CLIENT_NAME } from '../service.js';
import { type Suggestion, suggest } from './generic.js';
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
  suggestion: Suggestion | null;
}

export interface Correction {
  client?: string;
  device: string;
  check: string;
  status: RuleStatus;
  kind?: CheckKind;
}

export interface CorrectionProposal {
  rules: EmailRules;
  trial: Array<{ id: string; received_at: number; subject: string; matched: boolean; status: string | null; reason: string | null }>;
  summary: { matched: number; by_status: Record<string, number> };
}

/** How many of a sender's stored mails a correction is tried on. */
const CORRECTION_TRIAL = 200;
/** Suggestions kept by message id: a stored message never changes, so neither does its suggestion. */
const SUGGESTION_CACHE = 2000;

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

  private readonly suggestions = new Map<string, Suggestion | null>();

  async list(p: Principal, req: PageRequest & { state?: string; from?: string; subject_pattern?: string }): Promise<Page<Suggested<EmailSummary>>> {
    const limit = req.limit ?? DEFAULT_LIMIT;
    const rows = await this.repo.list({
      clientIds: p.clientIds,
      state: req.state,
      from: req.from,
      subjectPattern: req.subject_pattern,
      after: cursorOf(req, 1),
      limit,
    });
    const page = toPage(rows, limit, (r) => [r.id], (r) => r);
    const found = await this.suggestionsFor(page.items.filter((r) => r.state === 'unmatched' && r.template === null).map((r) => r.id));
    return { ...page, items: page.items.map((r) => ({ ...r, suggestion: found.get(r.id) ?? null })) };
  }

  async groups(p: Principal, limit: number): Promise<Array<Suggested<UnmatchedGroup>>> {
    const groups = await this.repo.unmatchedGroups(p.clientIds, limit);
    const found = await this.suggestionsFor(groups.map((g) => g.last_id));
    return groups.map((g) => ({ ...g, suggestion: found.get(g.last_id) ?? null }));
  }

  async get(p: Principal, id: string): Promise<EmailDetail> {
    const row = await this.visible(p, id);
    const plan = await this.pipeline.plan(row);
    const suggestion = plan.state === 'unmatched' ? suggestionOf(plan.ctx) : null;
    return { row, ctx: plan.ctx, plan, suggestion };
  }

  /** The generic recogniser's suggestions for some stored messages, read once per message. */
  private async suggestionsFor(ids: readonly string[]): Promise<Map<string, Suggestion | null>> {
    const missing = ids.filter((id) => !this.suggestions.has(id));
    for (const row of await this.repo.rawOf(missing)) {
      const ctx = await this.pipeline.context(row).catch(() => null);
      if (this.suggestions.size >= SUGGESTION_CACHE) this.suggestions.delete(this.suggestions.keys().next().value!);
      this.suggestions.set(row.id, ctx ? suggestionOf(ctx) : null);
    }
    return new Map(ids.map((id) => [id, this.suggestions.get(id) ?? null]));
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
    // No template: the generic recogniser's names and rules, when it found any.
    const suggested = suggestionOf(ctx);
    const device = tjob?.device ?? suggested?.device ?? (mail.fromName || mail.from.split('@')[0] || 'mail');
    return {
      name: tjob?.check ?? suggested?.check ?? (mail.subject.slice(0, 200) || 'E-mail check'),
      kind: tjob?.kind ?? 'backup',
      client,
      device: { name: device.slice(0, 200) },
      email: suggested?.rules ?? draftRules(mail, ctx.recognised?.template.statusHints ?? null),
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

  /** Rules that give this message the status the user says it reports, tried on the sender's
   * stored mail; nothing is saved. */
  async proposeCorrection(p: Principal, id: string, c: Correction): Promise<CorrectionProposal> {
    const row = await this.visible(p, id);
    const ctx = await this.pipeline.context(row);
    const stored = await this.senderMail(p, ctx);
    const siblings: SiblingMail[] = stored.filter((s) => s.row.id !== id).map((s) => ({ ...s.ctx.mail, status: statusByWords(s.ctx.mail)?.status ?? null }));
    const rules = correctionRules(ctx.mail, c.status, siblings);
    const compiled = compileRules(rules);
    const trial = (stored.some((s) => s.row.id === id) ? stored : [{ row, ctx }, ...stored]).map((s) => trialOf(compiled, s.row, s.ctx));
    const by_status: Record<string, number> = {};
    for (const t of trial) if (t.status) by_status[t.status] = (by_status[t.status] ?? 0) + 1;
    return { rules, trial, summary: { matched: trial.filter((t) => t.matched).length, by_status } };
  }

  /** Saves a correction: creates the check (or gives the named existing one these rules), then
   * runs this message and the sender's unmatched messages again so they report to it. */
  async applyCorrection(p: Principal, id: string, c: Correction & { rules?: EmailRulesInput }): Promise<{ check: CheckRow; created: boolean; reprocessed: number }> {
    const row = await this.visible(p, id);
    const rules = c.rules ? normaliseRules(c.rules) : (await this.proposeCorrection(p, id, c)).rules;
    const client = c.client ?? (row.client_id ? await this.clientName(row.client_id) : undefined) ?? DEFAULT_CLIENT_NAME;
    const existing = await this.checks.idByNames(client, c.device, c.check);
    const check = existing
      ? await this.checks.update(p, existing, { email: rules, ...(c.kind && { kind: c.kind }) })
      : await this.checks.create(p, { name: c.check, kind: c.kind ?? 'backup', client, device: { name: c.device }, email: rules });
    const from = row.from_addr ?? (await this.pipeline.context(row)).mail.from;
    const similar = from ? await this.repo.list({ clientIds: p.clientIds, state: 'unmatched', from, after: null, limit: 500 }) : [];
    const ids = new Set([id, ...similar.map((s) => s.id)]);
    for (const e of ids) await this.pipeline.reprocess(e);
    await this.audit.record(p, {
      action: 'email.correction',
      targetType: 'email',
      targetId: id,
      clientId: check.client_id,
      details: { check_id: check.id, created: !existing, status: c.status, reprocessed: ids.size },
    });
    return { check, created: !existing, reprocessed: ids.size };
  }

  /** The sender's newest stored messages, parsed. */
  private async senderMail(p: Principal, ctx: MailContext): Promise<Array<{ row: EmailRow; ctx: MailContext }>> {
    if (!ctx.mail.from) return [];
    const rows = await this.repo.fromSender(p.clientIds, ctx.mail.from, CORRECTION_TRIAL);
    const out: Array<{ row: EmailRow; ctx: MailContext }> = [];
    for (const row of rows) out.push({ row, ctx: await this.pipeline.context(row) });
    return out;
  }

  private async visible(p: Principal, id: string): Promise<EmailRow> {
    const row = await this.repo.byId(id);
    if (!row) throw new NotFoundError('email', id);
    if (p.clientIds !== null && (row.client_id === null || !canSeeClient(p, row.client_id))) throw new NotFoundError('email', id);
    return row;
  }
}

export type Suggested<T> = T & { suggestion: Suggestion | null };

/** A suggestion only for mail no product template recognised: a template's reading comes first. */
function suggestionOf(ctx: MailContext): Suggestion | null {
  return ctx.recognised ? null : suggest(ctx.mail);
}

function trialOf(compiled: CompiledRules, row: EmailRow, ctx: MailContext): CorrectionProposal['trial'][number] {
  const matched = matchesCheck(compiled, ctx.mail);
  const verdict = matched ? checkVerdict({ id: '', device_id: '', client_id: '', kind: 'backup', rules: compiled }, ctx) : null;
  return { id: row.id, received_at: row.received_at, subject: ctx.mail.subject, matched, status: verdict?.status ?? null, reason: verdict?.rawStatus ?? null };
}
