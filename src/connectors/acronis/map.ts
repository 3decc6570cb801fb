// Acronis Task Manager activities to normalised jobs, without I/O (docs/connectors/acronis.md).
// One backup activity is one job, idempotent on the activity's id, on the device of the resource
// it protected and the check of the protection plan (policy) that ran it.
//
// The activity fields read here: `uuid`/`idString`/`id`, `state`, `result.code` and
// `result.error`, `startedAt`/`createdAt`/`completedAt`, `tenant`, `policy`, `resource`, and
// `context.Persistent.Name` (the machine, as in the published activity example). Only part of the
// object is shown in Acronis's published examples; the `resource`, `policy` and `result.error`
// shapes are reconstructed from the Task Manager reference's filters (`resourceId`, `policyType`,
// `resultCode`) and are read tolerantly (absent: ignored).
import type { CheckKind, DeviceClass, JobStatus, NormalisedJob } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';

export interface AcronisActivity {
  id?: number | string;
  idString?: string;
  uuid?: string;
  type?: string;
  state?: string;
  result?: { code?: string; error?: { code?: string; domain?: string; reason?: string; message?: string } | null } | null;
  tenant?: { id?: string; name?: string; locator?: string } | null;
  resource?: { id?: string; name?: string; type?: string } | null;
  policy?: { id?: string; name?: string; type?: string } | null;
  context?: { title?: string; Persistent?: { Name?: string; ID?: string } | null; [k: string]: unknown } | null;
  createdAt?: string;
  startedAt?: string;
  completedAt?: string;
  [k: string]: unknown;
}

export const DEFAULT_CHECK = 'Acronis backup';

/** The documented result codes; `abandoned` and `timedout` are failures, anything unknown too (so it is seen). */
export function activityStatus(a: AcronisActivity): JobStatus {
  if (String(a.state ?? '').toLowerCase() !== 'completed') return 'running';
  switch (String(a.result?.code ?? '').toLowerCase()) {
    case 'ok':
      return 'succeeded';
    case 'warning':
      return 'warning';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'failed';
  }
}

/** The activity's id: its UUID, else the string form of its numeric id. */
export function activityId(a: AcronisActivity): string | null {
  const id = a.uuid ?? a.idString ?? (a.id === undefined ? undefined : String(a.id));
  return typeof id === 'string' && id !== '' ? id.toLowerCase() : null;
}

/** Device class and type from the resource type (resource.machine, resource.virtual_machine.*, Microsoft 365 and Google Workspace resources...). */
export function deviceOf(resourceType: unknown): { class: DeviceClass; type: string; kind: CheckKind } {
  const t = String(resourceType ?? '').toLowerCase();
  if (/microsoft365|office365|m365|google|gsuite/.test(t)) return { class: 'saas', type: 'saas', kind: 'saas_backup' };
  if (t.includes('virtual_machine')) return { class: 'server', type: 'vm', kind: 'backup' };
  if (/mssql|exchange|oracle|sql/.test(t)) return { class: 'server', type: 'database', kind: 'backup' };
  return { class: 'server', type: 'machine', kind: 'backup' };
}

const time = (s: unknown): number | null => {
  if (typeof s !== 'string' || s === '') return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
};
const text = (s: unknown): string | null => (typeof s === 'string' && s.trim() !== '' ? s.trim() : null);

export function deviceName(a: AcronisActivity): string | null {
  return text(a.resource?.name) ?? text(a.context?.Persistent?.Name);
}

/** One backup activity of a customer; null without an id or a device (it could not be deduplicated or placed). */
export function mapActivity(a: AcronisActivity, source: string, client: string): NormalisedJob | null {
  const id = activityId(a);
  const device = deviceName(a);
  if (!id || !device) return null;
  const status = activityStatus(a);
  const dev = deviceOf(a.resource?.type);
  const error = a.result?.error ?? null;
  return buildJob({
    source,
    externalId: `activity:${id}`,
    clientName: client,
    device: { name: device, class: dev.class, type: dev.type },
    check: { name: text(a.policy?.name) ?? DEFAULT_CHECK, kind: dev.kind },
    status,
    rawStatus: status === 'running' ? String(a.state ?? 'started') : String(a.result?.code ?? 'unknown'),
    operation: 'backup',
    startedAt: time(a.startedAt) ?? time(a.createdAt),
    endedAt: status === 'running' ? null : time(a.completedAt),
    durationMs: status === 'running' ? null : undefined,
    message: text(error?.reason) ?? text(error?.message),
    errorCode: text(error?.code),
    reason: status === 'cancelled' ? 'cancelled_by_user' : null,
    raw: a,
  });
}
