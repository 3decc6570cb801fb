// Turning a routed message into jobs. Pure: the pipeline decides where a message goes; these
// functions shape what recordJobs stores. External ids come from the Message-ID (or a digest of
// the raw message) plus the check or object, so a re-delivered or re-processed mail updates its
// jobs instead of counting twice.
import type { PingTarget } from '../../db/repositories/ingest.js';
import { type CompiledRules, type DefaultStatus, statusByRules, statusByWords, type StatusVerdict } from '../../domain/email-rules.js';
import { type CheckKind, type JobStatus, nameKey, type Operation } from '../../domain/job.js';
import { buildJob, clampFuture, type JobInput } from '../../domain/job-build.js';
import type { IngestJob } from '../service.js';
import { figures } from './generic.js';
import type { ParsedEmail, Recognised, TemplateJob } from './templates/types.js';

export const EMAIL_SOURCE = 'email';

/** A job keeps the start of the mail's text as its log: enough for any status summary, while the
 * whole message stays in stored mail. Small rows keep the engine's history reads fast. */
export const MAX_EMAIL_LOG_CHARS = 16_000;

function logOf(ctx: MailContext): Pick<JobInput, 'log' | 'logCut'> {
  return { log: ctx.mail.text || null, logCut: { maxChars: MAX_EMAIL_LOG_CHARS, note: 'cut; the whole message is kept in stored mail' } };
}

/** An object's or check's name, never blank (buildJob cleans and cuts it). */
const named = (s: string) => (s.trim() === '' ? 'unnamed' : s);

/** Worse first: the status a check gets from a mail that lists several objects. */
const SEVERITY: Record<JobStatus, number> = { failed: 6, partial: 5, warning: 4, cancelled: 3, skipped: 2, running: 1, succeeded: 0 };

const OPERATION_BY_KIND: Record<CheckKind, Operation> = {
  backup: 'backup',
  copy: 'copy',
  replication: 'replication',
  verification: 'verification',
  saas_backup: 'backup',
};

export interface MailContext {
  emailId: string;
  /** Message-ID, or `sha256:<digest>` of the raw message when it has none. */
  mailKey: string;
  receivedAt: number;
  transport: string;
  mail: ParsedEmail;
  recognised: Recognised | null;
}

export interface CheckForMail {
  id: string;
  device_id: string;
  client_id: string;
  kind: string;
  rules: CompiledRules | null;
}

/** The time a mail speaks for: its Date header unless that is absent or implausibly old. A Date
 * ahead of the received time is left to clampFuture, which flags the job. */
export function mailTime(ctx: MailContext): number {
  const d = ctx.mail.date;
  if (d === null || d < ctx.receivedAt - 30 * 86_400_000) return ctx.receivedAt;
  return d;
}

export function worstJob(jobs: TemplateJob[]): TemplateJob | null {
  let worst: TemplateJob | null = null;
  for (const j of jobs) if (worst === null || SEVERITY[j.status] > SEVERITY[worst.status]) worst = j;
  return worst;
}

export type CheckVerdict = { status: JobStatus; rawStatus: string } | { status: 'ignore'; rawStatus: string };

/** Which built-in word statuses may decide, by the check's default: never a greener one. */
const WORDS_UNDER_DEFAULT: Record<DefaultStatus, readonly JobStatus[]> = {
  succeeded: ['failed', 'warning', 'succeeded'],
  ignore: ['failed', 'warning'],
  failed: ['failed'],
};

/** Status rules first, then a recognised template, then the built-in status words (failed,
 * error, warning, success, OK …: statusByWords), then the check's default. A check without status
 * rules defaults to success: its arrival is the signal. See docs/email.md. */
export function checkVerdict(check: CheckForMail, ctx: MailContext): CheckVerdict {
  const rules = check.rules;
  const verdict: StatusVerdict | null = rules ? statusByRules(rules, ctx.mail) : null;
  if (verdict) return { status: verdict.status, rawStatus: `rule: ${verdict.rule}` };
  const worst = ctx.recognised ? worstJob(ctx.recognised.jobs) : null;
  if (worst) return { status: worst.status, rawStatus: `${ctx.recognised!.template.id}: ${worst.rawStatus}` };
  const ruled = rules !== null && rules.status.length > 0;
  const fallback: DefaultStatus = ruled ? rules.rules.default_status : 'succeeded';
  const words = statusByWords(ctx.mail);
  if (words && WORDS_UNDER_DEFAULT[fallback].includes(words.status)) {
    return { status: words.status, rawStatus: `status from built-in words: '${words.word}' in ${words.field}` };
  }
  if (!ruled) return { status: 'succeeded', rawStatus: 'received' };
  return { status: fallback, rawStatus: `default: ${fallback}` };
}

