// A realistic estate for a newcomer: three clients, ~40 devices of every class, 60 days of jobs
// with the failures, warnings and gaps a real MSP sees. Deterministic (seeded) and idempotent:
// every job has a stable external id, so loading twice on the same day changes nothing.
import type { JobReport } from '../domain/job.js';
import { DAY, HOUR, MINUTE } from '../lib/time.js';

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DemoCheck {
  name: string;
  kind: 'backup' | 'copy' | 'replication' | 'verification' | 'saas_backup';
  tier?: 'hot' | 'cold';
  /** Hours between runs, and the hour of day (UTC) of the first run. */
  everyHours: number;
  atHour: number;
  durationMin: number;
  sizeGb: number;
  /** Chance a run is missing (a laptop switched off) and fails, or ends with warnings. */
  missing?: number;
  fail?: number;
  warn?: number;
  /** A story: what the last runs look like. */
  story?: 'failing' | 'partial' | 'stale_copy' | 'restore_failed' | 'silent' | 'replication_warning';
}

interface DemoDevice {
  name: string;
  class: 'server' | 'workstation' | 'saas';
  type: string;
  source: string;
  checks: DemoCheck[];
  facts?: { storage_used_bytes?: number; storage_quota_bytes?: number; free_space_percent?: number; purgeable?: boolean };
  destructiveDaysAgo?: number;
}

const GB = 1024 ** 3;

// Servers back up every 6 hours and copy each backup to the cloud: with the default 12-hour server
// SLA (SPEC §3.2), a once-a-night backup would put every server out of SLA each afternoon.
const nightly = (sizeGb: number, extra: Partial<DemoCheck> = {}): DemoCheck => ({
  name: 'Server backup', kind: 'backup', everyHours: 6, atHour: 1, durationMin: 40, sizeGb, fail: 0.02, warn: 0.04, ...extra,
});
const cloudCopy = (sizeGb: number, extra: Partial<DemoCheck> = {}): DemoCheck => ({
  name: 'Cloud copy', kind: 'copy', tier: 'hot', everyHours: 6, atHour: 2, durationMin: 25, sizeGb: sizeGb * 0.2, fail: 0.01, ...extra,
});
const tapeCopy = (sizeGb: number): DemoCheck => ({
  name: 'Offsite tape', kind: 'copy', tier: 'cold', everyHours: 168, atHour: 22, durationMin: 180, sizeGb, fail: 0.05,
});
const restoreTest = (extra: Partial<DemoCheck> = {}): DemoCheck => ({
  name: 'Weekly restore test', kind: 'verification', everyHours: 168, atHour: 6, durationMin: 15, sizeGb: 0, fail: 0.02, ...extra,
});
const laptop = (name: string, extra: Partial<DemoCheck> = {}): DemoDevice => ({
  name, class: 'workstation', type: 'workstation', source: 'demo-veeam-agent',
  checks: [{ name: 'Daily backup', kind: 'backup', everyHours: 24, atHour: 12, durationMin: 12, sizeGb: 60, missing: 0.12, fail: 0.04, warn: 0.04, ...extra }],
});
const saas = (name: string, type: string, label: string, extra: Partial<DemoCheck> = {}): DemoDevice => ({
  name, class: 'saas', type, source: 'demo-saas',
  checks: [{ name: label, kind: 'saas_backup', everyHours: 24, atHour: 4, durationMin: 90, sizeGb: 300, fail: 0.01, warn: 0.05, ...extra }],
});

