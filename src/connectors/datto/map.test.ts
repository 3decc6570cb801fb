import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tenantOf } from './index.js';
import { applianceFacts, assetDevice, assetKey, assetRecords, type MapContext, statusOf, storageBytes } from './map.js';

const ctx: MapContext = { source: 'datto:c1', client: 'Contoso', serial: 'A1B2C3', appliance: 'siris-1' };
const NOW = Date.parse('2026-11-20T06:00:00Z');

describe('Datto mapping', () => {
  it('reads storage sizes with their units, and an unknown unit as nothing', () => {
    expect(storageBytes({ size: 1.5, units: 'TB' })).toBe(1.5 * 1024 ** 4);
    expect(storageBytes({ size: 200, units: 'gb' })).toBe(200 * 1024 ** 3);
    expect(storageBytes({ size: 0, units: 'string' })).toBeNull();
    expect(storageBytes(null)).toBeNull();
    expect(applianceFacts({ localStorageUsed: { size: 1, units: 'TB' }, localStorageAvailable: { size: 3, units: 'TB' } })).toEqual({
      storageUsedBytes: 1024 ** 4,
      storageQuotaBytes: 4 * 1024 ** 4,
      freeSpacePercent: 75,
      purgeable: null,
    });
  });

  it('reads undocumented status words, and fails what it does not know so it is seen', () => {
    expect(statusOf('success')).toBe('succeeded');
    expect(statusOf('Completed')).toBe('succeeded');
    expect(statusOf('warning')).toBe('warning');
    expect(statusOf('in progress')).toBe('running');
    expect(statusOf('cancelled')).toBe('cancelled');
    expect(statusOf('failed')).toBe('failed');
    expect(statusOf('string')).toBe('failed');
    expect(statusOf(null)).toBe('succeeded');
    expect(statusOf(null, 'agent unreachable')).toBe('failed');
  });

  it('classes agents by their OS and shares as file shares', () => {
    expect(assetDevice({ os: 'Windows Server 2019 Standard' })).toEqual({ class: 'server', type: 'server' });
    expect(assetDevice({ os: 'Windows 11 Pro' })).toEqual({ class: 'workstation', type: 'workstation' });
    expect(assetDevice({ os: 'Ubuntu 22.04' })).toEqual({ class: 'server', type: 'server' });
    expect(assetDevice({ type: 'share', os: null })).toEqual({ class: 'server', type: 'file_share' });
    expect(assetKey({ name: 'X', volume: 'ABC' })).toBe('abc');
    expect(assetKey({ name: 'X', assetId: 42 })).toBe('42');
  });

  it('downgrades a snapshot whose local verification failed, and keys records by asset and time', () => {
    const at = NOW - 3_600_000;
    const jobs = assetRecords(
      {
        name: 'dc01',
        volume: 'v1',
        os: 'Windows Server 2022',
        backups: [{ timestamp: new Date(at).toISOString(), backup: { status: 'success' }, localVerification: { status: 'failed', errors: [{ errorType: 'fsck', errorMessage: 'volume C: is dirty' }] } }],
      },
      ctx,
      NOW - 86_400_000,
      NOW,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'warning', externalId: `A1B2C3:v1:backup:${Math.floor(at / 1000)}`, message: 'local verification failed: fsck: volume C: is dirty' });
  });

  it('reads nothing older than the window, except the newest snapshot on a first sync', () => {
    const old = NOW - 90 * 86_400_000;
    const asset = { name: 'old', volume: 'v2', backups: [{ timestamp: new Date(old).toISOString(), backup: { status: 'success' } }] };
    expect(assetRecords(asset, ctx, NOW - 86_400_000, NOW)).toEqual([]);
    expect(assetRecords(asset, ctx, NOW - 86_400_000, NOW, true).map((j) => j.startedAt)).toEqual([old]);
  });

  it("maps the reference's device example, placeholders and all, without inventing storage", () => {
    const list = JSON.parse(readFileSync(new URL('../../../test/fixtures/connectors/datto/device-list.json', import.meta.url), 'utf8'));
    const device = list.items[0];
    expect(applianceFacts(device)).toBeNull();
    expect(tenantOf(device, 'Datto')).toEqual({ id: 'name:string', name: 'string' });
    expect(tenantOf({ ...device, clientCompanyName: null, organizationName: null }, 'Datto')).toEqual({ id: 'unassigned', name: 'Datto' });
    expect(tenantOf({ ...device, organizationId: 77 }, 'Datto')).toEqual({ id: 'org:77', name: 'string' });
  });
});
