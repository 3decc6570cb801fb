import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { isGood, type JobReport, nameKey, normaliseJob } from './job.js';

const report = (overrides: Partial<JobReport> = {}): JobReport => ({
  source: 'veeam',
  device: { name: 'SRV01' },
  status: 'succeeded',
  ...overrides,
});

describe('normaliseJob', () => {
  it('fills defaults: server class, scheduled backup to a "Backup" check', () => {
    const job = normaliseJob(report());
    expect(job).toMatchObject({
      device: { name: 'SRV01', class: 'server', type: 'server', facts: null },
      check: { name: 'Backup', kind: 'backup', tier: null },
      operation: 'backup',
      trigger: 'scheduled',
      rawStatus: 'succeeded',
      externalId: null,
    });
  });

  it('derives the check kind from the operation when the check does not say', () => {
    expect(normaliseJob(report({ operation: 'copy', check: { name: 'To cloud' } })).check).toEqual({ name: 'To cloud', kind: 'copy', tier: 'hot' });
    expect(normaliseJob(report({ operation: 'verification' })).check).toEqual({ name: 'Restore test', kind: 'verification', tier: null });
  });

  it('leaves management operations without a check', () => {
    expect(normaliseJob(report({ operation: 'delete_backup_data' })).check).toBeNull();
  });

  it('computes the duration from start and end, or takes duration_seconds', () => {
    expect(normaliseJob(report({ started_at: '2026-11-20T01:00:00Z', ended_at: '2026-11-20T01:12:31Z' })).durationMs).toBe(751_000);
    expect(normaliseJob(report({ duration_seconds: 1.5 })).durationMs).toBe(1500);
  });

  it('collects device facts only when some are given', () => {
    expect(normaliseJob(report({ device: { name: 'NAS', free_space_percent: 3, purgeable: false } })).device.facts).toEqual({
      storageUsedBytes: null,
      storageQuotaBytes: null,
      freeSpacePercent: 3,
      purgeable: false,
    });
  });

  it('names every problem it finds, under the given path', () => {
    try {
      normaliseJob(report({ started_at: '2026-11-20T02:00:00Z', ended_at: '2026-11-20T01:00:00Z', client: '  ' }), 'jobs[2]');
      expect.fail('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).problems.map((p) => p.field)).toEqual(['jobs[2].ended_at', 'jobs[2].client']);
    }
  });

  it('keeps the report verbatim, unknown fields included', () => {
    const raw = JSON.parse(normaliseJob(report({ vendor_session: 'x1' } as Partial<JobReport>)).raw);
    expect(raw.vendor_session).toBe('x1');
  });
});

describe('nameKey and isGood', () => {
  it('matches names whatever their case and spacing', () => {
    expect(nameKey('  File  Server 01 ')).toBe(nameKey('file server 01'));
  });
  it('counts succeeded and warning as good, nothing else', () => {
    expect(['succeeded', 'warning', 'partial', 'failed', 'cancelled', 'skipped', 'running'].filter((s) => isGood(s as never))).toEqual(['succeeded', 'warning']);
  });
});
