// Datto BCDR payloads to normalised jobs, without I/O (docs/connectors/datto.md). An appliance is
// a device carrying its storage facts; each agent or share it protects is a device whose snapshots
// are backups, whose last screenshot verification is a verification and whose last off-site sync is
// a copy. Every record is idempotent on the appliance serial, the asset and the platform's own time.
import type { DeviceClass, DeviceFacts, JobStatus, NormalisedJob } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';
import type { DattoAsset, DattoBackup, DattoDevice, DattoStorage } from './api.js';

export const BACKUP_CHECK = 'Datto backup';
export const SCREENSHOT_CHECK = 'Datto screenshot verification';
export const OFFSITE_CHECK = 'Datto off-site sync';

export interface MapContext {
  source: string;
  client: string;
  serial: string;
  /** The appliance's name (hostname), for messages. */
  appliance: string;
}

// Storage sizes come as `{ size, units }`; the units are binary multiples, as the portal shows them.
const UNITS: Record<string, number> = { B: 1, BYTES: 1, KB: 1024, KIB: 1024, MB: 1024 ** 2, MIB: 1024 ** 2, GB: 1024 ** 3, GIB: 1024 ** 3, TB: 1024 ** 4, TIB: 1024 ** 4, PB: 1024 ** 5, PIB: 1024 ** 5 };

/** Bytes of a `{ size, units }`; null when absent or the unit is unknown. */
export function storageBytes(s: DattoStorage | null | undefined): number | null {
  if (!s || typeof s.size !== 'number' || !Number.isFinite(s.size) || s.size < 0) return null;
  const unit = UNITS[String(s.units ?? 'B').trim().toUpperCase()];
  return unit === undefined ? null : Math.round(s.size * unit);
}

/** Used, quota (used + available) and free percent of the appliance's local storage. */
export function applianceFacts(d: DattoDevice): DeviceFacts | null {
  const used = storageBytes(d.localStorageUsed);
  const avail = storageBytes(d.localStorageAvailable);
  if (used === null && avail === null) return null;
  const quota = used !== null && avail !== null ? used + avail : null;
  const free = quota !== null && quota > 0 && avail !== null ? Math.round((avail / quota) * 1000) / 10 : null;
  return { storageUsedBytes: used, storageQuotaBytes: quota, freeSpacePercent: free, purgeable: null };
}

/** Epoch seconds (the asset's `lastSnapshot`, `latestOffsite`...) as ms; null for 0 or absent. */
export function epochSeconds(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : null;
}

export function isoTime(v: unknown): number | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/**
 * Datto documents `backup.status` and the verification statuses as strings without listing their
 * values: read by their words. Absent status on a listed snapshot: the snapshot exists, so it
 * succeeded unless an error message says otherwise. Anything unrecognised is a failure, so it is seen.
 */
export function statusOf(raw: string | null | undefined, errorMessage?: string | null): JobStatus {
  const s = String(raw ?? '')
    .trim()
    .toLowerCase();
  if (s === '') return errorMessage ? 'failed' : 'succeeded';
  if (/^(success|successful|succeeded|ok|complete|completed|pass|passed)$/.test(s)) return 'succeeded';
  if (/warn/.test(s)) return 'warning';
  if (/(progress|running|active|queued|pending)/.test(s)) return 'running';
  if (/cancel/.test(s)) return 'cancelled';
  return 'failed';
}

/** The asset's key within its appliance: its volume id, else its asset id, else its name. */
export function assetKey(a: DattoAsset): string | null {
  const k = a.volume ?? (a.assetId !== undefined && a.assetId !== null ? String(a.assetId) : null) ?? a.name ?? null;
  return k === null || String(k).trim() === '' ? null : String(k).trim().toLowerCase();
}

export function isShare(a: DattoAsset): boolean {
  return /share/i.test(String(a.type ?? ''));
}