export const DEMO_CLIENTS: Array<{ name: string; devices: DemoDevice[] }> = [
  {
    name: 'Acme Widgets',
    devices: [
      { name: 'ACME-DC01', class: 'server', type: 'vm', source: 'demo-veeam', checks: [nightly(40), cloudCopy(40)] },
      { name: 'ACME-FS01', class: 'server', type: 'vm', source: 'demo-veeam', checks: [nightly(900), cloudCopy(900), tapeCopy(900), restoreTest()] },
      { name: 'ACME-SQL01', class: 'server', type: 'database', source: 'demo-veeam', checks: [nightly(250, { story: 'failing' }), cloudCopy(250)] },
      { name: 'ACME-ERP01', class: 'server', type: 'vm', source: 'demo-veeam', checks: [nightly(120), cloudCopy(120, { story: 'stale_copy' })] },
      { name: 'ACME-HV01', class: 'server', type: 'server', source: 'demo-veeam', checks: [nightly(60)] },
      {
        name: 'ACME-NAS01', class: 'server', type: 'nas', source: 'demo-synology', checks: [nightly(1800, { name: 'Hyper Backup' })],
        facts: { storage_used_bytes: 7.8e12, storage_quota_bytes: 8e12, free_space_percent: 2.5, purgeable: false },
      },
      laptop('ACME-LT-ANNA'), laptop('ACME-LT-BEN'), laptop('ACME-LT-CARLOS'), laptop('ACME-WS-RECEPTION'),
      laptop('ACME-LT-DANA', { story: 'silent' }),
      saas('acme.onmicrosoft.com', 'm365', 'Microsoft 365 backup'),
    ],
  },
  {
    name: 'Northwind Dental',
    devices: [
      { name: 'NW-SRV01', class: 'server', type: 'server', source: 'demo-veeam', checks: [nightly(300), cloudCopy(300), restoreTest()] },
      { name: 'NW-IMAGING', class: 'server', type: 'vm', source: 'demo-veeam', checks: [nightly(1200, { warn: 0.15 }), cloudCopy(1200)] },
      { name: 'NW-PMS-DB', class: 'server', type: 'database', source: 'demo-veeam', checks: [nightly(80), cloudCopy(80)] },
      {
        name: 'NW-BACKUP-NAS', class: 'server', type: 'nas', source: 'demo-synology', checks: [nightly(2200, { name: 'Hyper Backup' })],
        facts: { storage_used_bytes: 9.7e12, storage_quota_bytes: 10e12, free_space_percent: 3 },
      },
      laptop('NW-FRONTDESK1'), laptop('NW-FRONTDESK2'), laptop('NW-OP1'), laptop('NW-OP2'), laptop('NW-OP3'),
      laptop('NW-LT-DRSMITH'), laptop('NW-LT-OFFICE'), laptop('NW-XRAY-WS', { story: 'failing' }),
      { ...saas('northwind-dental.com', 'google_workspace', 'Google Workspace backup'), destructiveDaysAgo: 2 },
    ],
  },
  {
    name: 'Contoso Legal',
    devices: [
      { name: 'CL-DC01', class: 'server', type: 'vm', source: 'demo-veeam', checks: [nightly(50), cloudCopy(50)] },
      { name: 'CL-FILES', class: 'server', type: 'vm', source: 'demo-veeam', checks: [nightly(1500), cloudCopy(1500), tapeCopy(1500), restoreTest({ story: 'restore_failed' })] },
      { name: 'CL-DMS-SQL', class: 'server', type: 'database', source: 'demo-veeam', checks: [nightly(400), cloudCopy(400)] },
      {
        name: 'cl-app-vm01', class: 'server', type: 'azure_vm', source: 'demo-azure',
        checks: [nightly(90, { name: 'Azure VM backup' }), { name: 'Site Recovery', kind: 'replication', everyHours: 4, atHour: 0, durationMin: 5, sizeGb: 2, fail: 0.01, story: 'replication_warning' }],
      },
      {
        name: 'cl-web-vm02', class: 'server', type: 'azure_vm', source: 'demo-azure',
        checks: [nightly(40, { name: 'Azure VM backup' }), { name: 'Site Recovery', kind: 'replication', everyHours: 4, atHour: 0, durationMin: 5, sizeGb: 1, fail: 0.01 }],
      },
      { name: 'CL-PRINT01', class: 'server', type: 'vm', source: 'demo-veeam', checks: [nightly(20, { fail: 0.08 })] },
      laptop('CL-LT-PARTNER1'), laptop('CL-LT-PARTNER2'), laptop('CL-LT-ASSOC1'), laptop('CL-LT-ASSOC2'), laptop('CL-WS-PARALEGAL'),
      saas('contoso-legal.onmicrosoft.com', 'm365', 'Microsoft 365 backup', { story: 'partial' }),
      saas('contoso-legal.my.salesforce.com', 'salesforce', 'Salesforce backup'),
    ],
  },
];

const FAILURES = [
  ['VSS snapshot failed: the writer timed out', '0x80042306'],
  ['Cannot connect to repository: connection refused', 'E_REPO'],
  ['Not enough free space on the target', 'E_NOSPACE'],
  ['Source agent did not respond', 'E_TIMEOUT'],
] as const;

