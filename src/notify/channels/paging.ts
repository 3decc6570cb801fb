// What PagerDuty and Opsgenie channels share: the escalation rules in their config (TypeBox, served
// to forms), the key that ties Keepwatch's alert to the page (dedup_key, alias), and the driver
// around their `send` (pagerDriver). Pages are
// queued by the notification schedule when a rule holds (services/notify-paging.ts), never by
// routing, so "open for 6 h outside business hours" is seen when it becomes true; the channel is
// routed only the follow-ups of what it paged (acknowledged, resolved, dismissed).
import { type TObject, Type } from 'typebox';
import { DEFAULT_RULES, DEVICE_CLASSES, HOURS_CHOICES, ruleProblems } from '../../domain/paging.js';
import { ALERT_TYPES } from '../../domain/settings.js';
import type { AlertEvent } from '../../domain/notify.js';
import type { ChannelConfig, ChannelDriver } from './channel.js';
import { schemaProblems, withDefaults } from './config-schema.js';

const Enum = <T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) => Type.Union(values.map((v) => Type.Literal(v)), options);

export const PageRuleSchema = Type.Object(
  {
    types: Type.Optional(Type.Array(Enum(ALERT_TYPES), { title: 'Alert types', description: 'none: every type' })),
    classes: Type.Optional(Type.Array(Enum(DEVICE_CLASSES), { title: 'Device classes', description: 'none: every class (and alerts without a device)' })),
    min_severity: Type.Optional(Enum(['warning', 'critical'] as const, { default: 'critical', title: 'From severity' })),
    open_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 43_200, default: 0, title: 'Open for (minutes)', description: 'how long the condition has held' })),
    hours: Type.Optional(Enum(HOURS_CHOICES, { default: 'any', title: 'When', description: 'any time, inside or outside business hours (the client’s, else the workspace’s)' })),
  },
  { additionalProperties: false },
);

export const RulesSchema = Type.Array(PageRuleSchema, { minItems: 1, maxItems: 20, title: 'Escalation rules', description: 'an alert pages when any rule holds; default: every critical alert at once' });

/** Our alert's key on the paging service: the same trigger twice is one incident. */
export const pageKey = (alertId: string) => `keepwatch-${alertId}`;

export const PAGER_TOPICS = ['alert.acknowledged', 'alert.resolved', 'alert.dismissed'] as const;

export type PageAction = 'trigger' | 'acknowledge' | 'resolve';

/** Which action an event asks of a pager: the schedule's page triggers; acknowledgement; the end. */
export function pageAction(e: AlertEvent): PageAction {
  if (e.event === 'alert.acknowledged') return 'acknowledge';
  if (e.event === 'alert.resolved' || e.event === 'alert.dismissed') return 'resolve';
  return 'trigger';
}

/**
 * A pager channel: one secret field, its config checked against its schema and its escalation
 * rules (none given: DEFAULT_RULES), told of the follow-ups of what it paged; `send` does the rest.
 */
export function pagerDriver(type: string, secretField: string, configSchema: TObject, send: ChannelDriver['send']): ChannelDriver {
  return {
    type,
    secretFields: [secretField],
    topics: PAGER_TOPICS,
    kinds: ['alert', 'test'],
    pages: true,
    configSchema,
    parseConfig(raw) {
      const problems = [...schemaProblems(configSchema, raw), ...(raw.rules === undefined ? [] : ruleProblems(raw.rules))];
      if (problems.length > 0) return { problems };
      const config = withDefaults<ChannelConfig>(configSchema, raw);
      return { config: { ...config, rules: config.rules ?? DEFAULT_RULES } };
    },
    send,
  };
}
