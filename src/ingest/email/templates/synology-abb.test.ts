import { describe, expect, it } from 'vitest';
import { synologyAbb } from './synology-abb.js';
import { loadFixture } from './test-fixtures.js';

describe('Synology Active Backup template', () => {
  it('reads the captured ABB title: the task on the ABB server, completed', async () => {
    const mail = await loadFixture('synology-abb/abb-completed-event.eml');
    expect(synologyAbb.detect(mail)).toBe(true);
    expect(synologyAbb.parse(mail)).toEqual([
      {
        device: 'STO-BK01',
        check: 'stock-bim-01-full',
        kind: 'backup',
        status: 'succeeded',
        rawStatus: 'has been completed',
        startedAt: null,
        endedAt: null,
        durationMs: null,
        bytes: null,
        message: null,
      },
    ]);
  });

  it('reads the Microsoft 365 title with brackets around task and host as a SaaS backup', async () => {
    const [job] = synologyAbb.parse(await loadFixture('synology-abb/m365-completed-event.eml'));
    expect(job).toMatchObject({
      device: 'host01',
      check: 'Office 365 Backup - Fourth Floor Solutions',
      kind: 'saas_backup',
      status: 'succeeded',
      rawStatus: 'was completed',
      endedAt: Date.UTC(2026, 1, 11, 18, 55),
    });
  });

  it('reads failed and partial outcomes with the title as message', async () => {
    const [failed] = synologyAbb.parse(await loadFixture('synology-abb/abb-failed.eml'));
    expect(failed).toMatchObject({ check: 'ws-042-system', status: 'failed', endedAt: Date.UTC(2026, 1, 12, 1, 12) });
    expect(failed!.message).toBe('Active Backup for Business - backup task ws-042-system on STO-BK01 has failed');
    const [partial] = synologyAbb.parse(await loadFixture('synology-abb/abb-partial.eml'));
    expect(partial).toMatchObject({ check: 'vm-erp01', status: 'partial', rawStatus: 'was partially completed' });
  });

  it('does not take an outcome word it does not know for success', async () => {
    const mail = await loadFixture('synology-abb/abb-partial.eml');
    const odd = '[STO-BK01] Active Backup for Business - backup task vm-erp01 on STO-BK01 was skipped';
    const [job] = synologyAbb.parse({ ...mail, subject: odd, text: odd });
    expect(job).toMatchObject({ status: 'warning', unread: ['status: "was skipped"'] });
  });

  it('leaves Hyper Backup titles alone', async () => {
    const mail = await loadFixture('synology-abb/abb-failed.eml');
    expect(synologyAbb.detect({ ...mail, subject: '[nas01] Data backup task on nas01 has failed', text: '' })).toBe(false);
  });
});
