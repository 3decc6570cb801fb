// Schemas and answers of the notification routes: channels, delivery logs, notification settings.
import { Type, type Static } from 'typebox';
import type { DeliveryLogRow } from '../db/repositories/deliveries.js';
import { WEEKDAYS } from '../domain/notify.js';
import { ALERT_TYPES } from '../domain/settings.js';
import { toIso } from '../lib/time.js';
import { maskSecrets } from '../lib/secret-config.js';
import { type ChannelWithHealth, jsonList } from './channel-model.js';
import type { NotificationSettings } from './settings.js';
import { CHANNEL_TYPES } from './channels/registry.js';
import { HealthFields, healthDto, Name, Nullable, StringEnum } from '../http/schemas.js';

const Time = Nullable(Type.String({ format: 'date-time' }));

const Filters = {
  clients: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000, description: 'client ids; none: every client (an MSP NOC)' }))),
  min_severity: Type.Optional(Nullable(StringEnum(['warning', 'critical'] as const, { description: 'none: every severity' }))),
  types: Type.Optional(Nullable(Type.Array(StringEnum(ALERT_TYPES), { description: 'alert types; none: every type' }))),
  repeat_hours: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 168, description: 'notify an alert again every N hours while it stays open; none: off' }))),
  enabled: Type.Optional(Type.Boolean()),
};

const ConfigSchema = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'email: `to` (address or list), `mode` (`immediate` | `hourly_digest`), `weekly_summary` (bool). webhook: `url`, `secret` (≥ 16 chars, signs the body). slack: `url`. teams: `url` (a Workflows webhook). connectwise / autotask: see docs/psa.md. pagerduty / opsgenie: see docs/paging.md. Secrets are write-only: answered as `***`; send `***` or omit them to keep the stored value.',
});

export const NewChannelSchema = Type.Object(
  { type: StringEnum(CHANNEL_TYPES), name: Name, config: ConfigSchema, ...Filters },
  { additionalProperties: false },
);

export const ChannelPatchSchema = Type.Object(
  { type: Type.Optional(StringEnum(CHANNEL_TYPES)), name: Type.Optional(Name), config: Type.Optional(ConfigSchema), ...Filters },
  { additionalProperties: false },
);

export const ChannelSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown()),
  clients: Nullable(Type.Array(Type.String())),
  min_severity: Nullable(Type.String()),
  types: Nullable(Type.Array(Type.String())),
  repeat_hours: Nullable(Type.Integer()),
  enabled: Type.Boolean(),
  system: Type.Boolean({ description: 'the built-in owners-and-admins channel (destructive operations, weekly summary)' }),
  status: StringEnum(['ok', 'failing', 'broken', 'disabled'] as const, { description: 'the delivery state: disabled, broken (a person must fix it), failing (retrying with back-off) or ok' }),
  ...HealthFields,
  broken_reason: Nullable(Type.String()),
  failing_since: Time,
  warnings: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const DeliverySchema = Type.Object({
  id: Type.String(),
  channel_id: Type.String(),
  channel_name: Nullable(Type.String()),
  channel_type: Nullable(Type.String()),
  alert_id: Nullable(Type.String()),
  topic: Type.String(),
  state: StringEnum(['pending', 'sent', 'failed', 'expired', 'grouped'] as const, { description: 'grouped: sent as part of one message with other alerts of its device (docs/notifications.md, "Grouping")' }),
  attempts: Type.Integer(),
  next_attempt_at: Time,
  last_attempt_at: Time,
  last_status: Nullable(Type.String()),
  last_response: Nullable(Type.String()),
  idempotency_key: Type.String(),
  payload: Type.Unknown({ description: 'the message: an alert event, a digest, a welcome, a summary or a test' }),
  created_at: Type.String({ format: 'date-time' }),
  sent_at: Time,
});

export const TestResultSchema = Type.Object({
  ok: Type.Boolean(),
  status: Type.String({ description: 'e.g. `HTTP 200`, `SMTP 250`, `no relay`' }),
  detail: Type.String({ description: "the receiver's answer, or why it failed" }),
  delivery_id: Type.String(),
});

export const NotificationSettingsSchema = Type.Object({
  weekly_summary: Type.Object({
    enabled: Type.Boolean(),
    day: StringEnum(WEEKDAYS),
    hour: Type.Integer({ minimum: 0, maximum: 23, description: 'workspace time zone' }),
    owners_and_admins: Type.Boolean({ description: 'owners and admins get the workspace-wide summary; e-mail channels opt in with `weekly_summary: true`' }),
  }),
  group_wait_seconds: Type.Integer({ minimum: 0, maximum: 600, description: "alerts a device raises within this long after its last notice are sent together, as one message, when it ends; 0 sends each alert at once (docs/notifications.md, \"Grouping\")" }),
});

export const NotificationSettingsPatchSchema = Type.Object(
  {
    weekly_summary: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean()),
          day: Type.Optional(StringEnum(WEEKDAYS)),
          hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
          owners_and_admins: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    group_wait_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })),
  },
  { additionalProperties: false },
);

export type NewChannelBody = Static<typeof NewChannelSchema>;
export type ChannelPatchBody = Static<typeof ChannelPatchSchema>;

const iso = (ms: number) => new Date(ms).toISOString();

export function channelDto(c: ChannelWithHealth, secretFields: readonly string[], warnings: string[]): Static<typeof ChannelSchema> {
  const status = c.enabled === 0 ? 'disabled' : c.broken_at !== null ? 'broken' : c.failing_since !== null ? 'failing' : 'ok';
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    config: maskSecrets(JSON.parse(c.config) as Record<string, unknown>, secretFields),
    clients: jsonList(c.client_ids),
    min_severity: c.min_severity,
    types: jsonList(c.types),
    repeat_hours: c.repeat_hours,
    enabled: c.enabled === 1,
    system: c.system === 1,
    status,
    ...healthDto(c.health),
    broken_reason: c.broken_reason,
    failing_since: toIso(c.failing_since),
    warnings,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
  };
}

export function deliveryDto(d: DeliveryLogRow): Static<typeof DeliverySchema> {
  return {
    id: d.id,
    channel_id: d.channel_id,
    channel_name: d.channel_name,
    channel_type: d.channel_type,
    alert_id: d.alert_id,
    topic: d.topic,
    state: d.state as Static<typeof DeliverySchema>['state'],
    attempts: d.attempts,
    next_attempt_at: d.state === 'pending' ? toIso(d.next_attempt_at) : null,
    last_attempt_at: toIso(d.last_attempt_at),
    last_status: d.last_status,
    last_response: d.last_response,
    idempotency_key: d.idempotency_key,
    payload: JSON.parse(d.payload) as unknown,
    created_at: iso(d.created_at),
    sent_at: toIso(d.sent_at),
  };
}

export function settingsDto(s: NotificationSettings): Static<typeof NotificationSettingsSchema> {
  return s;
}
