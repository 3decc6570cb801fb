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
import { ALERT_TYPES, GRID_ROLLUPS, SEVERITIES } from '../domain/settings.js';
import { WEEKDAYS } from '../domain/notify.js';
import { DEFAULT_STATUSES, MATCH_FIELDS, RULE_OPS, RULE_STATUSES, STATUS_FIELDS } from '../domain/email-rules.js';

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

const RuleValue = Type.String({ maxLength: 500, description: 'text to look for, or an RE2 regular expression (case-insensitive)' });

/** A check's e-mail rules (docs/email.md): matching (all must hold) and status rules. */
export const EmailRulesSchema = Type.Object(
  {
    match: Type.Optional(Type.Array(
      Type.Object({ field: StringEnum(MATCH_FIELDS), op: StringEnum(RULE_OPS), value: RuleValue }, { additionalProperties: false }),
      { maxItems: 20, description: 'all must hold; none: the check is reached only by its address' },
    )),
    status: Type.Optional(Type.Array(
      Type.Object(
        {
          field: StringEnum(STATUS_FIELDS),
          name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100, description: 'only the value of this `Name: value` body line' }))),
          op: StringEnum(RULE_OPS),
          value: RuleValue,
          status: StringEnum(RULE_STATUSES),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50, description: 'evaluated failed, then warning, then succeeded; none: every message is a success' },
    )),
    default_status: Type.Optional(StringEnum(DEFAULT_STATUSES, { description: 'when status rules exist, no rule matches and no template recognises the mail (default failed)' })),
  },
  { additionalProperties: false },
);

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
  email_address: Type.String({ description: 'mail to this address reports to the check' }),
  email: Nullable(EmailRulesSchema),
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
  email: Type.Optional(Nullable(EmailRulesSchema)),
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

export const RollupSchema = Type.Object({
  bands: Type.Object({
    healthy: Type.Integer(),
    warning: Type.Integer(),
    critical: Type.Integer(),
    unknown: Type.Integer(),
    retired: Type.Integer(),
  }),
  applicable: Type.Integer({ description: 'devices an SLA applies to (not retired, with a backup check)' }),
  compliant: Type.Integer({ description: 'of those, how many meet their SLA now' }),
  compliance_percent: Nullable(Type.Number()),
});

export const ClientSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  device_count: Type.Integer(),
  rollup: RollupSchema,
  open_alerts: Type.Object({ critical: Type.Integer(), warning: Type.Integer(), info: Type.Integer() }),
  email_address: Type.String({ description: "product mail sent here creates or updates this client's devices and checks" }),
  created_at: Type.String({ format: 'date-time' }),
});

export type JobReportBody = Static<typeof JobReportSchema>;
export type NewCheckBody = Static<typeof NewCheckSchema>;
export type CheckPatchBody = Static<typeof CheckPatchSchema>;

// ---- alerts ---------------------------------------------------------------------------------

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
  acknowledged_at: Time,
  acknowledged_by: Nullable(Type.String()),
  ack_note: Nullable(Type.String()),
  dismissed_at: Time,
  dismissed_by: Nullable(Type.String()),
  dismissed_until: Time,
  resolved_at: Time,
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

// ---- settings -------------------------------------------------------------------------------

