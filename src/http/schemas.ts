// Route schemas: the single source for validation, the OpenAPI document and the console's types.
import { type TSchema, Type, type Static } from 'typebox';
import {
  CHECK_KINDS,
  COPY_TIERS,
  DEVICE_CLASSES,
  HEALTH_LEVELS,
  JOB_STATUSES,
  OPERATIONS,
  REASONS,
  TRIGGERS,
} from '../domain/job.js';

/** A string enum as one `enum` keyword, so a bad value gets one clear error. */
export function StringEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function NullableEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null], ...options });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const IsoTime = Type.String({ format: 'date-time' });
export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const IdParams = Type.Object({ id: Id });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** The error answers every authenticated route can give. */
export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  429: ProblemSchema,
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Nullable(Type.String()) });
}

export const PageQuery = {
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

// ---- jobs ---------------------------------------------------------------------------------

const NonNegative = Type.Number({ minimum: 0 });

export const JobReportSchema = Type.Object(
  {
    source: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'the reporting system; with external_id, the idempotency key' }),
    external_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 500 }))),
    client: Type.Optional(Nullable(Name)),
    device: Type.Object(
      {
        name: Name,
        class: Type.Optional(NullableEnum(DEVICE_CLASSES)),
        type: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
        storage_used_bytes: Type.Optional(Nullable(NonNegative)),
        storage_quota_bytes: Type.Optional(Nullable(NonNegative)),
        free_space_percent: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 100 }))),
        purgeable: Type.Optional(Nullable(Type.Boolean())),
      },
      { additionalProperties: true },
    ),
    check: Type.Optional(
      Nullable(
        Type.Object(
          { name: Name, kind: Type.Optional(NullableEnum(CHECK_KINDS)), tier: Type.Optional(NullableEnum(COPY_TIERS)) },
          { additionalProperties: true },
        ),
      ),
    ),
    status: StringEnum(JOB_STATUSES),
    raw_status: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    operation: Type.Optional(NullableEnum(OPERATIONS)),
    trigger: Type.Optional(NullableEnum(TRIGGERS)),
    started_at: Type.Optional(Nullable(IsoTime)),
    ended_at: Type.Optional(Nullable(IsoTime)),
    duration_seconds: Type.Optional(Nullable(NonNegative)),
    bytes: Type.Optional(Nullable(NonNegative)),
    message: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
    error_code: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    reason: Type.Optional(NullableEnum(REASONS)),
    health: Type.Optional(
      Nullable(
        Type.Object({
          replication: Type.Optional(NullableEnum(HEALTH_LEVELS)),
          failover: Type.Optional(NullableEnum(HEALTH_LEVELS)),
        }),
      ),
    ),
    log: Type.Optional(Nullable(Type.String({ maxLength: 100_000 }))),
  },
  { additionalProperties: true },
);

export const MAX_BATCH = 1000;
export const JobBatchSchema = Type.Object({
  jobs: Type.Array(JobReportSchema, { minItems: 1, maxItems: MAX_BATCH }),
});

export const RecordedJobsSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      client_id: Type.String(),
      device_id: Type.String(),
      check_id: Nullable(Type.String()),
      created: Type.Boolean(),
    }),
  ),
});

const Time = Nullable(Type.String({ format: 'date-time' }));

