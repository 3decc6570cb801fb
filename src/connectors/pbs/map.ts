// Proxmox Backup Server payloads to normalised jobs, without I/O (docs/connectors/pbs.md). A
// backup group (`vm/100`, `ct/101`, `host/name`) is a device; the server itself is a device with
// its datastores' usage. Backup tasks are backups, verify tasks verifications, sync and tape
// tasks copies, garbage collection and prune maintenance records; the UPID is the job's id.
import type { DeviceFacts, JobStatus, NormalisedJob, Reason } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';
import type { PbsDatastoreUsage, PbsSnapshot, PbsTask } from './api.js';

export const BACKUP_CHECK = 'PBS backup';
export const VERIFY_CHECK = 'PBS verify';

export interface MapContext {
  source: string;
  client: string;
  /** The server's device name (its host name). */
  server: string;
}

export interface Group {
  store: string;
  type: string;
  id: string;
}

/** `vm/100` → a VM, `ct/101` → a container, `host/<name>` → a host (named by its id). */
export function groupDevice(type: string, id: string): { name: string; type: string } {
  if (type === 'host') return { name: id, type: 'server' };
  return { name: `${type}/${id}`, type: type === 'ct' ? 'container' : 'vm' };
}

const GROUP = /^(vm|ct|host)\/([^/]+)(?:\/.*)?$/;

/** The datastore and, when it names one, the backup group of a worker id (`store:vm/100`, `store:ns/a/vm/100/…`). */
export function parseWorkerId(workerId: string | null | undefined): { store: string; group: Group | null; rest: string } {
  const w = String(workerId ?? '');
  const i = w.indexOf(':');
  const store = i < 0 ? w : w.slice(0, i);
  const rest = i < 0 ? '' : w.slice(i + 1);
  // A namespace path may come before the group (`ns/a/ns/b/vm/100`): the group is the last type/id pair.
  const parts = rest.split('/');
  for (let k = 0; k + 1 < parts.length; k++) {
    const m = GROUP.exec(parts.slice(k).join('/'));
    if (m && (k === 0 || parts[k - 1] !== 'ns')) return { store, group: { store, type: m[1]!, id: m[2]! }, rest };
  }
  return { store, group: null, rest };
}

/** A task's status: none yet → running; `OK`; `WARNINGS: n`; `unknown`; otherwise the error text. */
export function taskStatus(t: PbsTask): { status: JobStatus; raw: string; message: string | null; reason: Reason | null } {
  const s = typeof t.status === 'string' ? t.status.trim() : '';
  if (s === '' || t.endtime === undefined || t.endtime === null) return { status: 'running', raw: 'running', message: null, reason: null };
  if (s === 'OK') return { status: 'succeeded', raw: s, message: null, reason: null };
  if (/^WARNINGS: \d+$/.test(s)) return { status: 'warning', raw: s, message: `${s.slice(10)} warning(s); see the task log on the server`, reason: null };
  if (s === 'unknown') return { status: 'failed', raw: s, message: 'The task ended without a recorded status (unknown): the server may have restarted during it', reason: null };
  if (/\baborted\b|abort requested/i.test(s)) return { status: 'cancelled', raw: s, message: s, reason: 'cancelled_by_user' };
  return { status: 'failed', raw: s, message: s, reason: null };
}

type Kind = { kind: 'backup' } | { kind: 'verify' } | { kind: 'copy'; check: string; tier: 'hot' | 'cold' } | { kind: 'maintenance'; what: string };

/** What a worker type means here; null for tasks Keepwatch does not record (reader, restore, apt…). */
export function taskKind(t: PbsTask): Kind | null {
  const type = t.worker_type;
  if (type === 'backup') return { kind: 'backup' };
  if (type.startsWith('verif')) return { kind: 'verify' };
  if (type === 'syncjob' || type === 'sync') {
    const parts = String(t.worker_id ?? '').split(':');
    const name = type === 'syncjob' && parts.length >= 4 ? `job ${parts.at(-1)}` : `to ${parts[2] ?? parts[0] ?? 'datastore'}`;
    return { kind: 'copy', check: `PBS sync ${name}`, tier: 'hot' };
  }
  if (type.startsWith('tape-backup')) return { kind: 'copy', check: 'PBS tape backup', tier: 'cold' };
  if (type === 'garbage_collection') return { kind: 'maintenance', what: 'garbage collection' };
  if (type === 'prune' || type === 'prunejob') return { kind: 'maintenance', what: 'prune' };
  return null;
}

const secs = (s: number | null | undefined) => (typeof s === 'number' && Number.isFinite(s) ? s * 1000 : null);

/**
 * One task as a job; null when its kind is not recorded or its group cannot be read. `size`
 * gives a backup's snapshot size when the snapshot is known.
 */
