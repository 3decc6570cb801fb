// Slack incoming webhooks: `{ text, blocks }` (Block Kit; `text` is the notification fallback).
// Answers per Slack's documented errors: 200 `ok`; 400 invalid_payload / user_not_found, 403
// action_prohibited, 404 channel_not_found, 410 channel_is_archived, and invalid_token /
// no_service / no_active_hooks are permanent (the hook or its channel is gone); 429 and 5xx
// (rollup_error) are retried.
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import type { AlertEvent } from '../../../domain/notify.js';
import type { Message, SendContext, SendResult } from '../channel.js';
import { permanent, transient } from '../channel.js';
import { alertUrl, detailLine, deviceUrl, facts, groupHeadline, headline, TEST_TEXT } from '../format.js';
import { type HttpAnswer, urlOnlyDriver } from '../http.js';

const PERMANENT_CODES = new Set([
  'invalid_payload',
  'user_not_found',
  'action_prohibited',
  'channel_not_found',
  'channel_is_archived',
  'invalid_token',
  'no_service',
  'no_active_hooks',
  'posting_to_general_channel_denied',
]);
const ICON: Record<string, string> = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:' };

/** Slack's mrkdwn needs &, < and > escaped in text we do not control. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackAlertPayload(e: AlertEvent, publicUrl: string): Record<string, unknown> {
  const url = alertUrl(publicUrl, e.alert.id);
  const icon = e.event === 'alert.resolved' ? ':white_check_mark:' : (ICON[e.alert.severity] ?? '');
  const detail = detailLine(e.alert);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${icon} *<${url}|${esc(headline(e))}>*${detail ? `\n${esc(detail)}` : ''}` } },
    { type: 'section', fields: facts(e.alert).slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${esc(k)}*\n${esc(v)}` })) },
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Keepwatch' }, url }] },
  ];
  return { text: headline(e), blocks };
}

export function classifySlack(a: HttpAnswer): SendResult {
  const code = a.body.trim();
  const status = `HTTP ${a.status}${code && code !== 'ok' ? ` ${code.slice(0, 60)}` : ''}`;
  if (a.status === 200 && !PERMANENT_CODES.has(code)) return { ok: true, status, response: a.body };
  if (a.status === 429 || a.status >= 500) return transient(status, `Slack answered ${a.status} ${code}; will retry`, a.body, a.retryAfterMs ?? undefined);
  return permanent(status, `Slack refused the message: ${code || a.status}`, a.body);
}

/** One device's alerts raised together: a headline, then a line per alert linking to it. */
export function slackGroupPayload(m: Extract<Message, { kind: 'alert_group' }>, publicUrl: string): Record<string, unknown> {
  const title = groupHeadline(m);
  const lines = m.events.map((e) => `${ICON[e.alert.severity] ?? ''} <${alertUrl(publicUrl, e.alert.id)}|${esc(headline(e))}>${detailLine(e.alert) ? ` — ${esc(detailLine(e.alert)!)}` : ''}`);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*<${deviceUrl(publicUrl, m.device_id)}|${esc(title)}>*` } },
    // A section's text holds at most 3,000 characters: a few alerts per section.
    ...chunks(lines, 8).map((part) => ({ type: 'section', text: { type: 'mrkdwn', text: part.join('\n').slice(0, 3000) } })),
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the device' }, url: deviceUrl(publicUrl, m.device_id) }] },
  ];
  return { text: title, blocks: blocks.slice(0, 50) };
}

function chunks<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

function payload(message: Message, ctx: SendContext): Record<string, unknown> {
  if (message.kind === 'alert') return slackAlertPayload(message.event, ctx.publicUrl);
  if (message.kind === 'alert_group') return slackGroupPayload(message, ctx.publicUrl);
  return { text: TEST_TEXT, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: ${TEST_TEXT}` } }] };
}

const ConfigSchema = Type.Object(
  { url: Type.String(endpoint({ format: 'uri', title: 'Webhook URL', description: 'https://hooks.slack.com/services/…' })) },
  { title: 'Slack', description: 'A Slack incoming webhook. The URL is the credential: kept write-only.' },
);

export const slackDriver = urlOnlyDriver('slack', ConfigSchema, payload, classifySlack);