function runStatus(c: DemoCheck, runsFromEnd: number, rng: Rng): JobReport['status'] | null {
  switch (c.story) {
    case 'failing':
      if (runsFromEnd < 3) return 'failed';
      break;
    case 'partial':
      if (runsFromEnd < 3) return 'partial';
      break;
    case 'stale_copy':
      if (runsFromEnd < 2) return null;
      break;
    case 'restore_failed':
      if (runsFromEnd === 0) return 'failed';
      break;
    case 'silent':
      if (runsFromEnd < 9) return null;
      break;
  }
  const r = rng();
  if (r < (c.missing ?? 0)) return null;
  if (r < (c.missing ?? 0) + (c.fail ?? 0)) return 'failed';
  if (r < (c.missing ?? 0) + (c.fail ?? 0) + (c.warn ?? 0)) return 'warning';
  return 'succeeded';
}

function checkJobs(client: string, d: DemoDevice, c: DemoCheck, now: number, days: number, rng: Rng): JobReport[] {
  const out: JobReport[] = [];
  const period = c.everyHours * HOUR;
  const dayStart = Math.floor(now / DAY) * DAY;
  const first = dayStart - days * DAY + c.atHour * HOUR;
  const runs: number[] = [];
  for (let t = first; t + c.durationMin * MINUTE < now; t += period) runs.push(t);
  runs.forEach((scheduled, i) => {
    const runsFromEnd = runs.length - 1 - i;
    const status = runStatus(c, runsFromEnd, rng);
    if (status === null) return;
    const start = scheduled + Math.floor(rng() * 10 * MINUTE);
    const duration = c.durationMin * MINUTE * (0.8 + rng() * 0.4) * (status === 'failed' ? 0.3 : 1);
    const growth = 1 + ((i / runs.length) * 0.08);
    const bytes = status === 'failed' ? null : Math.round(c.sizeGb * GB * growth * (0.95 + rng() * 0.1) * (c.kind === 'backup' ? 0.05 : 1));
    const [message, code] = status === 'failed' ? FAILURES[Math.floor(rng() * FAILURES.length)]! : [null, null];
    const health = c.kind === 'replication'
      ? { replication: c.story === 'replication_warning' && runsFromEnd < 2 ? 'warning' as const : 'normal' as const, failover: 'normal' as const }
      : null;
    out.push({
      source: d.source,
      external_id: `${client}/${d.name}/${c.name}/${new Date(scheduled).toISOString()}`,
      client,
      device: { name: d.name, class: d.class, type: d.type, ...(runsFromEnd === 0 ? d.facts : {}) },
      check: { name: c.name, kind: c.kind, tier: c.tier ?? null },
      status,
      operation: c.kind === 'copy' ? 'copy' : c.kind === 'replication' ? 'replication' : c.kind === 'verification' ? 'verification' : 'backup',
      trigger: 'scheduled',
      started_at: new Date(start).toISOString(),
      ended_at: new Date(start + duration).toISOString(),
      bytes: c.kind === 'verification' ? null : bytes,
      message: status === 'warning' ? 'Completed with warnings: 3 files were skipped (locked)' : message,
      error_code: code,
      health,
    });
  });
  return out;
}

/** Every demo job, oldest first, as a source would report them. */
export function demoJobs(now: number, days = 60, seed = 20261122): JobReport[] {
  const rng = mulberry32(seed);
  const jobs: JobReport[] = [];
  for (const client of DEMO_CLIENTS) {
    for (const d of client.devices) {
      for (const c of d.checks) jobs.push(...checkJobs(client.name, d, c, now, days, rng));
      if (d.destructiveDaysAgo !== undefined) {
        const at = now - d.destructiveDaysAgo * DAY;
        jobs.push({
          source: d.source,
          external_id: `${client.name}/${d.name}/delete/${Math.floor(at / DAY)}`,
          client: client.name,
          device: { name: d.name, class: d.class, type: d.type },
          check: null,
          status: 'succeeded',
          operation: 'delete_backup_data',
          trigger: 'manual',
          started_at: new Date(at).toISOString(),
          ended_at: new Date(at + 2 * MINUTE).toISOString(),
          message: 'Backup data for 3 mailboxes deleted by admin@northwind-dental.com',
        });
      }
    }
  }
  return jobs.sort((a, b) => Date.parse(a.ended_at!) - Date.parse(b.ended_at!));
}

/** The schedule each demo check runs on; workstations are left to learn theirs. */
export function demoSchedules(): Array<{ client: string; device: string; check: string; intervalSeconds: number }> {
  const out: Array<{ client: string; device: string; check: string; intervalSeconds: number }> = [];
  for (const client of DEMO_CLIENTS) {
    for (const d of client.devices) {
      if (d.class === 'workstation') continue;
      for (const c of d.checks) out.push({ client: client.name, device: d.name, check: c.name, intervalSeconds: c.everyHours * 3600 });
    }
  }
  return out;
}