const Hours = Type.Number({ exclusiveMinimum: 0 });
const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM (24-hour)' });
const BusinessHoursSchema = Type.Object(
  {
    days: Type.Optional(Type.Array(StringEnum(WEEKDAYS), { maxItems: 7 })),
    from: Type.Optional(HHMM),
    to: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, exclusive; before `from`: past midnight' })),
    timezone: Type.Optional(Nullable(Type.String({ description: 'IANA zone; none: the settings’ timezone' }))),
    holidays: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), { maxItems: 366, description: 'YYYY-MM-DD dates that are not business days' })),
  },
  { additionalProperties: false, description: 'business hours (escalation rules page outside or inside them)' },
);
export const SettingsOverrideSchema = Type.Object(
  {
    timezone: Type.Optional(Type.String({ description: 'IANA time zone for business days and the grid' })),
    day_start: Type.Optional(Type.String({ description: 'start of the business day, HH:MM' })),
    grid_rollup: Type.Optional(StringEnum(GRID_ROLLUPS)),
    categories: Type.Optional(Type.Partial(Type.Object(Object.fromEntries(ALERT_TYPES.map((t) => [t, Type.Boolean()]))), { additionalProperties: false })),
    severities: Type.Optional(Type.Partial(Type.Object(Object.fromEntries(ALERT_TYPES.map((t) => [t, StringEnum(SEVERITIES)]))), { additionalProperties: false })),
    thresholds: Type.Optional(
      Type.Object(
        {
          sla_hours: Type.Optional(
            Type.Object({ server: Type.Optional(Hours), workstation: Type.Optional(Hours), saas: Type.Optional(Hours) }, { additionalProperties: false }),
          ),
          failure_critical_after: Type.Optional(Type.Integer({ minimum: 1 })),
          copy_window_hours: Type.Optional(Hours),
          saas_overdue_hours: Type.Optional(Hours),
          saas_window_days: Type.Optional(Type.Integer({ minimum: 1 })),
          saas_hold_hours: Type.Optional(Type.Number({ minimum: 0 })),
          quota_percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
          free_space_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          silent_days: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          size_drop_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
          size_jump_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 1 })),
          duration_drop_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
          anomaly_min_history: Type.Optional(Type.Integer({ minimum: 2 })),
          grace_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
          dismiss_hours: Type.Optional(Hours),
        },
        { additionalProperties: false },
      ),
    ),
    business_hours: Type.Optional(BusinessHoursSchema),
  },
  { additionalProperties: false },
);

export const SettingsSchema = Type.Object({
  /** What this scope stores. */
  override: Type.Unknown(),
  /** What is in force: defaults, workspace, then client. */
  effective: Type.Unknown(),
});

// ---- maintenance windows --------------------------------------------------------------------

export const WindowSchema = Type.Object({
  id: Type.String(),
  client_id: Type.String(),
  scope: Type.String(),
  scope_id: Type.String(),
  kind: Type.String(),
  starts_at: Time,
  ends_at: Time,
  cron: Nullable(Type.String()),
  tz: Nullable(Type.String()),
  duration_minutes: Nullable(Type.Number()),
  reason: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  created_by: Nullable(Type.String()),
});

export const NewWindowSchema = Type.Object(
  {
    scope: StringEnum(['client', 'device', 'check'] as const),
    scope_id: Id,
    starts_at: Type.Optional(IsoTime),
    ends_at: Type.Optional(IsoTime),
    cron: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'recurring: when each window opens' })),
    tz: Type.Optional(Type.String()),
    duration_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const SnoozeBody = Type.Object(
  { hours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 90 }), reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

// ---- grid and reports -----------------------------------------------------------------------

const CELL_VALUES = [...JOB_STATUSES, 'no_result'] as const;

export const GridSchema = Type.Object({
  days: Type.Array(Type.String()),
  rollup: StringEnum(GRID_ROLLUPS),
  items: Type.Array(
    Type.Object({
      check_id: Type.String(),
      check_name: Type.String(),
      kind: Type.String(),
      device_id: Type.String(),
      device_name: Type.String(),
      client_id: Type.String(),
      cells: Type.Array(NullableEnum(CELL_VALUES)),
    }),
  ),
  next_cursor: Nullable(Type.String()),
});

export const ComplianceReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  generated_at: Type.String(),
  clients: Type.Array(
    Type.Object({
      client_id: Type.String(),
      client_name: Type.String(),
      devices: Type.Integer(),
      compliance_percent: Nullable(Type.Number()),
      compliant_now: Type.Integer(),
      rollup: RollupSchema,
    }),
  ),
  devices: Type.Array(
    Type.Object({
      device_id: Type.String(),
      device_name: Type.String(),
      client_id: Type.String(),
      client_name: Type.String(),
      class: Type.String(),
      status: Type.String(),
      score: Type.Integer(),
      sla_hours: Type.Number(),
      compliant_now: Nullable(Type.Boolean()),
      compliance_percent: Nullable(Type.Number()),
      breaches: Type.Array(Type.Object({ start: Type.String(), end: Type.String(), hours: Type.Number() })),
      breached_hours: Type.Number(),
    }),
  ),
});

export const IntegrationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  source: Type.String(),
  healthy: Type.Boolean(),
  auth_error: Nullable(Type.String()),
  auth_since: Time,
  quota_error: Nullable(Type.String()),
  quota_since: Time,
  last_success_at: Time,
});
