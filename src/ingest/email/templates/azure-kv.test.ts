import { describe, expect, it } from 'vitest';
import { azureKeyValue } from './azure-kv.js';
import { loadFixture } from './test-fixtures.js';

describe('Azure key-value script report template', () => {
  it('reads one backup job per item block', async () => {
    const mail = await loadFixture('azure-kv/backup.eml');
    expect(azureKeyValue.detect(mail)).toBe(true);
    const jobs = azureKeyValue.parse(mail);
    expect(jobs.map((j) => [j.device, j.kind, j.status])).toEqual([
      ['APP01', 'backup', 'succeeded'],
      ['SQL02', 'backup', 'failed'],
      ['OLD03', 'backup', 'skipped'],
    ]);
    expect(jobs[0]).toMatchObject({ check: 'Azure Backup', startedAt: Date.UTC(2024, 2, 6, 1, 30, 12), endedAt: Date.UTC(2024, 2, 6, 2, 1, 47), durationMs: 1_895_000 });
    expect(jobs[1]!.message).toContain('UserErrorVmNotInDesirableState');
    expect(jobs[2]!.message).toBe('No recent backup job (Recent: False)');
  });

  it('reads replication items as replication jobs with both healths', async () => {
    const jobs = azureKeyValue.parse(await loadFixture('azure-kv/replication.eml'));
    expect(jobs[0]).toMatchObject({ device: 'WEB01', kind: 'replication', status: 'succeeded', health: { replication: 'normal', failover: 'normal' } });
    expect(jobs[1]).toMatchObject({ device: 'WEB02', kind: 'replication', status: 'failed', health: { replication: 'critical', failover: 'warning' } });
    expect(jobs[1]!.message).toContain('not progressing');
  });

  it('reads CompletedWithWarnings as a warning and a warning health as a warning', async () => {
    const mail = await loadFixture('azure-kv/backup.eml');
    const text = 'VM Name: A\nStatus: CompletedWithWarnings\nRecent: True\n\nVM Name: B\nReplication Health: Normal\nFailover Health: Warning\n';
    expect(azureKeyValue.parse({ ...mail, text }).map((j) => j.status)).toEqual(['warning', 'warning']);
  });
});
