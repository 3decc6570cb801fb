// PagerDuty Events API v2: POST {routing_key, event_action, dedup_key, payload} to /v2/enqueue.
// trigger / acknowledge / resolve share the alert's dedup_key. 202 is delivered; 400 (an invalid
// event: in practice a wrong routing key) is permanent and breaks the channel; 429 (not ingested)
// and 5xx are retried. Shapes: shared/data/paging/pagerduty_events_v2_*.
import { Type } from 'typebox';
import { endpoint } from '../../../lib/config-fields.js';
import type { AlertEvent } from '../../../domain/notify.js';
import type { ChannelConfig, SendContext, SendResult } from '../channel.js';
import { alertUrl, detailLine, deviceUrl, facts, headline } from '../format.js';
import { classifyHttp, type HttpAnswer, postAndClassify } from '../http.js';
import { pageAction, pageKey, pagerDriver, RulesSchema } from '../paging.js';
import { secret } from '../psa/common-schema.js';

export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';

export const PagerDutyConfig = Type.Object(
  {
    routing_key: Type.String(secret({ minLength: 32, maxLength: 32, title: 'Integration (routing) key', description: 'the 32-character key of an Events API v2 integration' })),
    url: Type.Optional(Type.String(endpoint({ format: 'uri', minLength: 8, default: PAGERDUTY_URL, title: 'Events API URL' }))),
    rules: Type.Optional(RulesSchema),
  },
  { additionalProperties: false },
);

const SEVERITY: Record<string, string> = { critical: 'critical', warning: 'warning', info: 'info' };

export function pagerDutyEvent(config: ChannelConfig, e: AlertEvent, ctx: Pick<SendContext, 'publicUrl'>): Record<string, unknown> {
  const a = e.alert;
  const base = { routing_key: config.routing_key, dedup_key: pageKey(a.id), event_action: pageAction(e) };
  if (base.event_action !== 'trigger') return base;
  const links = [{ href: alertUrl(ctx.publicUrl, a.id), text: 'Alert in Keepwatch' }];
  if (a.device_id) links.push({ href: deviceUrl(ctx.publicUrl, a.device_id), text: 'Device and job log' });
  return {
    ...base,
    payload: {
      summary: headline({ ...e, event: 'alert.raised' }).slice(0, 1024),
      source: a.device_name ?? a.integration_name ?? a.client_name ?? 'keepwatch',
      severity: SEVERITY[a.severity] ?? 'error',
      timestamp: a.condition_since ?? e.at,
      component: a.check_name ?? undefined,
      group: a.client_name ?? undefined,
      class: a.type,
      custom_details: { ...Object.fromEntries(facts(a)), detail: detailLine(a) ?? undefined },
    },
    links,
    client: 'Keepwatch',
    client_url: alertUrl(ctx.publicUrl, a.id),
  };
}

function classify(a: HttpAnswer): SendResult {
  if (a.status === 400) {
    return { ok: false, retry: false, breaksChannel: true, status: 'HTTP 400', error: 'PagerDuty refused the event as invalid (check the routing key)', response: a.body };
  }
  return classifyHttp(a);
}

export const pagerDutyDriver = pagerDriver('pagerduty', 'routing_key', PagerDutyConfig, async (config, message, ctx): Promise<SendResult> => {
  let body: Record<string, unknown>;
  if (message.kind === 'alert') body = pagerDutyEvent(config, message.event, ctx);
  else if (message.kind === 'test') {
    // A test opens and resolves an incident of its own, so nobody stays paged for it.
    const key = `keepwatch-test-${ctx.idempotencyKey}`;
    const trigger = { routing_key: config.routing_key, event_action: 'trigger', dedup_key: key, payload: { summary: `Keepwatch test from ${message.requested_by}`, source: 'keepwatch', severity: 'info' } };
    const first = await postAndClassify(config.url as string, JSON.stringify(trigger), {}, ctx.timeoutMs, classify);
    if (!first.ok) return first;
    body = { routing_key: config.routing_key, event_action: 'resolve', dedup_key: key };
  } else return { ok: true, status: 'skipped', response: 'a pager carries alerts only' };
  return postAndClassify(config.url as string, JSON.stringify(body), {}, ctx.timeoutMs, classify);
});