/** Server or workstation from the protected machine's OS (`Windows Server 2019`, `Windows 10`...); shares are file shares on the appliance. */
export function assetDevice(a: DattoAsset): { class: DeviceClass; type: string } {
  if (isShare(a)) return { class: 'server', type: 'file_share' };
  const os = String(a.os ?? '');
  if (/server/i.test(os)) return { class: 'server', type: 'server' };
  if (/windows|mac ?os|os ?x/i.test(os)) return { class: 'workstation', type: 'workstation' };
  return { class: 'server', type: 'server' };
}

export function assetName(a: DattoAsset): string {
  return String(a.name ?? a.fqdn ?? '').trim();
}

function snapshotMessage(b: DattoBackup): { status: JobStatus; message: string | null; raw: string } {
  const status = statusOf(b.backup?.status, b.backup?.errorMessage);
  const parts: string[] = [];
  if (b.backup?.errorMessage) parts.push(b.backup.errorMessage);
  const lv = b.localVerification;
  const lvStatus = lv?.status ? statusOf(lv.status) : null;
  const lvErrors = (lv?.errors ?? []).map((e) => [e.errorType, e.errorMessage].filter(Boolean).join(': ')).filter((s) => s !== '');
  let final = status;
  if (lvStatus === 'failed' || lvErrors.length > 0) {
    parts.push(`local verification ${lv?.status ?? 'reported errors'}${lvErrors.length > 0 ? `: ${lvErrors.join('; ')}` : ''}`);
    // A snapshot taken but failing local verification is not a clean backup.
    if (final === 'succeeded') final = 'warning';
  }
  return { status: final, message: parts.length > 0 ? parts.join(' — ') : null, raw: b.backup?.status ?? 'snapshot' };
}

/** The appliance itself: one record with its storage facts (recorded when they change, or daily). */
export function applianceRecord(d: DattoDevice, ctx: MapContext, at: number): NormalisedJob {
  const counts = `${d.agentCount ?? 0} agent(s), ${d.shareCount ?? 0} share(s), ${d.alertCount ?? 0} open alert(s)`;
  return buildJob({
    source: ctx.source,
    externalId: `appliance:${ctx.serial}:${at}`,
    clientName: ctx.client,
    device: { name: ctx.appliance, class: 'server', type: 'bcdr_appliance', facts: applianceFacts(d) },
    check: null,
    status: 'succeeded',
    rawStatus: 'appliance status',
    operation: 'other',
    startedAt: at,
    endedAt: at,
    durationMs: null,
    message: `Datto ${d.model ?? 'appliance'} ${ctx.serial}: ${counts}${d.lastSeenDate ? `, last seen ${d.lastSeenDate}` : ''}`,
    raw: d,
  });
}

/**
 * The records of one asset whose times are at or after `from`: its snapshots (backups), its last
 * screenshot verification, its last off-site sync; the last snapshot when no listed one has its
 * time. Archived assets retire their device; paused ones say so once.
 */
