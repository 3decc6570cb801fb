// Schemas of the connectors API (routes/connectors.ts).
import { Type } from 'typebox';
import { CONNECTOR_TYPES } from './registry.js';
import { HealthFields, Name, Nullable, StringEnum } from '../http/schemas.js';

const Time = Type.String({ format: 'date-time' });
const ConfigObject = Type.Record(Type.String(), Type.Unknown(), { description: "the type's settings; secrets are write-only and answered as \"***\"" });

export const NewConnectorSchema = Type.Object(
  {
    type: StringEnum(CONNECTOR_TYPES),
    name: Name,
    config: ConfigObject,
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
  },
  { additionalProperties: false },
);

export const ConnectorPatchSchema = Type.Object(
  {
    name: Type.Optional(Name),
    enabled: Type.Optional(Type.Boolean()),
    config: Type.Optional(ConfigObject),
  },
  { additionalProperties: false },
);

export const ConnectorSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  source: Type.String({ description: 'the `source` of the jobs it records' }),
  enabled: Type.Boolean(),
  interval_minutes: Type.Number(),
  config: Type.Record(Type.String(), Type.Unknown()),
  running: Type.Boolean({ description: 'a sync is running now (on any instance)' }),
  ...HealthFields,
  next_run_at: Time,
  last_run: Nullable(
    Type.Object({
      id: Type.String(),
      finished_at: Time,
      status: Type.String({ description: 'succeeded, partial (some vaults failed), failed or abandoned' }),
      error: Nullable(Type.String()),
    }),
  ),
  created_at: Time,
  updated_at: Time,
});

export const ConnectorRunSchema = Type.Object({
  id: Type.String(),
  connector_id: Type.String(),
  trigger: StringEnum(['schedule', 'manual', 'cli'] as const),
  status: StringEnum(['running', 'succeeded', 'partial', 'failed', 'abandoned'] as const),
  outcome: Nullable(Type.String({ description: 'health reported: ok, auth, quota or other' })),
  started_at: Time,
  finished_at: Nullable(Time),
  duration_ms: Nullable(Type.Number()),
  counts: Type.Record(Type.String(), Type.Number()),
  errors: Type.Array(Type.Object({ scope: Type.String(), kind: Type.String(), message: Type.String() })),
  error: Nullable(Type.String()),
});

export const TestReportSchema = Type.Object({
  ok: Type.Boolean(),
  steps: Type.Array(Type.Object({ step: Type.String(), ok: Type.Boolean(), message: Type.String() })),
});
