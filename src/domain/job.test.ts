import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { isGood, type JobReport, nameKey } from './job.js';
import { normaliseJob } from './job-report.js';
import {
  buildJob,
  clampFuture,
  type JobInput,
  MAX_DEVICE_TYPE_LENGTH,
  MAX_ERROR_CODE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_NAME_LENGTH,
  MAX_RAW_STATUS_LENGTH,
  MAX_SOURCE_LENGTH,
} from './job-build.js';

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

  it("refuses a time more than 10 minutes ahead of the server's clock, naming the field", () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    try {
      normaliseJob(report({ started_at: '2026-12-06T12:10:01Z', ended_at: '2099-01-01T00:00:00Z' }), 'jobs[3]', now);
      expect.fail('should throw');
    } catch (err) {
      expect((err as ValidationError).problems.map((p) => p.field)).toEqual(['jobs[3].started_at', 'jobs[3].ended_at']);
    }
    expect(normaliseJob(report({ ended_at: '2026-12-06T12:09:00Z' }), '', now).endedAt).toBe(now + 9 * 60_000);
  });

  it('keeps the report verbatim, unknown fields included', () => {
    const raw = JSON.parse(normaliseJob(report({ vendor_session: 'x1' } as Partial<JobReport>)).raw);
    expect(raw.vendor_session).toBe('x1');
  });
});

const input = (overrides: Partial<JobInput> = {}): JobInput => ({
  source: 'veeam',
  device: { name: 'SRV01' },
  status: 'succeeded',
  raw: { vendor: 'x' },
  ...overrides,
});

