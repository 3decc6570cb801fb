// What the fake Azure serves: the real example payloads (moved in time so they are recent, and
// with the spec's placeholder all-zero job names made unique), and generated subscriptions for
// volume. Node builtins only (the benchmark runs this in its own process).
import { readFileSync } from 'node:fs';
import type { FakeAzure, FakeVault } from './fake-azure.js';

const FIXTURES = new URL('../fixtures/azure/', import.meta.url);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

/** The JSON body of an `.http.txt` capture (the first `{` … matching `}`). */
export function httpFixtureBody(name: string): any {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  const start = text.indexOf('\n{');
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return JSON.parse(text.slice(start + 1, i + 1));
  }
  throw new Error(`no JSON body in ${name}`);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function eachTime(value: unknown, fn: (ms: number) => string): unknown {
  if (typeof value === 'string' && ISO.test(value)) {
    const ms = Date.parse(value);
    return new Date(ms).getUTCFullYear() < 1900 ? value : fn(ms);
  }
  if (Array.isArray(value)) return value.map((v) => eachTime(v, fn));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, eachTime(v, fn)]));
  return value;
}

/** Moves every real time in a payload so that its latest one is `latest` (placeholders like 1753 stay). */
export function moveTimes<T>(payload: T, latest: number): T {
  let max = Number.NEGATIVE_INFINITY;
  eachTime(payload, (ms) => {
    max = Math.max(max, ms);
    return '';
  });
  const delta = Number.isFinite(max) ? latest - max : 0;
  return eachTime(payload, (ms) => new Date(ms + delta).toISOString()) as T;
}

/**
 * The subscription of the vault-list example (patchtest, swaggerExample, today1), filled with
 * the other examples, all ending two hours before `now`:
 * - patchtest: the backupJobs list example and the completed job of the job-details capture;
 * - swaggerExample: the hand-built mixed statuses (failed, warning, cancelled restore, stop, delete);
 * - today1: the protected-items example, the Site Recovery item and vault health examples.
 */
export function loadExamples(fake: FakeAzure, now: number): void {
  const latest = now - 2 * HOUR;
  for (const v of fixture('vaults_listBySubscription_spec_2025-02-01.json').responses['200'].body.value) {
    const rg = /resourceGroups\/([^/]+)/.exec(v.id)![1]!;
    fake.addVault(v.name, rg, v.tags ?? {});
  }
  const patch = fake.vault('patchtest');
  const listed = moveTimes(fixture('backupJobs_list_spec_2025-02-01.json').responses['200'].body.value, latest - HOUR) as any[];
  for (const [i, j] of listed.entries()) fake.putJob(patch, `00000000-0000-0000-0000-00000000000${i + 1}`, j.properties);
  const detail = moveTimes(httpFixtureBody('jobDetails_get_completed_azuredocs.http.txt'), latest);
  const { extendedInfo, actionsInfo: _a, ...listProps } = detail.properties;
  fake.putJob(patch, detail.name, listProps);
  patch.details.set(detail.name.toLowerCase(), extendedInfo);

  const swagger = fake.vault('swaggerExample');
  for (const j of moveTimes(fixture('DERIVED_NOT_REAL_backupJobs_mixed_statuses.json').value, latest) as any[]) fake.putJob(swagger, j.name, j.properties);

  const today = fake.vault('today1');
  today.items.push(...moveTimes(fixture('protectedItems_list_spec_2025-02-01.json').responses['200'].body.value, latest));
  today.replicationItems.push(...fixture('asr_replicationProtectedItems_list_spec_2025-01-01.json').responses['200'].body.value);
  today.health = fixture('asr_replicationVaultHealth_get_spec_2025-01-01.json').responses['200'].body;
}

// ---- generated subscriptions --------------------------------------------------------------

export interface Generated {
  vaults: number;
  itemsPerVault: number;
}

let serial = 0;
const jobName = () => `00000000-0000-4000-8000-${(++serial).toString(16).padStart(12, '0')}`;

