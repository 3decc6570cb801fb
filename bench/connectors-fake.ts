// The Veeam Service Provider Console stand-in for `npm run bench -- connectors`, in its own
// process so serving it does not take Keepwatch's event loop. Generates `companies` companies,
// each with one Veeam Backup & Replication server, `vms` protected VMs backed up by VM backup jobs
// (one session task per VM per job) and `computers` Veeam agent computers with agent jobs, so
// that the latest sessions number `sessions` in all. Prints one JSON line when ready, then
// answers commands on stdin: `sessions <n> <atMs>` runs n agent jobs again (new latest
// sessions) around atMs, `stats` reports its calls and CPU time.
import { createInterface } from 'node:readline';
import { FakeVspc } from '../test/helpers/vspc-fake.ts';

const [companies, vmsPer, computersPer, sessions, nowMs] = process.argv.slice(2).map(Number) as [number, number, number, number, number];
const HOUR = 3_600_000;
const fake = await FakeVspc.start();
fake.record = false;

// A fixed pseudo-random sequence, so every run generates the same estate.
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const outcome = () => {
  const r = rand();
  return r < 0.9 ? 'Success' : r < 0.97 ? 'Warning' : 'Failed';
};
const failure = (status: string) => (status === 'Failed' ? 'Error: Failed to connect to the backup repository.' : status === 'Warning' ? 'Changed block tracking is disabled.' : null);

const perCompany = Math.round(sessions / companies);
// Sessions per company: VM backup job tasks (vmsPer per job) and agent jobs share them.
const vmJobs = Math.max(1, Math.round((perCompany * 0.25) / Math.max(1, vmsPer)));
const agentJobsPer = Math.max(0, perCompany - vmJobs * vmsPer);
let made = 0;
const agentJobs: Array<Record<string, unknown>> = [];
for (let c = 0; c < companies; c++) {
  const company = fake.addCompany(`Company ${String(c + 1).padStart(4, '0')}`);
  const uid = company.instanceUid as string;
  const server = fake.addBackupServer(uid, `VBR-${String(c + 1).padStart(4, '0')}`);
  const vmNames: string[] = [];
  for (let v = 0; v < vmsPer; v++) {
    const name = `c${c + 1}-vm-${String(v + 1).padStart(3, '0')}`;
    vmNames.push(name);
    fake.vms.push({ instanceUid: `vm-${c}-${v}`, backupServerUid: server.instanceUid, organizationUid: uid, name, totalRestorePointSize: Math.round(rand() * 200) * 2 ** 30 });
  }
  for (let j = 0; j < vmJobs; j++) {
    const start = nowMs - HOUR - Math.round(rand() * 22 * HOUR);
    const status = outcome();
    fake.serverJobs.push({
      instanceUid: `job-${c}-${j}`,
      name: `VM backup ${j + 1}`,
      type: 'BackupVm',
      backupServerUid: server.instanceUid,
      organizationUid: uid,
      isEnabled: true,
      status,
      lastRun: new Date(start).toISOString(),
      lastEndTime: new Date(start + 30 * 60_000).toISOString(),
      lastDuration: 1800,
      failureMessage: failure(status),
      lastSessionTasks: vmNames.map((n) => FakeVspc.task(n, status, start, start + 30 * 60_000)),
    });
    made += vmNames.length;
  }
  const computers = Array.from({ length: computersPer }, (_, k) => ({
    backupAgentUid: `agent-${c}-${k}`,
    organizationUid: uid,
    name: `C${c + 1}-${k % 2 === 0 ? 'SRV' : 'PC'}-${String(k + 1).padStart(3, '0')}`,
    operationMode: k % 2 === 0 ? 'Server' : 'Workstation',
    numberOfJobs: 1,
  }));
  fake.computers.push(...computers);
  for (let a = 0; a < agentJobsPer && computers.length > 0; a++) {
    const pc = computers[a % computers.length]!;
    const start = nowMs - HOUR - Math.round(rand() * 22 * HOUR);
    const status = outcome();
    const job = {
      instanceUid: `agentjob-${c}-${a}`,
      backupAgentUid: pc.backupAgentUid,
      organizationUid: uid,
      name: `Agent job ${Math.floor(a / computers.length) + 1}`,
      operationMode: pc.operationMode,
      isEnabled: true,
      status,
      lastRun: new Date(start).toISOString(),
      lastEndTime: new Date(start + 15 * 60_000).toISOString(),
      lastDuration: 900,
      failureMessage: failure(status),
      backedUpSize: Math.round(rand() * 100) * 2 ** 30,
    };
    fake.agentJobs.push(job);
    agentJobs.push(job);
    made++;
  }
}
fake.reindex();
const write = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
write({ ready: true, url: fake.url, apiKey: fake.apiKey, sessions: made, machines: fake.vms.length + fake.computers.length, companies });

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'sessions') {
    const n = Number(a);
    const at = Number(b);
    const first = Math.floor(rand() * agentJobs.length);
    for (let i = 0; i < n; i++) {
      // Distinct jobs: a stride prime to the count walks them without repeating.
      const job = agentJobs[(first + i * 7919) % agentJobs.length]!;
      fake.runAgentJob(job, outcome(), at - 20 * 60_000 + i, at - 5 * 60_000 + i);
    }
    write({ added: n });
  } else if (cmd === 'stats') {
    const cpu = process.cpuUsage();
    write({ calls: fake.calls, cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
  } else if (cmd === 'quit') void fake.close().then(() => process.exit(0));
});
