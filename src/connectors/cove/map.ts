// Cove device statistics to normalised jobs, without I/O (docs/connectors/cove.md). A Cove device
// (an "account") is a Keepwatch device; each data source it backs up (Files and Folders, System
// State, MS SQL, Microsoft 365 Exchange...) is a check whose last session is a job, idempotent on
// the account id, the data source and the session's time. Its used storage rides as a device fact.
//
// Column codes, from N-able's "Management Console column codes for API"
// (documentation.n-able.com/covedataprotection/USERGUIDE/documentation/Content/service-management/
// json-api/API-column-codes.htm; the codes also appear in the EnumerateAccountStatistics sample
// request and answer, enumerate-device-statistics.htm): I1 device name, I8 customer, I14 used
// storage (bytes), I18 computer name, I32 OS type (1 workstation, 2 server, 0 undefined, as the
// legacy page's OT), I78 active data sources (a run of 3-character codes, "D01D02" in the sample).
// Per data source `Dnn`, the F columns: F00 last session status, F06 errors of the last session,
// F12 session duration (seconds), F15 last session time (Unix seconds). We could not read the
// current column page itself: the data source codes and the F codes below are taken from it as
// quoted in public Cove integrations that cite it (see test/fixtures/cove/manifest.json).
import type { DeviceClass, JobStatus, NormalisedJob } from '../../domain/job.js';
import { buildJob } from '../../domain/job-build.js';
import type { CoveAccount } from './api.js';

/** Data source code → name. D09 is the total of all sources, not a source: it is not read. */
export const DATA_SOURCES: Record<string, { name: string; saas: boolean }> = {
  D01: { name: 'Files and Folders', saas: false },
  D02: { name: 'System State', saas: false },
  D03: { name: 'MS SQL (legacy)', saas: false },
  D04: { name: 'Exchange', saas: false },
  D05: { name: 'Microsoft 365 SharePoint', saas: true },
  D06: { name: 'Network Shares', saas: false },
  D07: { name: 'System State (VSS)', saas: false },
  D08: { name: 'VMware', saas: false },
  D10: { name: 'MS SQL', saas: false },
  D11: { name: 'SharePoint', saas: false },
  D12: { name: 'Oracle', saas: false },
  D14: { name: 'Hyper-V', saas: false },
  D15: { name: 'MySQL', saas: false },
  D19: { name: 'Microsoft 365 Exchange', saas: true },
  D20: { name: 'Microsoft 365 OneDrive', saas: true },
  D23: { name: 'Microsoft 365 Teams', saas: true },
};

/** The F columns read per data source. */
export const SESSION_FIELDS = ['F00', 'F06', 'F12', 'F15'] as const;

/** The columns every sync asks for: the device's own, then the session fields of every known data source. */
export const COLUMNS: readonly string[] = ['I1', 'I8', 'I14', 'I18', 'I32', 'I78', ...Object.keys(DATA_SOURCES).flatMap((ds) => SESSION_FIELDS.map((f) => `${ds}${f}`))];

/**
 * Session status codes (F00), as N-able lists them: 1 In process, 2 Failed, 3 Aborted, 5 Completed,
 * 6 Interrupted, 7 Not started, 8 Completed with errors, 9 In progress with faults, 10 Over quota,
 * 11 No selection, 12 Restarted. Interrupted, not started and over quota are failures (the Cove
 * dashboard counts them with the failed ones); no selection (nothing selected to back up) is a
 * warning; a restarted session is still running.
 */
export const SESSION_STATUS: Record<string, { name: string; status: JobStatus }> = {
  '1': { name: 'InProcess', status: 'running' },
  '2': { name: 'Failed', status: 'failed' },
  '3': { name: 'Aborted', status: 'cancelled' },
  '5': { name: 'Completed', status: 'succeeded' },
  '6': { name: 'Interrupted', status: 'failed' },
  '7': { name: 'NotStarted', status: 'failed' },
  '8': { name: 'CompletedWithErrors', status: 'warning' },
  '9': { name: 'InProgressWithFaults', status: 'running' },
  '10': { name: 'OverQuota', status: 'failed' },
  '11': { name: 'NoSelection', status: 'warning' },
  '12': { name: 'Restarted', status: 'running' },
};

