// Stored e-mail and the unmatched inbox (docs/email.md).
import { type Static, Type } from 'typebox';
import type { EmailSummary } from '../../db/repositories/emails.js';
import type { EmailDetail, EmailService } from './inbox.js';
import type { Suggestion } from './generic.js';
import { checkDto } from '../../catalog/dto.js';
import {
  CheckDraftSchema,
  CheckFromEmailBody,
  CheckFromEmailSchema,
  CorrectionAppliedSchema,
  CorrectionApplyBody,
  CorrectionBody,
  CorrectionSchema,
  EMAIL_STATES,
  EmailDetailSchema,
  EmailSummarySchema,
  RequeueBody,
  RuleTrialBody,
  RuleTrialSchema,
  UnmatchedGroupSchema,
} from './schemas.js';
import { resourceRoutes } from '../../http/resource-routes.js';
import { IdParams, PageQuery, problemResponses, StringEnum } from '../../http/schemas.js';
import type { Api } from '../../http/types.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function suggestionDto(s: Suggestion | null | undefined): Static<typeof EmailSummarySchema>['suggestion'] {
  if (!s) return null;
  return { device: s.device, check: s.check, status: s.status, bytes: s.bytes, duration_ms: s.durationMs, why: s.why };
}

export function emailSummaryDto(e: EmailSummary & { suggestion?: Suggestion | null }): Static<typeof EmailSummarySchema> {
  return {
    id: e.id,
    received_at: iso(e.received_at),
    transport: e.transport as 'smtp',
    mailbox_id: e.mailbox_id,
    envelope_from: e.envelope_from,
    envelope_to: JSON.parse(e.envelope_to) as string[],
    size: e.size,
    state: e.state as 'pending',
    attempts: e.attempts,
    processed_at: isoOrNull(e.processed_at),
    message_id: e.message_id,
    from: e.from_addr,
    subject: e.subject,
    subject_pattern: e.subject_pattern,
    template: e.template,
    client_id: e.client_id,
    check_ids: e.check_ids ? (JSON.parse(e.check_ids) as string[]) : [],
    job_count: e.job_count,
    error: e.error,
    suggestion: suggestionDto(e.suggestion),
  };
}

function detailDto({ row, ctx, plan, suggestion }: EmailDetail): Static<typeof EmailDetailSchema> {
  const m = ctx.mail;
  const rec = ctx.recognised;
  return {
    ...emailSummaryDto({ ...row, suggestion }),
    parsed: {
      from_name: m.fromName,
      to: m.to,
      date: isoOrNull(m.date),
      text: m.text.length > 200_000 ? `${m.text.slice(0, 200_000)}\n[… cut]` : m.text,
      has_html: m.html !== null,
      attachments: m.attachments.map((a) => ({ filename: a.filename, content_type: a.contentType, size: a.size })),
    },
    recognised: rec
      ? {
          template: rec.template.id,
          product: rec.template.product,
          jobs: rec.jobs.map((j) => ({
            device: j.device,
            check: j.check,
            kind: j.kind,
            status: j.status,
            raw_status: j.rawStatus,
            started_at: isoOrNull(j.startedAt),
            ended_at: isoOrNull(j.endedAt),
            duration_seconds: j.durationMs === null ? null : j.durationMs / 1000,
            bytes: j.bytes,
            message: j.message,
            unread: j.unread ?? [],
          })),
        }
      : null,
    routing: {
      state: plan.state,
      checks: plan.checks.map((c) => ({ check_id: c.check.id, status: c.status, reason: c.rawStatus })),
      client_id: plan.clientId,
    },
  };
}

/** Where mail reaches Keepwatch, for the inbox's empty state and setup instructions. */
export interface InboundSetup {
  /** Configured inbox entries: local parts (`backups`), full addresses, or `*`. */
  inboxes: readonly string[];
  smtpHost: string;
  smtpPort: () => number;
  auth: boolean;
  starttls: boolean;
}

const InboundSchema = Type.Object({
  inboxes: Type.Array(Type.String(), { description: 'addresses whose mail is matched against every check’s rules (empty for principals limited to clients)' }),
  any_address: Type.Boolean({ description: 'KEEPWATCH_MAIL_INBOXES is `*`: every address of the domain is an inbox' }),
  domain: Type.String({ description: 'the domain shown in addresses' }),
  smtp: Type.Object({ host: Type.String(), port: Type.Integer(), auth: Type.Boolean(), starttls: Type.Boolean() }),
});

function inboxAddresses(entries: readonly string[], domain: string): string[] {
  return entries.filter((e) => e !== '*').map((e) => (e.includes('@') ? e : `${e}@${domain}`));
}