describe('buildJob', () => {
  it('fills the defaults: a server, a scheduled backup to the "Backup" check, nothing else known', () => {
    expect(buildJob(input())).toEqual({
      source: 'veeam',
      externalId: null,
      clientName: null,
      device: { name: 'SRV01', class: 'server', type: 'server', facts: null },
      check: { name: 'Backup', kind: 'backup', tier: null },
      status: 'succeeded',
      rawStatus: 'succeeded',
      operation: 'backup',
      trigger: 'scheduled',
      startedAt: null,
      endedAt: null,
      durationMs: null,
      bytes: null,
      message: null,
      errorCode: null,
      reason: null,
      healthReplication: null,
      healthFailover: null,
      log: null,
      raw: '{"vendor":"x"}',
      clockSkew: false,
    });
  });

  it('types a device by its class unless the source names a type', () => {
    expect(buildJob(input({ device: { name: 'M365', class: 'saas' } })).device).toMatchObject({ class: 'saas', type: 'saas' });
    expect(buildJob(input({ device: { name: 'vm-a', type: 'vm' } })).device).toMatchObject({ class: 'server', type: 'vm' });
  });

  it("gives the operation's default check when none is said, and no check when told null", () => {
    expect(buildJob(input({ operation: 'replication' })).check).toEqual({ name: 'Replication', kind: 'replication', tier: null });
    expect(buildJob(input({ operation: 'restore' })).check).toBeNull();
    expect(buildJob(input({ check: null })).check).toBeNull();
  });

  it("takes a check's kind from the operation when it does not say, and makes a copy hot unless told cold", () => {
    expect(buildJob(input({ operation: 'copy', check: { name: 'To cloud' } })).check).toEqual({ name: 'To cloud', kind: 'copy', tier: 'hot' });
    expect(buildJob(input({ check: { name: 'Tape', kind: 'copy', tier: 'cold' } })).check).toEqual({ name: 'Tape', kind: 'copy', tier: 'cold' });
    expect(buildJob(input({ check: { name: 'Nightly', tier: 'cold' } })).check).toEqual({ name: 'Nightly', kind: 'backup', tier: null });
  });

  it('derives the duration from start and end unless the source gives one, or says it is unknown', () => {
    const times = { startedAt: 1_000, endedAt: 61_000 };
    expect(buildJob(input(times)).durationMs).toBe(60_000);
    expect(buildJob(input({ ...times, durationMs: 5_000 })).durationMs).toBe(5_000);
    expect(buildJob(input({ ...times, durationMs: null })).durationMs).toBeNull();
    expect(buildJob(input({ startedAt: 1_000 })).durationMs).toBeNull();
  });

  it('cleans names and cuts every text to its limit', () => {
    const long = 'x'.repeat(20_000);
    const job = buildJob(
      input({
        source: ` ${long} `,
        clientName: '  Contoso   Ltd ',
        device: { name: `  File \n Server  ${long}`, type: long },
        check: { name: long },
        rawStatus: long,
        message: long,
        errorCode: long,
      }),
    );
    expect(job.clientName).toBe('Contoso Ltd');
    expect(job.device.name).toBe(`File Server ${long}`.slice(0, MAX_NAME_LENGTH));
    expect(job.check?.name).toHaveLength(MAX_NAME_LENGTH);
    expect(job.source).toHaveLength(MAX_SOURCE_LENGTH);
    expect(job.device.type).toHaveLength(MAX_DEVICE_TYPE_LENGTH);
    expect(job.rawStatus).toHaveLength(MAX_RAW_STATUS_LENGTH);
    expect(job.message).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(job.errorCode).toHaveLength(MAX_ERROR_CODE_LENGTH);
  });

  it('counts characters as the API schema does, so a name the API accepts is never cut', () => {
    const emoji = (n: number) => '💾'.repeat(n);
    expect(buildJob(input({ device: { name: emoji(MAX_NAME_LENGTH) } })).device.name).toBe(emoji(MAX_NAME_LENGTH));
    expect(buildJob(input({ device: { name: emoji(MAX_NAME_LENGTH + 1) } })).device.name).toBe(emoji(MAX_NAME_LENGTH));
  });

  it('leaves the client out when the source names none, and keeps an empty message empty', () => {
    expect(buildJob(input({ clientName: '' })).clientName).toBeNull();
    expect(buildJob(input({ message: '' })).message).toBe('');
  });

  it('keeps a log as given unless the source says how to cut it', () => {
    const log = 'y'.repeat(200_000);
    expect(buildJob(input({ log })).log).toBe(log);
    expect(buildJob(input({ log: null, logCut: { maxChars: 10, note: 'cut' } })).log).toBeNull();
  });

  it('cuts a log by characters, then notes the cut', () => {
    expect(buildJob(input({ log: 'abcdef', logCut: { maxChars: 4, note: 'cut here' } })).log).toBe('abcd\n[… cut here]');
    expect(buildJob(input({ log: 'abcd', logCut: { maxChars: 4, note: 'cut here' } })).log).toBe('abcd');
  });

  it('cuts a log by UTF-8 bytes without splitting a character, then notes the cut', () => {
    const logCut = { maxBytes: 5, note: 'truncated' };
    expect(buildJob(input({ log: 'aéééé', logCut })).log).toBe('aéé\n[… truncated]');
    expect(buildJob(input({ log: 'ééééé', logCut })).log).toBe('éé\n[… truncated]');
    expect(buildJob(input({ log: 'aéé', logCut })).log).toBe('aéé');
  });
});

describe('clampFuture', () => {
  const received = Date.parse('2026-12-06T12:00:00Z');

  it('replaces a time ahead of the received time by the received time, keeps the duration, and flags the job', () => {
    const job = buildJob(input({ startedAt: received + 3_600_000, endedAt: received + 3_900_000 }));
    expect(clampFuture(job, received)).toMatchObject({ startedAt: received, endedAt: received, durationMs: 300_000, clockSkew: true });
    const ended = buildJob(input({ startedAt: received - 60_000, endedAt: received + 86_400_000 }));
    expect(clampFuture(ended, received)).toMatchObject({ startedAt: received - 60_000, endedAt: received, clockSkew: true });
  });

  it('leaves times within 10 minutes of the received time alone', () => {
    const job = buildJob(input({ endedAt: received + 9 * 60_000 }));
    expect(clampFuture(job, received)).toBe(job);
    expect(job.clockSkew).toBe(false);
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
