// Which alerts become PSA tickets, and with what: a mapping per alert type (create or not, the
// Keepwatch priority level, the ticket's title, the severity from which it is made, and the
// PSA's own board/queue/type/status ids), the levels translated to the PSA's priority ids, and
// Keepwatch clients mapped to PSA companies. Defaults follow SPEC §4.
import { type TObject, type TProperties, Type } from 'typebox';
import type { AlertEventAlert } from '../../../domain/notify.js';
import { SEVERITY_RANK, type Severity } from '../../../domain/settings.js';
import { MAX_FOREIGN_ID } from '../../../domain/limits.js';

export const PRIORITY_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
export type PriorityLevel = (typeof PRIORITY_LEVELS)[number];

export interface TypeMapping {
  ticket: boolean;
  priority: PriorityLevel;
  title: string;
  /** The ticket is made once the alert is at least this severe (job_failed: critical, i.e. the Nth consecutive failure). */
  min_severity?: Severity;
  board_id?: number;
  queue_id?: number;
  type_id?: number;
  status_id?: number;
}

/**
 * The defaults: the 3rd consecutive failure (job_failed once critical; the number is the
 * `failure_critical_after` setting) → critical "Backup Failure"; overdue → high "Backup Overdue";
 * a failed restore test (verification) → high "DR Test Failure"; expired consent
 * (integration_auth) → critical "SaaS Connection Error", filed under the MSP's own company.
 * Every other type makes no ticket unless mapped.
 */
export const DEFAULT_MAPPING: Record<string, TypeMapping> = {
  job_failed: { ticket: true, priority: 'critical', title: 'Backup Failure', min_severity: 'critical' },
  backup_overdue: { ticket: true, priority: 'high', title: 'Backup Overdue' },
  saas_overdue: { ticket: true, priority: 'high', title: 'Backup Overdue' },
  verification_failed: { ticket: true, priority: 'high', title: 'DR Test Failure' },
  integration_auth: { ticket: true, priority: 'critical', title: 'SaaS Connection Error' },
};

/** Integration problems that never make tickets: a failing notification channel, an API quota. */
const NEVER = new Set(['channel_failing', 'integration_quota']);

export function mappingSchema(ids: readonly ('board_id' | 'queue_id' | 'type_id' | 'status_id')[]): TObject {
  const idFields: TProperties = Object.fromEntries(ids.map((k) => [k, Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID, title: k.replace('_id', ' id') }))]));
  const one = Type.Object(
    {
      ticket: Type.Boolean({ title: 'Create a ticket' }),
      priority: Type.Optional(Type.Union(PRIORITY_LEVELS.map((l) => Type.Literal(l)), { title: 'Priority' })),
      title: Type.Optional(Type.String({ minLength: 1, maxLength: 60, title: 'Ticket title' })),
      min_severity: Type.Optional(Type.Union([Type.Literal('warning'), Type.Literal('critical')], { title: 'From severity' })),
      ...idFields,
    },
    { additionalProperties: false },
  );
  return Type.Record(Type.String(), one, { title: 'Tickets per alert type', description: 'alert type → mapping; types left out keep the defaults' }) as unknown as TObject;
}

export const PrioritiesSchema = Type.Object(
  Object.fromEntries(PRIORITY_LEVELS.map((l) => [l, Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID }))])),
  { additionalProperties: false, title: 'PSA priority id per level', description: 'critical / high / medium / low → the PSA priority id' },
);

export const CompaniesSchema = Type.Record(Type.String(), Type.Union([Type.Integer({ minimum: 0, maximum: MAX_FOREIGN_ID }), Type.Null()]), {
  title: 'Client → PSA company',
  description: 'Keepwatch client id → PSA company id (see GET /api/v1/channels/<id>/psa/companies)',
});

/** The mapping in force for a type: the channel's entry over the default. */
export function mappingFor(config: Record<string, unknown>, type: string): TypeMapping | null {
  if (NEVER.has(type)) return null;
  const own = (config.mapping as Record<string, Partial<TypeMapping>> | undefined)?.[type];
  const base = DEFAULT_MAPPING[type];
  if (!own && !base) return null;
  const m = { priority: 'medium', title: type.replace(/_/g, ' '), ...base, ...own } as TypeMapping;
  return m.ticket ? m : null;
}

/** Whether the alert, as it is now, meets its mapping (a ticket is made from that moment on). */
export function meetsMapping(m: TypeMapping, a: Pick<AlertEventAlert, 'severity'>): boolean {
  return m.min_severity === undefined || SEVERITY_RANK[a.severity] >= SEVERITY_RANK[m.min_severity];
}

/** The PSA company of an alert: its client's, or the MSP's own for integration alerts; null: not mapped. */
export function companyFor(config: Record<string, unknown>, a: Pick<AlertEventAlert, 'client_id' | 'scope'>): number | null {
  if (a.client_id === null) return typeof config.msp_company_id === 'number' ? config.msp_company_id : null;
  const v = (config.companies as Record<string, number | null> | undefined)?.[a.client_id];
  return typeof v === 'number' ? v : null;
}

export function priorityId(config: Record<string, unknown>, level: PriorityLevel, fallback: Partial<Record<PriorityLevel, number>> = {}): number | null {
  const own = (config.priorities as Partial<Record<PriorityLevel, number>> | undefined)?.[level];
  return own ?? fallback[level] ?? null;
}