function rawOf(ctx: MailContext, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    email_id: ctx.emailId,
    message_id: ctx.mail.messageId,
    transport: ctx.transport,
    from: ctx.mail.from,
    to: ctx.mail.to,
    subject: ctx.mail.subject,
    template: ctx.recognised?.template.id ?? null,
    ...extra,
  };
}

function messages(jobs: TemplateJob[]): string | null {
  const parts = jobs.filter((j) => j.message).map((j) => (jobs.length > 1 ? `${j.device}: ${j.message}` : j.message!));
  return parts.length > 0 ? parts.join('\n') : null;
}

/** The external id of a template's job: a check job that replaces it (a corrected misread mail
 * to a client's address) takes the same id, so the upsert moves the one job instead of adding one. */
export function templateExternalId(ctx: MailContext, j: Pick<TemplateJob, 'device' | 'check'>): string {
  return `${ctx.mailKey}:${nameKey(j.device)}/${nameKey(j.check)}`;
}

/** Bytes and duration of a check job: the template's, or (no template, no status rules: the
 * built-in words decide the status) the generic recogniser's figures. */
function jobFigures(check: CheckForMail, ctx: MailContext, tjobs: TemplateJob[], single: TemplateJob | null) {
  if (ctx.recognised) {
    const bytes = tjobs.some((j) => j.bytes !== null) ? tjobs.reduce((n, j) => n + (j.bytes ?? 0), 0) : null;
    return { bytes, durationMs: single?.durationMs ?? null };
  }
  if (check.rules !== null && check.rules.status.length > 0) return { bytes: null, durationMs: null };
  return figures(ctx.mail);
}

/** One job for a check that a message reported to (by its address or its matching rules). */
export function checkJob(
  check: CheckForMail,
  ctx: MailContext,
  verdict: { status: JobStatus; rawStatus: string },
  externalId = `${ctx.mailKey}:${check.id}`,
): IngestJob {
  const tjobs = ctx.recognised?.jobs ?? [];
  const single = tjobs.length === 1 ? tjobs[0]! : null;
  const { bytes, durationMs } = jobFigures(check, ctx, tjobs, single);
  const target: PingTarget = { checkId: check.id, deviceId: check.device_id, clientId: check.client_id, kind: check.kind };
  const good = verdict.status === 'succeeded';
  const job = buildJob({
    source: EMAIL_SOURCE,
    externalId,
    device: { name: '' },
    check: null,
    status: verdict.status,
    rawStatus: verdict.rawStatus,
    operation: OPERATION_BY_KIND[check.kind as CheckKind],
    startedAt: single?.startedAt ?? null,
    endedAt: single?.endedAt ?? mailTime(ctx),
    durationMs,
    bytes,
    message: messages(tjobs) ?? (good ? null : ctx.mail.subject || null),
    healthReplication: single?.health?.replication,
    healthFailover: single?.health?.failover,
    ...logOf(ctx),
    raw: rawOf(ctx, { check_id: check.id, rule: verdict.rawStatus }),
  });
  return { target, ...clampFuture(job, ctx.receivedAt) };
}

/** One job per object a recognised template read, for a client's devices and checks. */
export function templateJobs(ctx: MailContext): IngestJob[] {
  const rec = ctx.recognised;
  if (!rec) return [];
  return rec.jobs.map((j) => {
    const job = buildJob({
      source: EMAIL_SOURCE,
      externalId: templateExternalId(ctx, j),
      device: { name: named(j.device), class: j.kind === 'saas_backup' ? 'saas' : 'server' },
      check: { name: named(j.check), kind: j.kind },
      status: j.status,
      rawStatus: j.rawStatus,
      operation: OPERATION_BY_KIND[j.kind],
      startedAt: j.startedAt,
      endedAt: j.endedAt ?? (j.status === 'running' ? null : mailTime(ctx)),
      durationMs: j.durationMs,
      bytes: j.bytes,
      message: j.message,
      healthReplication: j.health?.replication,
      healthFailover: j.health?.failover,
      ...logOf(ctx),
      raw: rawOf(ctx, { object: j.device, check: j.check, raw_status: j.rawStatus, ...(j.unread?.length ? { unread: j.unread } : {}) }),
    });
    return clampFuture(job, ctx.receivedAt);
  });
}
