// E-mail over SMTP: immediate mails per alert event, or an hourly digest (the schedule builds it);
// also the welcome, weekly-summary and test mails. A 5xx on RCPT means the address is refused:
// permanent, and the channel is broken. With no relay configured, each delivery fails at once,
// permanently, saying so (the channel itself is fine).
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { FieldProblem } from '../../../domain/errors.js';
import type { ChannelConfig, ChannelDriver, Message, SendContext, SendResult } from '../channel.js';
import { transient } from '../channel.js';
import { renderMail } from './templates.js';

export const EMAIL_MODES = ['immediate', 'hourly_digest'] as const;
const ADDRESS = /^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$/;
export const NO_RELAY = 'no relay configured: set KEEPWATCH_MAIL_URL (e.g. smtp://user:pass@relay:587) to send e-mail';

export function recipientsOf(raw: unknown): string[] | null {
  const list = typeof raw === 'string' ? raw.split(/[,;]/) : Array.isArray(raw) ? raw : null;
  if (list === null || list.some((x) => typeof x !== 'string')) return null;
  return [...new Set((list as string[]).map((x) => x.trim().toLowerCase()).filter((x) => x !== ''))];
}

function parseEmailConfig(raw: ChannelConfig): { config: ChannelConfig } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const to = recipientsOf(raw.to);
  if (to === null || to.length === 0) problems.push({ field: 'config.to', message: 'is required: one e-mail address or a list of them' });
  else if (to.length > 50) problems.push({ field: 'config.to', message: 'at most 50 addresses' });
  else for (const a of to) if (!ADDRESS.test(a)) problems.push({ field: 'config.to', message: `"${a}" is not an e-mail address` });
  const mode = raw.mode ?? 'immediate';
  if (!EMAIL_MODES.includes(mode as (typeof EMAIL_MODES)[number])) problems.push({ field: 'config.mode', message: `must be one of: ${EMAIL_MODES.join(', ')}` });
  for (const flag of ['weekly_summary', 'monthly_report']) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') problems.push({ field: `config.${flag}`, message: 'must be boolean' });
  }
  for (const k of Object.keys(raw)) if (!['to', 'mode', 'weekly_summary', 'monthly_report'].includes(k)) problems.push({ field: `config.${k}`, message: 'is not a known field' });
  if (problems.length > 0) return { problems };
  return { config: { to, mode, weekly_summary: raw.weekly_summary === true, ...(raw.monthly_report === true ? { monthly_report: true } : {}) } };
}

/** Same for every attempt, so a mailbox that drops repeated Message-IDs (Gmail does) shows one. */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'keepwatch';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

function smtpFailure(err: unknown): SendResult {
  const e = err as Error & { code?: string; responseCode?: number; command?: string; response?: string };
  const code = e.responseCode;
  const status = code ? `SMTP ${code}` : `SMTP ${e.code ?? 'error'}`;
  const response = e.response ?? e.message;
  if (code !== undefined && code >= 500) {
    const refused = e.code === 'EENVELOPE' || /RCPT/i.test(e.command ?? '');
    if (refused) return { ok: false, retry: false, breaksChannel: true, status, error: `the relay refused the recipient: ${response}`, response };
    return { ok: false, retry: false, breaksChannel: false, status, error: `the relay refused the message: ${response}`, response };
  }
  // 4xx, timeouts, refused connections, bad relay credentials: the relay may recover or be fixed.
  return transient(status, `could not hand the message to the relay: ${response}`, response);
}

/** The monthly report's PDF, rendered at send time from the stored period (a closed month: the same figures on every attempt). */
async function reportAttachment(m: Extract<Message, { kind: 'report' }>, ctx: SendContext) {
  if (!ctx.facts) throw new Error('reports are not available to this sender');
  const { pdf, filename } = await ctx.facts.compliancePdf(m.client_id, m.period_from, m.period_to);
  return [{ filename, content: pdf, contentType: 'application/pdf' }];
}

const EmailConfigSchema = Type.Object(
  {
    to: Type.Array(Type.String({ format: 'email' }), { minItems: 1, maxItems: 50, title: 'Recipients', description: 'each gets a welcome message when added' }),
    mode: Type.Optional(
      Type.Unsafe<(typeof EMAIL_MODES)[number]>({
        type: 'string',
        enum: [...EMAIL_MODES],
        default: 'immediate',
        title: 'When',
        description: 'immediate: one mail per alert event; hourly_digest: one mail an hour with the alerts still open',
      }),
    ),
    weekly_summary: Type.Optional(Type.Boolean({ default: false, title: 'Weekly summary', description: "also send the weekly summary (of this channel's clients)" })),
    monthly_report: Type.Optional(
      Type.Boolean({ default: false, title: 'Monthly report', description: "on the 1st, last month's compliance report as a PDF (channels limited to one client)" }),
    ),
  },
  { title: 'E-mail', description: 'Mail through the relay set in KEEPWATCH_MAIL_URL, at once or as an hourly digest.' },
);

export function emailDriver(from: string): ChannelDriver {
  return {
    type: 'email',
    configSchema: EmailConfigSchema,
    secretFields: [],
    topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
    kinds: ['alert', 'alert_group', 'digest', 'welcome', 'summary', 'test', 'report'],
    parseConfig: parseEmailConfig,
    // As many as the relay connection pool holds; mail delivery does not keep order anyway.
    maxInFlight: () => 3,
    async send(config, message: Message, ctx: SendContext): Promise<SendResult> {
      if (ctx.mailer === null) return { ok: false, retry: false, breaksChannel: false, status: 'no relay', error: NO_RELAY };
      const to = (('to' in message && message.to) || (message.kind === 'welcome' ? message.recipients : null) || (config.to as string[])) ?? [];
      if (to.length === 0) return { ok: true, status: 'no recipients', response: 'nobody to send to' };
      const mail = renderMail(message, ctx.publicUrl);
      try {
        const attachments = message.kind === 'report' ? await reportAttachment(message, ctx) : undefined;
        const info = await ctx.mailer.send({
          to,
          ...mail,
          attachments,
          messageId: messageIdFor(ctx.idempotencyKey, from),
          headers: { 'X-Keepwatch-Delivery': ctx.idempotencyKey, 'Auto-Submitted': 'auto-generated' },
        });
        if (info.accepted.length === 0) {
          return { ok: false, retry: false, breaksChannel: true, status: 'SMTP rejected', error: `the relay refused every recipient: ${info.rejected.join(', ')}`, response: info.response };
        }
        const rejected = info.rejected.length > 0 ? ` (refused: ${info.rejected.join(', ')})` : '';
        return { ok: true, status: `SMTP ${info.response.slice(0, 3)}`, response: `${info.response}${rejected}`.slice(0, 2000) };
      } catch (err) {
        return smtpFailure(err);
      }
    },
  };
}