/** `Settings` as one object, column code → value. */
export function settingsOf(a: CoveAccount): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of a.Settings ?? []) {
    if (entry && typeof entry === 'object') for (const [k, v] of Object.entries(entry)) if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

/** Data source codes of I78 ("D01D02" → ["D01", "D02"]). */
export function activeSources(value: string | undefined): string[] {
  return (value ?? '').match(/D\d{2}/g) ?? [];
}

const int = (v: string | undefined): number | null => {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** The platform tenant of a device: the customer (partner) it belongs to. */
export function tenantOf(a: CoveAccount, s: Record<string, string>): { id: string; name: string } {
  const customer = (s.I8 ?? '').trim();
  const id = typeof a.PartnerId === 'number' ? `partner:${a.PartnerId}` : `customer:${customer.toLowerCase()}`;
  return { id, name: customer || `Cove partner ${a.PartnerId ?? 'unknown'}` };
}

/** The device name: the computer name, else Cove's device name (Microsoft 365 devices have no computer). */
export function deviceName(s: Record<string, string>): string {
  return (s.I18 ?? '').trim() || (s.I1 ?? '').trim();
}

function deviceClass(s: Record<string, string>, sources: string[]): DeviceClass {
  if (sources.length > 0 && sources.every((ds) => DATA_SOURCES[ds]?.saas)) return 'saas';
  return s.I32 === '1' ? 'workstation' : 'server';
}

export interface MapContext {
  source: string;
  client: string;
}

/** One job per data source of the device that has a last session. */
export function accountJobs(a: CoveAccount, ctx: MapContext): NormalisedJob[] {
  const s = settingsOf(a);
  const name = deviceName(s);
  if (name === '' || typeof a.AccountId !== 'number') return [];
  const sources = activeSources(s.I78).filter((ds) => DATA_SOURCES[ds] !== undefined);
  const cls = deviceClass(s, sources);
  const used = int(s.I14);
  const facts = used === null ? null : { storageUsedBytes: used, storageQuotaBytes: null, freeSpacePercent: null, purgeable: null };
  const jobs: NormalisedJob[] = [];
  for (const ds of sources) {
    const at = int(s[`${ds}F15`]);
    const code = s[`${ds}F00`];
    if (at === null || at <= 0 || code === undefined) continue;
    const known = SESSION_STATUS[code];
    const status: JobStatus = known?.status ?? 'failed';
    const startedAt = at * 1000;
    const seconds = int(s[`${ds}F12`]);
    const running = status === 'running';
    const errors = int(s[`${ds}F06`]) ?? 0;
    const source = DATA_SOURCES[ds]!;
    const parts = [`Cove ${source.name}: ${known?.name ?? `session status ${code}`}`];
    if (errors > 0) parts.push(`${errors} error(s)`);
    jobs.push(
      buildJob({
        source: ctx.source,
        externalId: `${a.AccountId}:${ds}:${at}`,
        clientName: ctx.client,
        device: { name, class: cls, type: cls === 'saas' ? 'microsoft_365' : cls, facts },
        check: { name: `Cove ${source.name}`, kind: source.saas ? 'saas_backup' : 'backup' },
        status,
        rawStatus: known?.name ?? code,
        operation: 'backup',
        startedAt,
        endedAt: running || seconds === null ? null : startedAt + seconds * 1000,
        durationMs: running || seconds === null ? null : seconds * 1000,
        message: parts.join(' — '),
        errorCode: known ? null : code,
        raw: { AccountId: a.AccountId, PartnerId: a.PartnerId, Flags: a.Flags ?? null, DataSource: ds, Settings: s },
      }),
    );
  }
  return jobs;
}
