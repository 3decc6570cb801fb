// Engine configuration: workspace defaults, overridable per client. Every alert type can be
// switched off (alert categories); thresholds and base severities are configurable.
import { type BusinessHours, businessHoursProblems, DEFAULT_BUSINESS_HOURS } from './business-hours.js';
import type { FieldProblem } from './errors.js';
import { isValidTimeZone } from './schedule.js';

export const ALERT_TYPES = [
  'job_failed',
  'job_warning',
  'missed_schedule',
  'backup_overdue',
  'copy_overdue',
  'saas_overdue',
  'saas_degraded',
  'replication_unhealthy',
  'verification_failed',
  'storage_quota',
  'purge_blocked',
  'destructive_operation',
  'integration_auth',
  'integration_quota',
  'device_silent',
  'size_anomaly',
  'run_too_long',
  'channel_failing',
  'review_overdue',
  'collector_stale',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export const GRID_ROLLUPS = ['warning_if_mixed', 'last', 'worst', 'best'] as const;
export type GridRollup = (typeof GRID_ROLLUPS)[number];

export interface Thresholds {
  /** SLA: a good backup within this many hours, per device class. */
  sla_hours: { server: number; workstation: number; saas: number };
  /** job_failed becomes critical from this consecutive failure on. */
  failure_critical_after: number;
  /** copy_overdue: a good copy within this many hours of the backup's end. */
  copy_window_hours: number;
  /** saas_overdue: a good SaaS backup within this many hours of its scheduled time. */
  saas_overdue_hours: number;
  /** saas_degraded: look-back window, and how long the condition must hold. */
  saas_window_days: number;
  saas_hold_hours: number;
  /** storage_quota: used share of quota, in percent. */
  quota_percent: number;
  /** purge_blocked: free space below this percentage. */
  free_space_percent: number;
  /** device_silent: no job and no check-in for this many days. */
  silent_days: number;
  /** size_anomaly: size at or below this share of the recent median, or at or above this multiple, or a duration at or below this share. */
  size_drop_ratio: number;
  size_jump_ratio: number;
  duration_drop_ratio: number;
  /** size_anomaly needs this many earlier good jobs to compare with. */
  anomaly_min_history: number;
  /** Default grace as a share of the schedule's period. */
  grace_ratio: number;
  /** A dismissed alert whose condition still holds is raised again after this many hours. */
  dismiss_hours: number;
}

export interface EngineConfig {
  /** IANA zone for business days and the grid. */
  timezone: string;
  /** Start of the business day, `HH:MM`, for the grid's days. */
  day_start: string;
  grid_rollup: GridRollup;
  categories: Record<AlertType, boolean>;
  /** Base severity per type; rules that escalate (job_failed, saas_degraded, …) still do. */
  severities: Partial<Record<AlertType, Severity>>;
  thresholds: Thresholds;
  /** When people are at work (escalation rules page outside or inside them). */
  business_hours: BusinessHours;
  /** The daily review: by this hour (0–23, `timezone`) of the next day a day's failed and warning runs are reviewed (docs/review.md). Workspace only. */
  review_due_hour: number;
}

export const DEFAULT_CONFIG: EngineConfig = {
  timezone: 'UTC',
  day_start: '00:00',
  grid_rollup: 'warning_if_mixed',
  categories: Object.fromEntries(ALERT_TYPES.map((t) => [t, true])) as Record<AlertType, boolean>,
  severities: {},
  thresholds: {
    sla_hours: { server: 12, workstation: 24, saas: 60 },
    failure_critical_after: 3,
    copy_window_hours: 4,
    saas_overdue_hours: 36,
    saas_window_days: 7,
    saas_hold_hours: 48,
    quota_percent: 95,
    free_space_percent: 5,
    silent_days: 7,
    size_drop_ratio: 0.2,
    size_jump_ratio: 5,
    duration_drop_ratio: 0.1,
    anomaly_min_history: 5,
    grace_ratio: 0.5,
    dismiss_hours: 24,
  },
  business_hours: DEFAULT_BUSINESS_HOURS,
  review_due_hour: 10,
};

/** What a user may store: any subset of the config, deeply. */
export interface ConfigOverride {
  timezone?: string;
  day_start?: string;
  grid_rollup?: GridRollup;
  categories?: Partial<Record<AlertType, boolean>>;
  severities?: Partial<Record<AlertType, Severity>>;
  thresholds?: Partial<Omit<Thresholds, 'sla_hours'>> & { sla_hours?: Partial<Thresholds['sla_hours']> };
  business_hours?: Partial<BusinessHours>;
  review_due_hour?: number;
}

/** Defaults, then the workspace's settings, then the client's. */
export function mergeConfig(...overrides: Array<ConfigOverride | null | undefined>): EngineConfig {
  let c: EngineConfig = DEFAULT_CONFIG;
  for (const o of overrides) {
    if (!o) continue;
    c = {
      timezone: o.timezone ?? c.timezone,
      day_start: o.day_start ?? c.day_start,
      grid_rollup: o.grid_rollup ?? c.grid_rollup,
      categories: { ...c.categories, ...o.categories },
      severities: { ...c.severities, ...o.severities },
      thresholds: {
        ...c.thresholds,
        ...o.thresholds,
        sla_hours: { ...c.thresholds.sla_hours, ...o.thresholds?.sla_hours },
      },
      business_hours: { ...c.business_hours, ...o.business_hours },
      review_due_hour: o.review_due_hour ?? c.review_due_hour,
    };
  }
  return c;
}

/** Problems in an override that its schema cannot see. */
export function overrideProblems(o: ConfigOverride): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (o.timezone !== undefined && !isValidTimeZone(o.timezone)) {
    problems.push({ field: 'timezone', message: `unknown IANA time zone "${o.timezone}"` });
  }
  if (o.day_start !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(o.day_start)) {
    problems.push({ field: 'day_start', message: 'must be HH:MM (24-hour)' });
  }
  if (o.business_hours !== undefined) problems.push(...businessHoursProblems(o.business_hours));
  if (o.review_due_hour !== undefined && !(Number.isInteger(o.review_due_hour) && o.review_due_hour >= 0 && o.review_due_hour <= 23)) {
    problems.push({ field: 'review_due_hour', message: 'must be a whole hour, 0–23' });
  }
  return problems;
}

/** The severity of a type before any escalation. */
export function baseSeverity(config: EngineConfig, type: AlertType, fallback: Severity): Severity {
  return config.severities[type] ?? fallback;
}