export function emailRoutes(app: Api, deps: { emails: EmailService; publicUrl: string; mailDomain?: string; inbound?: InboundSetup }): void {
  const { emails, publicUrl, mailDomain, inbound } = deps;
  const tags = ['emails'];
  const r = resourceRoutes(app, { path: '/api/v1/emails', tags, ability: 'read' });

  app.get(
    '/api/v1/emails/inbound',
    {
      config: { ability: 'read' },
      schema: { tags, summary: 'Where to send status mail: the inbox addresses and the SMTP listener', response: { 200: InboundSchema, ...problemResponses } },
    },
    async (req) => {
      const domain = mailDomain ?? new URL(publicUrl).hostname;
      const unrestricted = req.principal.clientIds === null;
      const entries = inbound?.inboxes ?? [];
      return {
        inboxes: unrestricted ? inboxAddresses(entries, domain) : [],
        any_address: unrestricted && entries.includes('*'),
        domain,
        smtp: { host: inbound?.smtpHost ?? domain, port: inbound?.smtpPort() ?? 2525, auth: inbound?.auth ?? false, starttls: inbound?.starttls ?? false },
      };
    },
  );

  r.list(
    {
      summary: 'Stored messages, newest first',
      item: EmailSummarySchema,
      query: Type.Object({
        ...PageQuery,
        state: Type.Optional(StringEnum(EMAIL_STATES)),
        from: Type.Optional(Type.String()),
        subject_pattern: Type.Optional(Type.String()),
      }),
    },
    (p, query) => emails.list(p, query),
    emailSummaryDto,
  );

  app.get(
    '/api/v1/emails/unmatched',
    {
      config: { ability: 'read' },
      schema: {
        tags,
        summary: 'The unmatched inbox: messages no check took, grouped by sender and subject pattern',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
        response: { 200: Type.Object({ items: Type.Array(UnmatchedGroupSchema) }), ...problemResponses },
      },
    },
    async (req) => {
      const groups = await emails.groups(req.principal, req.query.limit ?? 100);
      return {
        items: groups.map((g) => ({
          from: g.from_addr,
          subject_pattern: g.subject_pattern,
          count: g.count,
          last_received_at: iso(g.last_received_at),
          last_id: g.last_id,
          suggestion: suggestionDto(g.suggestion),
        })),
      };
    },
  );

  r.get({ summary: 'One message: parsed text, recognised product, where it goes', item: EmailDetailSchema }, async (p, id) => detailDto(await emails.get(p, id)));

  app.get(
    '/api/v1/emails/:id/raw',
    {
      config: { ability: 'read' },
      schema: {
        tags,
        summary: 'The message exactly as received (message/rfc822)',
        params: IdParams,
        response: { 200: Type.String({ description: 'RFC 5322 message' }), ...problemResponses },
      },
    },
    async (req, reply) => reply.type('message/rfc822').send((await emails.raw(req.principal, req.params.id)) as unknown as string),
  );

  r.action('POST', 'reprocess', { summary: 'Run the pipeline on a stored message again, now', ability: 'operate', answer: EmailSummarySchema }, async (p, id) =>
    emailSummaryDto(await emails.reprocess(p, id)),
  );

  app.post(
    '/api/v1/emails/reprocess',
    {
      config: { ability: 'admin', scope: 'workspace' },
      schema: {
        tags,
        summary: 'Queue stored messages for processing again (e.g. after a parser fix)',
        body: RequeueBody,
        response: { 202: Type.Object({ queued: Type.Integer() }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const since = req.body.since === undefined ? undefined : Date.parse(req.body.since);
      return reply.code(202).send({ queued: await emails.requeue(req.principal, { state: req.body.state, since }) });
    },
  );

  r.action('GET', 'check-draft', { summary: 'A check that would catch this message, rules pre-filled; nothing is saved', ability: 'operate', answer: CheckDraftSchema }, (p, id) =>
    emails.draft(p, id),
  );

  app.post(
    '/api/v1/emails/:id/check',
    {
      config: { ability: 'operate' },
      schema: {
        tags,
        summary: 'Create a check from this message (the draft with your changes) and re-run the similar unmatched messages',
        params: IdParams,
        body: CheckFromEmailBody,
        response: { 201: CheckFromEmailSchema, ...problemResponses },
      },
    },
    async (req, reply) => {
      const made = await emails.createCheck(req.principal, req.params.id, req.body);
      return reply.code(201).send({ check: checkDto(made.check, publicUrl, mailDomain), reprocessed: made.reprocessed });
    },
  );

  app.post(
    '/api/v1/emails/:id/correction',
    {
      config: { ability: 'operate' },
      schema: {
        tags,
        summary: 'Propose rules that give this message the status you say it reports, tried on the sender’s stored mail; nothing is saved',
        params: IdParams,
        body: CorrectionBody,
        response: { 200: CorrectionSchema, ...problemResponses },
      },
    },
    async (req) => {
      const proposal = await emails.proposeCorrection(req.principal, req.params.id, req.body);
      return { ...proposal, trial: proposal.trial.map((t) => ({ ...t, received_at: iso(t.received_at) })) };
    },
  );

  app.post(
    '/api/v1/emails/:id/correction/apply',
    {
      config: { ability: 'operate' },
      schema: {
        tags,
        summary: 'Save a correction: create the check (or update the named one’s rules) and re-run this message and the sender’s unmatched mail',
        params: IdParams,
        body: CorrectionApplyBody,
        response: { 200: CorrectionAppliedSchema, ...problemResponses },
      },
    },
    async (req) => {
      const made = await emails.applyCorrection(req.principal, req.params.id, req.body);
      return { check: checkDto(made.check, publicUrl, mailDomain), created: made.created, reprocessed: made.reprocessed };
    },
  );

  app.post(
    '/api/v1/emails/test-rules',
    {
      config: { ability: 'read' },
      schema: {
        tags,
        summary: 'Which of the most recent messages draft rules would catch, and with what status',
        body: RuleTrialBody,
        response: { 200: RuleTrialSchema, ...problemResponses },
      },
    },
    async (req) => {
      const items = await emails.trial(req.principal, req.body.email, req.body.limit ?? 100);
      return { items: items.map((t) => ({ ...t, received_at: iso(t.received_at) })), matched: items.filter((t) => t.matched).length };
    },
  );
}