export const JobSchema = Type.Object({
  id: Type.String(),
  client_id: Type.String(),
  device_id: Type.String(),
  check_id: Nullable(Type.String()),
  source: Type.String(),
  external_id: Type.String(),
  status: StringEnum(JOB_STATUSES),
  raw_status: Type.String(),
  operation: Type.String(),
  trigger: Type.String(),
  started_at: Time,
  ended_at: Time,
  duration_seconds: Nullable(Type.Number()),
  bytes: Nullable(Type.Number()),
  message: Nullable(Type.String()),
  error_code: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  health: Nullable(Type.Object({ replication: Nullable(Type.String()), failover: Nullable(Type.String()) })),
  received_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const JobDetailSchema = Type.Object({
  ...JobSchema.properties,
  log: Nullable(Type.String()),
  raw: Type.Unknown({ description: 'the report exactly as the source sent it' }),
});

// ---- checks -------------------------------------------------------------------------------

/** One flat object (not a union) so a mistake gets one precise error; the service checks combinations. */
export const ScheduleSchema = Type.Object(
  {
    type: StringEnum(['interval', 'cron'] as const),
    interval_seconds: Type.Optional(Type.Integer({ minimum: 60, description: 'interval schedules' })),
    cron: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'cron schedules: 5 or 6 fields' })),
    tz: Type.Optional(Nullable(Type.String({ description: 'IANA time zone of a cron schedule (default UTC)' }))),
  },
  { additionalProperties: false },
);

export const CheckSchema = Type.Object({
  id: Type.String(),
  device_id: Type.String(),
  client_id: Type.String(),
  name: Type.String(),
  kind: StringEnum(CHECK_KINDS),
  tier: Nullable(Type.String()),
  state: StringEnum(['new', 'up', 'late', 'overdue', 'paused'] as const),
  schedule: Nullable(
    Type.Object({
      type: Type.String(),
      interval_seconds: Nullable(Type.Number()),
      cron: Nullable(Type.String()),
      tz: Nullable(Type.String()),
      inferred: Type.Boolean(),
    }),
  ),
  grace_seconds: Nullable(Type.Number()),
  paused: Type.Boolean(),
  ping_url: Type.String(),
  last_job_at: Time,
  last_good_at: Time,
  last_status: Nullable(Type.String()),
  consecutive_failures: Type.Integer(),
  next_due_at: Time,
  created_at: Type.String({ format: 'date-time' }),
});

const CheckFields = {
  kind: Type.Optional(StringEnum(CHECK_KINDS)),
  tier: Type.Optional(NullableEnum(COPY_TIERS)),
  schedule: Type.Optional(Nullable(ScheduleSchema)),
  grace_seconds: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  paused: Type.Optional(Type.Boolean()),
};

export const NewCheckSchema = Type.Object(
  {
    name: Name,
    device_id: Type.Optional(Id),
    client: Type.Optional(Name),
    device: Type.Optional(
      Type.Object({ name: Name, class: Type.Optional(StringEnum(DEVICE_CLASSES)), type: Type.Optional(Type.String({ maxLength: 100 })) }),
    ),
    ...CheckFields,
  },
  { additionalProperties: false },
);

export const CheckPatchSchema = Type.Object({ name: Type.Optional(Name), ...CheckFields }, { additionalProperties: false });

// ---- devices and clients -------------------------------------------------------------------

export const DEVICE_STATUSES = ['healthy', 'warning', 'critical', 'unknown', 'retired'] as const;

export const DeviceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  client_id: Type.String(),
  class: StringEnum(DEVICE_CLASSES),
  type: Type.String(),
  tags: Type.Array(Type.String()),
  status: StringEnum(DEVICE_STATUSES),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  last_good_at: Time,
  last_job_at: Time,
  retired_at: Time,
  storage_used_bytes: Nullable(Type.Number()),
  storage_quota_bytes: Nullable(Type.Number()),
  free_space_percent: Nullable(Type.Number()),
  purgeable: Nullable(Type.Boolean()),
  created_at: Type.String({ format: 'date-time' }),
  checks: Type.Array(CheckSchema),
});

export const FactsSchema = Type.Object(
  {
    storage_used_bytes: Type.Optional(Nullable(NonNegative)),
    storage_quota_bytes: Type.Optional(Nullable(NonNegative)),
    free_space_percent: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 100 }))),
    purgeable: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ClientSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  device_count: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
});

export type JobReportBody = Static<typeof JobReportSchema>;
export type NewCheckBody = Static<typeof NewCheckSchema>;
export type CheckPatchBody = Static<typeof CheckPatchSchema>;
