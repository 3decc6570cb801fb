import { describe, expect, it } from 'vitest';
import { azureTime, filterTime, parseDuration, parseFilterTime, parseSize, vaultRef } from './parse.js';

describe('Azure value formats', () => {
  it('reads ISO-8601 durations as the API spec writes them', () => {
    expect(parseDuration('PT12.4272909S')).toBe(12_427);
    expect(parseDuration('PT10M35S')).toBe(635_000);
    expect(parseDuration('PT5M')).toBe(300_000);
    expect(parseDuration('PT0S')).toBe(0);
    expect(parseDuration('P1DT2H')).toBe(26 * 3_600_000);
  });

  it('reads .NET TimeSpan durations as some Microsoft samples show them', () => {
    expect(parseDuration('00:20:23.0896697')).toBe(1_223_090);
    expect(parseDuration('00:00:00')).toBe(0);
    expect(parseDuration('1.02:03:04')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000);
  });

  it('answers null for what is not a duration', () => {
    for (const v of ['', 'P', 'PT', 'soon', '20:23', undefined, 42]) expect(parseDuration(v)).toBeNull();
  });

  it('reads free-text sizes in binary units', () => {
    expect(parseSize('2332 MB')).toBe(2332 * 1024 ** 2);
    expect(parseSize('6.81 MB')).toBe(Math.round(6.81 * 1024 ** 2));
    expect(parseSize('329.337 MiB')).toBe(Math.round(329.337 * 1024 ** 2));
    expect(parseSize('1,024 KB')).toBe(1024 * 1024);
    expect(parseSize('1.5 GB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('12345')).toBe(12345);
    expect(parseSize('lots')).toBeNull();
    expect(parseSize('12 parsecs')).toBeNull();
  });

  it('writes $filter times on a 12-hour UTC clock and reads them back, midnight either way', () => {
    expect(filterTime(Date.UTC(2026, 10, 20, 13, 5, 9))).toBe('2026-11-20 01:05:09 PM');
    expect(filterTime(Date.UTC(2026, 10, 20, 0, 0, 0))).toBe('2026-11-20 12:00:00 AM');
    expect(filterTime(Date.UTC(2026, 10, 20, 12, 30, 0))).toBe('2026-11-20 12:30:00 PM');
    for (const ms of [Date.UTC(2026, 0, 1), Date.UTC(2026, 5, 30, 23, 59, 59), Date.UTC(2026, 10, 20, 12, 0, 1)]) {
      expect(parseFilterTime(filterTime(ms))).toBe(ms);
    }
    expect(parseFilterTime('2016-01-01 00:00:00 AM')).toBe(Date.UTC(2016, 0, 1));
  });

  it('takes a vault apart from its resource id, whatever the case of its segments', () => {
    const v = vaultRef({
      id: '/Subscriptions/77777777-b0c6-47a2-b37c-d8e65a629c18/resourceGroups/HelloWorld/providers/Microsoft.RecoveryServices/vaults/today1',
      name: 'today1',
      tags: { TestUpdatedKey: 'TestUpdatedValue', n: 3 },
    });
    expect(v).toMatchObject({ name: 'today1', subscriptionId: '77777777-b0c6-47a2-b37c-d8e65a629c18', resourceGroup: 'HelloWorld', tags: { TestUpdatedKey: 'TestUpdatedValue' } });
    expect(v?.key).toBe(v?.id.toLowerCase());
    expect(vaultRef({ id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z' })).toBeNull();
  });

  it("treats Azure's placeholder dates as no date", () => {
    expect(azureTime('1753-01-01T01:01:01Z')).toBeNull();
    expect(azureTime('2018-01-22T12:25:32.048723Z')).toBe(Date.parse('2018-01-22T12:25:32.048Z'));
    expect(azureTime(undefined)).toBeNull();
  });
});
