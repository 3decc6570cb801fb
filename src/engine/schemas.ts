// Settings, maintenance windows and snoozes, integration health, the daily grid and the
// compliance report as the API shows and takes them (routes.ts).
import { Type } from 'typebox';
import { JOB_STATUSES } from '../domain/job.js';
import { WEEKDAYS } from '../domain/notify.js';
import { ALERT_TYPES, GRID_ROLLUPS, SEVERITIES } from '../domain/settings.js';
import { RollupSchema } from '../catalog/schemas.js';
import { MAX_COUNT, MAX_DAYS, MAX_HOURS, MAX_RATIO } from '../domain/limits.js';
import { Id, IsoTime, Nullable, NullableEnum, NullableTime, Percent, StringEnum } from '../http/schemas.js';

// ---- settings -------------------------------------------------------------------------------

const Hours = Type.Number({ exclusiveMinimum: 0, maximum: MAX_HOURS });
const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM (24-hour)' });
const BusinessHoursSchema = Type.Object(
  {
    days: Type.Optional(Type.Array(StringEnum(WEEKDAYS), { maxItems: 7 })),
    from: Type.Optional(HHMM),
    to: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, exclusive; before `from`: past midnight' })),
    timezone: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'IANA zone; none: the settings’ timezone' }))),
    holidays: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), { maxItems: 366, description: 'YYYY-MM-DD dates that are not business days' })),
  },
  { additionalProperties: false, description: 'business hours (escalation rules page outside or inside them)' },
);
export const SettingsOverrideSchema = Type.Object(
  {
    timezone: Type.Optional(Type.String({ maxLength: 100, description: 'IANA time zone for business days and the grid' })),
    day_start: Type.Optional(Type.String({ maxLength: 5, description: 'start of the business day, HH:MM' })),
    grid_rollup: Type.Optional(StringEnum(GRID_ROLLUPS)),
    categories: Type.Optional(Type.Partial(Type.Object(Object.fromEntries(ALERT_TYPES.map((t) => [t, Type.Boolean()]))), { additionalProperties: false })),
    severities: Type.Optional(Type.Partial(Type.Object(Object.fromEntries(ALERT_TYPES.map((t) => [t, StringEnum(SEVERITIES)]))), { additionalProperties: false })),
    thresholds: Type.Optional(
      Type.Object(
        {
          sla_hours: Type.Optional(
            Type.Object({ server: Type.Optional(Hours), workstation: Type.Optional(Hours), saas: Type.Optional(Hours) }, { additionalProperties: false }),
          ),
          failure_critical_after: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COUNT })),
          copy_window_hours: Type.Optional(Hours),
          saas_overdue_hours: Type.Optional(Hours),
          saas_window_days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DAYS })),
          saas_hold_hours: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_HOURS })),
          quota_percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
          free_space_percent: Type.Optional(Percent),
          silent_days: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_DAYS })),
          size_drop_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
          size_jump_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 1, maximum: MAX_RATIO })),
          duration_drop_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
          anomaly_min_history: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000 })),
          grace_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
          dismiss_hours: Type.Optional(Hours),
        },
        { additionalProperties: false },
      ),
    ),
    business_hours: Type.Optional(BusinessHoursSchema),
    review_due_hour: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 23, description: "the daily review: hour (0–23, the workspace's timezone) of the next day by which a day's failed and warning runs are reviewed; default 10; workspace only" }),
    ),
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
  starts_at: NullableTime,
  ends_at: NullableTime,
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
    tz: Type.Optional(Type.String({ maxLength: 100 })),
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
      reviewed: Type.Array(Nullable(Type.Boolean()), {
        description: "per day, as cells: true when the day's failed and warning runs are all reviewed, false when one is not, null when it has none (docs/review.md)",
      }),
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
      reviewed_by_due_percent: Nullable(
        Type.Number({ description: "% of the period's failed and warning runs reviewed by the next day's review_due_hour (docs/review.md); null: none due yet" }),
      ),
    }),
  ),
  review_due_hour: Type.Integer({ description: 'the review_due_hour reviewed_by_due_percent is measured against' }),
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
  auth_since: NullableTime,
  quota_error: Nullable(Type.String()),
  quota_since: NullableTime,
  last_success_at: NullableTime,
});