export function mapTask(t: PbsTask, ctx: MapContext, size: (g: Group, start: number) => number | null): NormalisedJob | null {
  const kind = taskKind(t);
  if (!kind || !t.upid) return null;
  const { store, group } = parseWorkerId(t.worker_id);
  const st = taskStatus(t);
  const startedAt = secs(t.starttime);
  const endedAt = st.status === 'running' ? null : secs(t.endtime);
  const common = {
    source: ctx.source,
    externalId: t.upid,
    clientName: ctx.client,
    status: st.status,
    rawStatus: st.raw,
    startedAt,
    endedAt,
    message: st.message,
    reason: st.reason,
    raw: t,
  };
  const server = { name: ctx.server, class: 'server' as const, type: 'backup_server' };
  switch (kind.kind) {
    case 'backup': {
      if (!group) return null;
      return buildJob({
        ...common,
        device: { class: 'server', ...groupDevice(group.type, group.id) },
        check: { name: BACKUP_CHECK, kind: 'backup' },
        operation: 'backup',
        bytes: st.status === 'succeeded' || st.status === 'warning' ? size(group, t.starttime) : null,
      });
    }
    case 'verify':
      return buildJob({
        ...common,
        device: group ? { class: 'server', ...groupDevice(group.type, group.id) } : server,
        check: { name: group ? VERIFY_CHECK : `${VERIFY_CHECK} ${store}`, kind: 'verification' },
        operation: 'verification',
      });
    case 'copy':
      return buildJob({ ...common, device: server, check: { name: kind.check, kind: 'copy', tier: kind.tier }, operation: 'copy' });
    case 'maintenance':
      // Keepwatch has no maintenance check kind: recorded on the server without a check, so it is seen in its history.
      return buildJob({
        ...common,
        device: server,
        check: null,
        operation: 'other',
        message: st.message === null ? `${kind.what} of ${store || 'a datastore'}` : `${kind.what} of ${store || 'a datastore'}: ${st.message}`,
      });
  }
}

/**
 * Snapshots' verification state (the result of the last verify of each snapshot, whatever task
 * verified it): the newest verified snapshot of each group, as a verification of its device.
 */
export function verificationRecords(store: string, snapshots: PbsSnapshot[], ctx: MapContext, from: number): NormalisedJob[] {
  const newest = new Map<string, PbsSnapshot>();
  for (const s of snapshots) {
    const state = s.verification?.state;
    if (state !== 'ok' && state !== 'failed') continue;
    const key = `${s['backup-type']}/${s['backup-id']}`;
    const cur = newest.get(key);
    if (!cur || cur['backup-time'] < s['backup-time']) newest.set(key, s);
  }
  const out: NormalisedJob[] = [];
  for (const [key, s] of newest) {
    const at = s['backup-time'] * 1000;
    if (at < from) continue;
    const ok = s.verification!.state === 'ok';
    out.push(
      buildJob({
        source: ctx.source,
        externalId: `verify-state:${store}:${key}/${s['backup-time']}`,
        clientName: ctx.client,
        device: { class: 'server', ...groupDevice(s['backup-type'], s['backup-id']) },
        check: { name: VERIFY_CHECK, kind: 'verification' },
        status: ok ? 'succeeded' : 'failed',
        rawStatus: `verification ${s.verification!.state}`,
        operation: 'verification',
        startedAt: at,
        endedAt: at,
        durationMs: null,
        message: ok ? null : `Snapshot ${key}/${new Date(at).toISOString()} on ${store} failed verification${s.verification?.upid ? ` (${s.verification.upid})` : ''}`,
        raw: s,
      }),
    );
  }
  return out;
}

/** The server's storage facts: its datastores' bytes together. */
export function serverFacts(usage: PbsDatastoreUsage[]): DeviceFacts | null {
  const ok = usage.filter((u) => typeof u.total === 'number' && u.total > 0 && typeof u.used === 'number' && typeof u.avail === 'number' && u.avail >= 0);
  if (ok.length === 0) return null;
  const total = ok.reduce((s, u) => s + u.total!, 0);
  const used = ok.reduce((s, u) => s + u.used!, 0);
  const avail = ok.reduce((s, u) => s + u.avail!, 0);
  return { storageUsedBytes: used, storageQuotaBytes: total, freeSpacePercent: Math.round((avail / total) * 1000) / 10, purgeable: null };
}

export function serverRecord(usage: PbsDatastoreUsage[], ctx: MapContext, at: number): NormalisedJob {
  const lines = usage.map((u) =>
    u.error
      ? `${u.store}: ${u.error}`
      : `${u.store}: ${gib(u.used)} of ${gib(u.total)} used${typeof u['estimated-full-date'] === 'number' && u['estimated-full-date'] > at / 1000 ? `, full by ${new Date(u['estimated-full-date'] * 1000).toISOString().slice(0, 10)}` : ''}`,
  );
  const broken = usage.filter((u) => u.error);
  return buildJob({
    source: ctx.source,
    externalId: `server:${at}`,
    clientName: ctx.client,
    device: { name: ctx.server, class: 'server', type: 'backup_server', facts: serverFacts(usage) },
    check: null,
    status: broken.length > 0 ? 'warning' : 'succeeded',
    rawStatus: broken.length > 0 ? 'datastore error' : 'datastore usage',
    operation: 'other',
    startedAt: at,
    endedAt: at,
    durationMs: null,
    message: lines.length > 0 ? lines.join('; ') : 'no datastores visible to the token',
    raw: usage,
  });
}

function gib(bytes: number | null | undefined): string {
  return typeof bytes === 'number' && bytes >= 0 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : '?';
}
