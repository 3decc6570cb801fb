// Alerts as the API shows them, and the bodies of their actions (alert-routes.ts).
import { Type } from 'typebox';
import { ALERT_TYPES, SEVERITIES } from '../domain/settings.js';
import { Id, IsoTime, Nullable, NullableTime, StringEnum } from '../http/schemas.js';

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

const Note = Type.String({ maxLength: 2000 });
const Until = Type.String({ ...IsoTime, description: 'when the dismissal runs out (in the future, at most 30 days ahead); default: the client\'s dismissal period' });
/** The most alerts one bulk call acts on. */
export const MAX_BULK_IDS = 500;
const Ids = Type.Array(Id, { minItems: 1, maxItems: MAX_BULK_IDS, description: `alert ids (1–${MAX_BULK_IDS})` });

export const NoteBody = Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false });

export const DismissBody = Type.Object({ note: Type.Optional(Note), until: Type.Optional(Until) }, { additionalProperties: false });

export const BulkAcknowledgeBody = Type.Object({ ids: Ids, note: Type.Optional(Note) }, { additionalProperties: false });

const BulkResultSchema = Type.Object({
  id: Type.String(),
  result: StringEnum(['done', 'unchanged', 'not_found', 'conflict'] as const, { description: 'done; unchanged (already so); not_found (absent, or a client you cannot see); conflict (its state forbids it)' }),
  state: Nullable(StringEnum(ALERT_STATES)),
  detail: Nullable(Type.String()),
});

export const BulkAcknowledgeResponse = Type.Object({ acknowledged: Type.Integer(), results: Type.Array(BulkResultSchema) });

/** With `results` when `ids` were given (one per distinct id, in the order asked). */
export const DismissResponse = Type.Object({ dismissed: Type.Integer(), results: Type.Optional(Type.Array(BulkResultSchema)) });

export const GroupDismissBody = Type.Object(
  {
    ids: Type.Optional(Ids),
    client: Type.Optional(Type.String({ description: 'client id' })),
    device: Type.Optional(Type.String({ description: 'device id' })),
    type: Type.Optional(StringEnum(ALERT_TYPES)),
    all: Type.Optional(Type.Boolean({ description: 'dismiss every open alert you can see (admin)' })),
    note: Type.Optional(Note),
    until: Type.Optional(Until),
  },
  { additionalProperties: false, description: 'either ids, or a group (client, device, type), or all' },
);
