// Alerts as the API shows them, and the bodies of their actions (alert-routes.ts).
import { Type } from 'typebox';
import { ALERT_TYPES, SEVERITIES } from '../domain/settings.js';
import { Nullable, NullableTime, StringEnum } from '../http/schemas.js';

export const ALERT_STATES = ['open', 'acknowledged', 'dismissed', 'resolved'] as const;

export const AlertSchema = Type.Object({
  id: Type.String(),
  type: StringEnum(ALERT_TYPES),
  severity: StringEnum(SEVERITIES),
  state: StringEnum(ALERT_STATES),
  scope: StringEnum(['check', 'device', 'client', 'integration'] as const),
  client_id: Nullable(Type.String()),
  client_name: Nullable(Type.String()),
  device_id: Nullable(Type.String()),
  device_name: Nullable(Type.String()),
  check_id: Nullable(Type.String()),
  check_name: Nullable(Type.String()),
  integration_id: Nullable(Type.String()),
  title: Type.String(),
  detail: Type.Unknown(),
  condition_since: Type.String({ format: 'date-time' }),
  raised_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  acknowledged_at: NullableTime,
  acknowledged_by: Nullable(Type.String()),
  ack_note: Nullable(Type.String()),
  dismissed_at: NullableTime,
  dismissed_by: Nullable(Type.String()),
  dismissed_until: NullableTime,
  resolved_at: NullableTime,
  resolved_by: Nullable(Type.String()),
  replaces_id: Nullable(Type.String()),
});

export const AlertEventSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  kind: Type.String(),
  actor_type: Type.String(),
  actor_name: Nullable(Type.String()),
  from_severity: Nullable(Type.String()),
  to_severity: Nullable(Type.String()),
  note: Nullable(Type.String()),
});

export const AlertDetailSchema = Type.Object({ ...AlertSchema.properties, history: Type.Array(AlertEventSchema) });

export const NoteBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const GroupDismissBody = Type.Object(
  {
    client: Type.Optional(Type.String({ description: 'client id' })),
    device: Type.Optional(Type.String({ description: 'device id' })),
    type: Type.Optional(StringEnum(ALERT_TYPES)),
    all: Type.Optional(Type.Boolean({ description: 'dismiss every open alert you can see (admin)' })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
