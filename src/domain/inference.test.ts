import { describe, expect, it } from 'vitest';
import { inferInterval } from './inference.js';
import { DAY, HOUR, job, MINUTE, series, T0 } from './test-factories.js';

const endsAt = (offsets: number[]) => offsets.map((o) => job({ at: T0 + o }));

describe('inferInterval', () => {
  it('learns nothing from fewer than 4 good runs', () => {
    expect(inferInterval(series(3, T0, DAY))).toBeNull();
  });

  it('learns a 24 h interval from 4 daily good runs', () => {
    expect(inferInterval(series(4, T0, DAY))).toBe(DAY);
  });

  it('counts only good runs: failures in between neither help nor hurt', () => {
    const jobs = [...series(4, T0, DAY), job({ at: T0 + 3 * DAY + 2 * HOUR, status: 'failed' })];
    expect(inferInterval(jobs)).toBe(DAY);
    const fewGood = [...series(3, T0, DAY), job({ at: T0 + 3 * DAY, status: 'failed' })];
    expect(inferInterval(fewGood)).toBeNull();
  });

  it('still learns "daily" from a laptop that skips days', () => {
    expect(inferInterval(endsAt([0, DAY, 2 * DAY, 4 * DAY, 5 * DAY, 6 * DAY]))).toBe(DAY);
  });

  it('learns nothing from irregular runs', () => {
    expect(inferInterval(endsAt([0, HOUR, 11 * HOUR, 41 * HOUR, 44 * HOUR]))).toBeNull();
  });

  it('snaps a cadence within 15 % of a round period to it', () => {
    // Runs every 23 h 10 min: daily.
    expect(inferInterval(series(5, T0, 23 * HOUR + 10 * MINUTE))).toBe(DAY);
    expect(inferInterval(series(5, T0, 7 * DAY - 5 * HOUR))).toBe(7 * DAY);
  });

  it('rounds a cadence far from every round period to 5 minutes', () => {
    expect(inferInterval(series(5, T0, 10 * MINUTE + 20_000))).toBe(10 * MINUTE);
  });

  it('learns nothing from runs less than 5 minutes apart', () => {
    expect(inferInterval(series(6, T0, 2 * MINUTE))).toBeNull();
  });

  it('looks only at the last 11 good runs', () => {
    const old = endsAt([0, 3 * HOUR, 17 * HOUR, 20 * HOUR, 50 * HOUR, 51 * HOUR]);
    const recent = series(11, T0 + 5 * DAY, 6 * HOUR);
    expect(inferInterval([...old, ...recent])).toBe(6 * HOUR);
  });
});
