// Jobs as reported to and answered by the API (routes.ts).
import { type Static, Type } from 'typebox';
import {
  CHECK_KINDS,
  COPY_TIERS,
  DEVICE_CLASSES,
  HEALTH_LEVELS,
  JOB_STATUSES,
  OPERATIONS,
  REASONS,
  TRIGGERS,
} from '../../domain/job.js';
import {
  MAX_DEVICE_TYPE_LENGTH,
  MAX_ERROR_CODE_LENGTH,
  MAX_EXTERNAL_ID_LENGTH,
  MAX_LOG_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_RAW_STATUS_LENGTH,
  MAX_SOURCE_LENGTH,
} from '../../domain/job-build.js';
import { MAX_DURATION_SECONDS } from '../../domain/limits.js';
import { Tags } from '../../catalog/tag-schemas.js';
import { IsoTime, Name, Bytes, Nullable, NullableEnum, NullableTime, Percent, StringEnum } from '../../http/schemas.js';

export const JobReportSchema = Type.Object(
  {
    source: Type.String({ minLength: 1, maxLength: MAX_SOURCE_LENGTH, pattern: '\\S', description: 'the reporting system; with external_id, the idempotency key' }),
    external_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: MAX_EXTERNAL_ID_LENGTH }))),
    client: Type.Optional(Nullable(Name)),
    device: Type.Object(
      {
        name: Name,
        class: Type.Optional(NullableEnum(DEVICE_CLASSES)),
        type: Type.Optional(Nullable(Type.String({ maxLength: MAX_DEVICE_TYPE_LENGTH }))),
        storage_used_bytes: Type.Optional(Nullable(Bytes)),
        storage_quota_bytes: Type.Optional(Nullable(Bytes)),
        free_space_percent: Type.Optional(Nullable(Percent)),
        purgeable: Type.Optional(Nullable(Type.Boolean())),
        tags: Type.Optional(Nullable(Tags("added to the device's tags (a job never removes one)"))),
      },
      { additionalProperties: true },
    ),
    check: Type.Optional(
      Nullable(
        Type.Object(
          {
            name: Name,
            kind: Type.Optional(NullableEnum(CHECK_KINDS)),
            tier: Type.Optional(NullableEnum(COPY_TIERS)),
            tags: Type.Optional(Nullable(Tags("added to the check's tags (a job never removes one)"))),
          },
          { additionalProperties: true },
        ),
      ),
    ),
    status: StringEnum(JOB_STATUSES),
    raw_status: Type.Optional(Nullable(Type.String({ maxLength: MAX_RAW_STATUS_LENGTH }))),
    operation: Type.Optional(NullableEnum(OPERATIONS)),
    trigger: Type.Optional(NullableEnum(TRIGGERS)),
    started_at: Type.Optional(Nullable(IsoTime)),
    ended_at: Type.Optional(Nullable(IsoTime)),
    duration_seconds: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: MAX_DURATION_SECONDS, description: 'at most 365 days' }))),
    bytes: Type.Optional(Nullable(Bytes)),
    message: Type.Optional(Nullable(Type.String({ maxLength: MAX_MESSAGE_LENGTH }))),
    error_code: Type.Optional(Nullable(Type.String({ maxLength: MAX_ERROR_CODE_LENGTH }))),
    reason: Type.Optional(NullableEnum(REASONS)),
    health: Type.Optional(
      Nullable(
        Type.Object({
          replication: Type.Optional(NullableEnum(HEALTH_LEVELS)),
          failover: Type.Optional(NullableEnum(HEALTH_LEVELS)),
        }),
      ),
    ),
    log: Type.Optional(Nullable(Type.String({ maxLength: MAX_LOG_LENGTH }))),
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

/** A person's review of a run (docs/review.md). */
export const ReviewSchema = Type.Object(
  {
    by: Type.String({ description: "the reviewer: a user's name (else e-mail) or a token's name" }),
    at: Type.String({ format: 'date-time' }),
    note: Nullable(Type.String()),
    ticket: Nullable(Type.String()),
  },
  { description: 'the run was reviewed (docs/review.md)' },
);

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
  started_at: NullableTime,
  ended_at: NullableTime,
  duration_seconds: Nullable(Type.Number()),
  bytes: Nullable(Type.Number()),
  message: Nullable(Type.String()),
  error_code: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  health: Nullable(Type.Object({ replication: Nullable(Type.String()), failover: Nullable(Type.String()) })),
  received_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  clock_skew: Type.Boolean({
    description: "true: a reported time was more than 10 minutes ahead of the server's clock (e-mail, connectors), so the received time was stored instead",
  }),
  review: Nullable(ReviewSchema),
});

export const JobDetailSchema = Type.Object({
  ...JobSchema.properties,
  log: Nullable(Type.String()),
  raw: Type.Unknown({ description: 'the report exactly as the source sent it' }),
});

export type JobReportBody = Static<typeof JobReportSchema>;
