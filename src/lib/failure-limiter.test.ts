import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter.js';

describe('FailureLimiter', () => {
  it('blocks a key after the limit of failures until the oldest leaves the window', () => {
    const l = new FailureLimiter(3, 60_000);
    l.fail('a', 0);
    l.fail('a', 10_000);
    expect(l.blockedFor('a', 10_000)).toBe(0);
    l.fail('a', 20_000);
    expect(l.blockedFor('a', 20_000)).toBe(40_000);
    expect(l.blockedFor('b', 20_000)).toBe(0);
    expect(l.blockedFor('a', 60_001)).toBe(0);
  });

  it('forgets a key on reset', () => {
    const l = new FailureLimiter(1, 60_000);
    l.fail('a', 0);
    expect(l.blockedFor('a', 1)).toBeGreaterThan(0);
    l.reset('a');
    expect(l.blockedFor('a', 1)).toBe(0);
  });

  it('keeps at most maxKeys keys', () => {
    const l = new FailureLimiter(1, 60_000, 2);
    l.fail('a', 0);
    l.fail('b', 0);
    l.fail('c', 0);
    expect(l.blockedFor('a', 1)).toBe(0);
    expect(l.blockedFor('c', 1)).toBeGreaterThan(0);
  });
});