/** Deterministic statuses: mostly Completed, some warnings and failures, the odd cancellation. */
function statusFor(n: number): string {
  if (n % 97 === 0) return 'Failed';
  if (n % 61 === 0) return 'CompletedWithWarnings';
  if (n % 499 === 0) return 'Cancelled';
  return 'Completed';
}

function vmName(v: number, i: number): string {
  return `vm-${String(v).padStart(2, '0')}-${String(i).padStart(3, '0')}`;
}

/** `vaults` vaults of `itemsPerVault` Azure VMs each; jobs come from addDailyBackups. Vault v is in resource group rg-client-(v mod 10). */
export function generateSubscription(fake: FakeAzure, size: Generated, now: number): void {
  for (let v = 0; v < size.vaults; v++) {
    const vault = fake.addVault(`rsv-${String(v).padStart(2, '0')}`, `rg-client-${v % 10}`, { client: `Client ${v % 10}` });
    for (let i = 0; i < size.itemsPerVault; i++) {
      const vm = vmName(v, i);
      vault.items.push({
        id: `${fake.vaultId(vault)}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;${vm}/protectedItems/VM;iaasvmcontainerv2;rg;${vm}`,
        name: `VM;iaasvmcontainerv2;rg;${vm}`,
        type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems',
        properties: {
          friendlyName: vm,
          protectionStatus: 'Healthy',
          protectionState: 'Protected',
          healthStatus: 'Passed',
          lastBackupStatus: 'Completed',
          lastBackupTime: new Date(now - 6 * HOUR).toISOString(),
          lastRecoveryPoint: new Date(now - 6 * HOUR).toISOString(),
          protectedItemType: 'Microsoft.Compute/virtualMachines',
          backupManagementType: 'AzureIaasVM',
          workloadType: 'VM',
          containerName: `iaasvmcontainerv2;rg;${vm}`,
          policyType: 'V2',
        },
      });
    }
  }
}

/**
 * One scheduled backup a day per item, at a time of day of its own (spread over the day, as
 * policies across many clients are), for the jobs that start in [from, to); a job that would
 * still be running at `to` is InProgress.
 */
export function addDailyBackups(fake: FakeAzure, from: number, to: number): number {
  let added = 0;
  for (const [v, vault] of fake.vaults.entries()) {
    for (let i = 0; i < vault.items.length; i++) {
      const vm = (vault.items[i]!.properties as { friendlyName: string }).friendlyName;
      for (let day = Math.floor(from / DAY) - 1; day * DAY < to; day++) {
        const start = day * DAY + ((v * 7919 + i * 104_729) % (24 * 60)) * 60_000;
        if (start < from || start >= to) continue;
        const end = start + (10 + ((i * 13) % 35)) * 60_000;
        const n = v * 100_003 + i * 31 + day;
        pushJob(fake, vault, vm, start, end <= to ? end : null, statusFor(n));
        added++;
      }
    }
  }
  return added;
}

function pushJob(fake: FakeAzure, vault: FakeVault, vm: string, start: number, end: number | null, status: string): void {
  const name = jobName();
  const ms = (end ?? start) - start;
  vault.jobs.push({
    id: `/Subscriptions/${fake.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.name}/backupJobs/${name}`,
    name,
    type: 'Microsoft.RecoveryServices/vaults/backupJobs',
    properties: {
      jobType: 'AzureIaaSVMJob',
      duration: `PT${Math.floor(ms / 1000)}S`,
      actionsInfo: ['Cancellable'],
      virtualMachineVersion: 'Compute',
      entityFriendlyName: vm,
      backupManagementType: 'AzureIaasVM',
      operation: 'Backup',
      status: end === null ? 'InProgress' : status,
      startTime: new Date(start).toISOString(),
      ...(end === null ? {} : { endTime: new Date(end).toISOString() }),
      activityId: name,
      ...(status === 'Failed' && end !== null ? { errorDetails: [{ errorCode: 400001, errorString: 'Snapshot operation failed (generated)', recommendations: ['Retry the backup'] }] } : {}),
    },
  });
  vault.details.set(name, { tasksList: [], propertyBag: { 'VM Name': vm, 'Backup Size': `${500 + (Number.parseInt(name.slice(-4), 16) % 4000)} MB` } });
  vault.sorted = false;
}
