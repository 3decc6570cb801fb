// Clients, devices and checks as the API shows and takes them (routes.ts, check-routes.ts).
import { type Static, Type } from 'typebox';
import { CHECK_KINDS, COPY_TIERS, DEVICE_CLASSES } from '../domain/job.js';
import { DEFAULT_STATUSES, MATCH_FIELDS, RULE_OPS, RULE_STATUSES, STATUS_FIELDS } from '../domain/email-rules.js';
import { GRACE_MAX_SECONDS, GRACE_MIN_SECONDS, INTERVAL_MAX_SECONDS, INTERVAL_MIN_SECONDS } from '../domain/limits.js';
import { MAX_RUNTIME_MAX_SECONDS, MAX_RUNTIME_MIN_SECONDS } from '../domain/rules/run-too-long.js';
import { Tags } from './tag-schemas.js';
import { Id, Name, Bytes, Nullable, NullableEnum, NullableTime, Percent, StringEnum } from '../http/schemas.js';

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
    interval_seconds: Type.Optional(Type.Integer({ minimum: INTERVAL_MIN_SECONDS, maximum: INTERVAL_MAX_SECONDS, description: 'interval schedules: 60 s to 365 days' })),
    cron: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'cron schedules: 5 or 6 fields' })),
    tz: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'IANA time zone of a cron schedule (default UTC)' }))),
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
  state: StringEnum(['new', 'up', 'down', 'late', 'overdue', 'paused'] as const, { description: 'down: the last run failed and none succeeded since; overdue outranks it (docs/engine.md)' }),
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
  max_runtime_seconds: Nullable(Type.Number({ description: 'a started run not ended within this raises run_too_long; null: no limit' })),
  paused: Type.Boolean(),
  ping_url: Type.String(),
  email_address: Type.String({ description: 'mail to this address reports to the check' }),
  badge_url: Type.String({ description: 'public SVG badge of the check (.json and .shields for the other forms)' }),
  email: Nullable(EmailRulesSchema),
  tags: Type.Array(Type.String(), { description: 'normalised and sorted; filter with ?tag=' }),
  last_job_at: NullableTime,
  last_good_at: NullableTime,
  last_status: Nullable(Type.String()),
  consecutive_failures: Type.Integer(),
  next_due_at: NullableTime,
  created_at: Type.String({ format: 'date-time' }),
});

const CheckFields = {
  kind: Type.Optional(StringEnum(CHECK_KINDS)),
  tier: Type.Optional(NullableEnum(COPY_TIERS)),
  schedule: Type.Optional(Nullable(ScheduleSchema)),
  grace_seconds: Type.Optional(Nullable(Type.Integer({ minimum: GRACE_MIN_SECONDS, maximum: GRACE_MAX_SECONDS, description: 'seconds after a due run before the check is late: 0 to 365 days; none: a share of the period' }))),
  max_runtime_seconds: Type.Optional(Nullable(Type.Integer({ minimum: MAX_RUNTIME_MIN_SECONDS, maximum: MAX_RUNTIME_MAX_SECONDS, description: 'a started run not ended within this raises run_too_long: 60 s to 7 days; null: no limit' }))),
  paused: Type.Optional(Type.Boolean()),
  email: Type.Optional(Nullable(EmailRulesSchema)),
  tags: Type.Optional(Tags("replaces the check's tags ([] removes them all)")),
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

export const ScoreImpactSchema = Type.Object({
  factor: StringEnum(['recency', 'success_rate', 'restore_test', 'storage', 'cap', 'never_reported'] as const),
  impact: Type.Integer({ maximum: 0, description: 'points lost (negative)' }),
  detail: Type.String(),
});

export const DeviceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  client_id: Type.String(),
  class: StringEnum(DEVICE_CLASSES),
  type: Type.String(),
  tags: Type.Array(Type.String()),
  status: StringEnum(DEVICE_STATUSES),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  score_breakdown: Type.Array(ScoreImpactSchema, { description: 'the points each factor took off 100: the impacts add up to score - 100 (see docs/health-score.md)' }),
  last_good_at: NullableTime,
  last_job_at: NullableTime,
  retired_at: NullableTime,
  /** When a person retired it (PATCH retired: true); null otherwise. */
  retired_manually_at: NullableTime,
  storage_used_bytes: Nullable(Type.Number()),
  storage_quota_bytes: Nullable(Type.Number()),
  free_space_percent: Nullable(Type.Number()),
  purgeable: Nullable(Type.Boolean()),
  created_at: Type.String({ format: 'date-time' }),
  checks: Type.Array(CheckSchema),
});

export const FactsSchema = Type.Object(
  {
    storage_used_bytes: Type.Optional(Nullable(Bytes)),
    storage_quota_bytes: Type.Optional(Nullable(Bytes)),
    free_space_percent: Type.Optional(Nullable(Percent)),
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
  badge_url: Type.String({ description: "public SVG badge: the worst band of the client's devices" }),
  status_page: Type.Boolean({ description: 'the public status page is on' }),
  status_page_url: Nullable(Type.String({ description: 'the public status page; null while it is off' })),
  ping_key: Type.String({ description: "secret of the name-addressed ping URLs /ping/<ping_key>/<device>/<check>; POST …/ping-key makes a new one" }),
  created_at: Type.String({ format: 'date-time' }),
});

// ---- lifecycle (docs/api.md "Lifecycle") ---------------------------------------------------

export const ClientPatchSchema = Type.Object(
  {
    name: Type.Optional(Name),
    status_page: Type.Optional(Type.Boolean({ description: 'true: the public status page answers at status_page_url; false: the link is 404' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DevicePatchSchema = Type.Object(
  {
    name: Type.Optional(Name),
    retired: Type.Optional(Type.Boolean({ description: 'true: retired by hand (no alerts, open ones resolve); false: monitored again' })),
    tags: Type.Optional(Tags("replaces the device's tags ([] removes them all)")),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MergeSchema = Type.Object({ into: Id }, { additionalProperties: false });

export const CascadeQuery = Type.Object({
  cascade: Type.Optional(Type.Boolean({ description: 'also delete every device, check, job and alert of the client' })),
});

export const DemoRemovedSchema = Type.Object({ removed: Type.Array(Type.String(), { description: 'the demo clients deleted' }) });

export type NewCheckBody = Static<typeof NewCheckSchema>;
export type CheckPatchBody = Static<typeof CheckPatchSchema>;
