// Atlassian JSM Operations through the Opsgenie-compatible alert API v2 (Opsgenie's own API closes
// in April 2027; `url` points at the EU host or JSM's integration endpoint). One alert per
// Keepwatch alert, its `alias` the key: create, then acknowledge and close by alias. The API answers
// 202 and processes later; the answer's requestId is recorded on the delivery.
// Shapes: shared/data/paging/opsgenie_alert_api_v2.txt.
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import type { AlertEvent } from '../../../domain/notify.js';
import type { ChannelConfig, SendContext, SendResult } from '../channel.js';
import { alertUrl, detailLine, facts, headline } from '../format.js';
import { postAndClassify } from '../http.js';
import { pageAction, pageKey, pagerDriver, RulesSchema } from '../paging.js';
import { secret } from '../psa/common-schema.js';

export const OPSGENIE_URL = 'https://api.opsgenie.com';

export const OpsgenieConfig = Type.Object(
  {
    api_key: Type.String(secret({ minLength: 8, title: 'API key', description: 'an API integration key (sent as GenieKey)' })),
    url: Type.Optional(Type.String(endpoint({ format: 'uri', minLength: 8, default: OPSGENIE_URL, title: 'API URL', description: 'https://api.opsgenie.com, https://api.eu.opsgenie.com, or the JSM Operations integration URL' }))),
    responders: Type.Optional(Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), type: Type.Union([Type.Literal('team'), Type.Literal('user'), Type.Literal('escalation'), Type.Literal('schedule')]) }, { additionalProperties: false }), { title: 'Responders' })),
    rules: Type.Optional(RulesSchema),
  },
  { additionalProperties: false },
);

const PRIORITY: Record<string, string> = { critical: 'P1', warning: 'P3', info: 'P5' };

/** The request for an event: [path under /v2/alerts, body]. */
export function opsgenieRequest(config: ChannelConfig, e: AlertEvent, ctx: Pick<SendContext, 'publicUrl'>): [string, Record<string, unknown>] {
  const a = e.alert;
  const alias = pageKey(a.id);
  const action = pageAction(e);
  const who = { source: 'Keepwatch', user: e.by ?? 'Keepwatch' };
  if (action === 'acknowledge') return [`/${encodeURIComponent(alias)}/acknowledge?identifierType=alias`, { ...who, note: e.note ?? 'Acknowledged in Keepwatch' }];
  if (action === 'resolve') return [`/${encodeURIComponent(alias)}/close?identifierType=alias`, { ...who, note: e.event === 'alert.resolved' ? 'Resolved in Keepwatch' : 'Dismissed in Keepwatch' }];
  const description = [detailLine(a), ...facts(a).map(([k, v]) => `${k}: ${v}`), alertUrl(ctx.publicUrl, a.id)].filter(Boolean).join('\n');
  return [
    '',
    {
      message: headline({ ...e, event: 'alert.raised' }).slice(0, 130),
      alias,
      description: description.slice(0, 15_000),
      ...(Array.isArray(config.responders) && config.responders.length > 0 ? { responders: config.responders } : {}),
      tags: ['keepwatch', a.type],
      details: { ...Object.fromEntries(facts(a)), alert: alertUrl(ctx.publicUrl, a.id) },
      entity: a.device_name ?? a.integration_name ?? a.client_name ?? undefined,
      source: 'Keepwatch',
      priority: PRIORITY[a.severity] ?? 'P3',
    },
  ];
}

export const opsgenieDriver = pagerDriver('opsgenie', 'api_key', OpsgenieConfig, async (config, message, ctx): Promise<SendResult> => {
  const base = `${(config.url as string).replace(/\/+$/, '')}/v2/alerts`;
  const headers = { authorization: `GenieKey ${config.api_key}` };
  if (message.kind === 'test') {
    // A P5 alert closed at once: proves the key without paging anyone for long.
    const alias = `keepwatch-test-${ctx.idempotencyKey}`;
    const first = await postAndClassify(base, JSON.stringify({ message: `Keepwatch test from ${message.requested_by}`, alias, priority: 'P5', source: 'Keepwatch' }), headers, ctx.timeoutMs);
    if (!first.ok) return first;
    return postAndClassify(`${base}/${encodeURIComponent(alias)}/close?identifierType=alias`, JSON.stringify({ source: 'Keepwatch' }), headers, ctx.timeoutMs);
  }
  if (message.kind !== 'alert') return { ok: true, status: 'skipped', response: 'a pager carries alerts only' };
  const [path, body] = opsgenieRequest(config, message.event, ctx);
  return postAndClassify(`${base}${path}`, JSON.stringify(body), headers, ctx.timeoutMs);
});
