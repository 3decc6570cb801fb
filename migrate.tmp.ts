import { readdirSync, readFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { parseEmail } from './src/ingest/email/parse.ts';
import { recognise } from './src/ingest/email/templates/index.ts';
const dir = '/work/main/test/fixtures/email/';
const ids = ['veeam-agent','veeam-backup','veeam-backupcopy','veeam-replication','proxmox-vzdump','windows-server-backup','azure-kv','bacula','borg','duplicati','restic'];
const manifests: Record<string, any> = {};
for (const f of readdirSync(dir).filter(f => f.endsWith('.eml')).sort()) {
  const n = f.replace(/^DERIVED_/, '').replace(/\.eml$/, '');
  const id = ids.find(i => n.startsWith(i + '-'))!;
  const caseName = n.slice(id.length + 1);
  const tid = id.startsWith('veeam-') && id !== 'veeam-agent' ? 'veeam' : id;
  const file = tid === 'veeam' ? `${id.slice(6)}-${caseName}.eml` : `${caseName}.eml`;
  const raw = readFileSync(dir + f);
  const hdr = /X-Keepwatch-Fixture: (.*)/.exec(raw.toString())![1]!.trim();
  const mail = await parseEmail(raw, ['backups@keepwatch.example']);
  const rec = recognise(mail)!;
  const order = ['failed','partial','cancelled','warning','running','skipped','succeeded'];
  const worst = order.find(s => rec.jobs.some(j => j.status === s));
  mkdirSync(dir + tid, { recursive: true });
  execSync(`git mv ${dir}${f} ${dir}${tid}/${file}`);
  manifests[tid] ??= { product: rec.template.product, template: tid, samples: [] };
  manifests[tid].samples.push({ file, origin: 'reconstructed', source: hdr.replace(/^DERIVED - /, ''), version: null, changes: null,
    expect: { status: worst, jobs: rec.jobs.length, devices: [...new Set(rec.jobs.map(j => j.device))] } });
}
for (const [tid, m] of Object.entries(manifests)) writeFileSync(`${dir}${tid}/manifest.json`, JSON.stringify(m, null, 2) + '\n');
