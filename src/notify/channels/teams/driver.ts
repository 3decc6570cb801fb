// Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"): an
// Adaptive Card 1.4 in a message attachment (Workflows take Adaptive Cards only; the retired
// connectors' MessageCard is not sent). 2xx delivered; 404/410 and other 4xx permanent (the flow
// was deleted or its URL changed); 429 and 5xx retried.
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import type { AlertEvent } from '../../../domain/notify.js';
import type { Message, SendContext } from '../channel.js';
import { alertUrl, detailLine, deviceUrl, facts, groupHeadline, headline, TEST_TEXT } from '../format.js';
import { urlOnlyDriver } from '../http.js';

const COLOR: Record<string, string> = { critical: 'Attention', warning: 'Warning', info: 'Accent' };

function card(body: unknown[], actions: unknown[]): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, actions },
      },
    ],
  };
}

export function teamsAlertPayload(e: AlertEvent, publicUrl: string): Record<string, unknown> {
  const color = e.event === 'alert.resolved' ? 'Good' : (COLOR[e.alert.severity] ?? 'Default');
  const detail = detailLine(e.alert);
  const body: unknown[] = [{ type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: headline(e), color, wrap: true }];
  if (detail) body.push({ type: 'TextBlock', text: detail, wrap: true });
  body.push({ type: 'FactSet', facts: facts(e.alert).map(([title, value]) => ({ title, value })) });
  return card(body, [{ type: 'Action.OpenUrl', title: 'Open in Keepwatch', url: alertUrl(publicUrl, e.alert.id) }]);
}

/** One device's alerts raised together: a headline, then a line per alert linking to it. */
export function teamsGroupPayload(m: Extract<Message, { kind: 'alert_group' }>, publicUrl: string): Record<string, unknown> {
  const critical = m.events.some((e) => e.alert.severity === 'critical');
  const body: unknown[] = [{ type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: groupHeadline(m), color: critical ? 'Attention' : 'Warning', wrap: true }];
  for (const e of m.events) {
    const detail = detailLine(e.alert);
    body.push({ type: 'TextBlock', text: `[${headline(e)}](${alertUrl(publicUrl, e.alert.id)})${detail ? ` — ${detail}` : ''}`, color: COLOR[e.alert.severity] ?? 'Default', wrap: true });
  }
  return card(body, [{ type: 'Action.OpenUrl', title: 'Open the device', url: deviceUrl(publicUrl, m.device_id) }]);
}

function payload(message: Message, ctx: SendContext): Record<string, unknown> {
  if (message.kind === 'alert') return teamsAlertPayload(message.event, ctx.publicUrl);
  if (message.kind === 'alert_group') return teamsGroupPayload(message, ctx.publicUrl);
  return card([{ type: 'TextBlock', text: TEST_TEXT, wrap: true, color: 'Good' }], [{ type: 'Action.OpenUrl', title: 'Open Keepwatch', url: ctx.publicUrl }]);
}

const ConfigSchema = Type.Object(
  { url: Type.String(endpoint({ format: 'uri', title: 'Webhook URL', description: 'the workflow’s HTTP POST URL' })) },
  { title: 'Microsoft Teams', description: 'A Teams Workflows webhook (“When a Teams webhook request is received”). The URL is kept write-only.' },
);

export const teamsDriver = urlOnlyDriver('teams', ConfigSchema, payload);