export function assetRecords(a: DattoAsset, ctx: MapContext, from: number, now: number, firstSync = false): NormalisedJob[] {
  const name = assetName(a);
  const key = assetKey(a);
  if (name === '' || key === null) return [];
  // The first sync shows every asset's last known snapshot, screenshot and off-site sync, even older than the window.
  const since = (t: number | null) => (firstSync && t !== null ? Math.min(from, t) : from);
  const times = [...(a.backups ?? []).map((b) => isoTime(b.timestamp)), epochSeconds(a.lastSnapshot)].filter((t): t is number => t !== null);
  const backupsFrom = since(times.length > 0 ? Math.max(...times) : null);
  const id = `${ctx.serial}:${key}`;
  const device = assetDevice(a);
  const base = { source: ctx.source, clientName: ctx.client, device: { name, ...device }, durationMs: null };
  const out: NormalisedJob[] = [];
  const seen = new Set<number>();
  for (const b of a.backups ?? []) {
    const at = isoTime(b.timestamp);
    if (at === null) continue;
    seen.add(Math.floor(at / 1000));
    if (at < backupsFrom) continue;
    const { status, message, raw } = snapshotMessage(b);
    out.push(
      buildJob({
        ...base,
        externalId: `${id}:backup:${Math.floor(at / 1000)}`,
        check: { name: BACKUP_CHECK, kind: 'backup' },
        status,
        rawStatus: raw,
        operation: 'backup',
        startedAt: at,
        endedAt: status === 'running' ? null : at,
        message,
        raw: b,
      }),
    );
  }
  const last = epochSeconds(a.lastSnapshot);
  if (last !== null && last >= backupsFrom && !seen.has(Math.floor(last / 1000))) {
    out.push(
      buildJob({
        ...base,
        externalId: `${id}:backup:${Math.floor(last / 1000)}`,
        check: { name: BACKUP_CHECK, kind: 'backup' },
        status: 'succeeded',
        rawStatus: 'lastSnapshot',
        operation: 'backup',
        startedAt: last,
        endedAt: last,
        message: `Last snapshot, as ${ctx.appliance} reports it`,
        raw: { name: a.name, lastSnapshot: a.lastSnapshot, localSnapshots: a.localSnapshots },
      }),
    );
  }
  const shot = epochSeconds(a.lastScreenshotAttempt);
  if (shot !== null && shot >= since(shot) && typeof a.lastScreenshotAttemptStatus === 'boolean') {
    const ok = a.lastScreenshotAttemptStatus;
    out.push(
      buildJob({
        ...base,
        externalId: `${id}:screenshot:${Math.floor(shot / 1000)}`,
        check: { name: SCREENSHOT_CHECK, kind: 'verification' },
        status: ok ? 'succeeded' : 'failed',
        rawStatus: ok ? 'screenshot verified' : 'screenshot failed',
        operation: 'verification',
        startedAt: shot,
        endedAt: shot,
        message: ok ? null : `Screenshot verification failed${a.lastScreenshotUrl ? ` (${String(a.lastScreenshotUrl)})` : ''}`,
        raw: { name: a.name, lastScreenshotAttempt: a.lastScreenshotAttempt, lastScreenshotAttemptStatus: a.lastScreenshotAttemptStatus, lastScreenshotUrl: a.lastScreenshotUrl },
      }),
    );
  }
  const offsite = epochSeconds(a.latestOffsite);
  if (offsite !== null && offsite >= since(offsite)) {
    out.push(
      buildJob({
        ...base,
        externalId: `${id}:offsite:${Math.floor(offsite / 1000)}`,
        check: { name: OFFSITE_CHECK, kind: 'copy', tier: 'cold' },
        status: 'succeeded',
        rawStatus: 'offsite synced',
        operation: 'copy',
        startedAt: offsite,
        endedAt: offsite,
        message: `Latest off-site point of ${name}`,
        raw: { name: a.name, latestOffsite: a.latestOffsite },
      }),
    );
  }
  if (a.isArchived === true) {
    // Archived in Datto: no longer protected. A source_deleted record retires the device (no alerts).
    out.push(
      buildJob({
        ...base,
        externalId: `${id}:archived`,
        check: null,
        status: 'skipped',
        rawStatus: 'archived',
        operation: 'stop_protection',
        reason: 'source_deleted',
        startedAt: now,
        endedAt: now,
        message: `Archived on ${ctx.appliance}: no longer backed up`,
        raw: { name: a.name, isArchived: true },
      }),
    );
  } else if (a.isPaused === true) {
    out.push(
      buildJob({
        ...base,
        externalId: `${id}:paused:${Math.floor(now / 86_400_000)}`,
        check: { name: BACKUP_CHECK, kind: 'backup' },
        status: 'skipped',
        rawStatus: 'paused',
        operation: 'backup',
        startedAt: now,
        endedAt: now,
        message: `Backups are paused on ${ctx.appliance}`,
        raw: { name: a.name, isPaused: true },
      }),
    );
  }
  return out;
}
