import { describe, expect, it } from 'vitest';
import { at, HOUR, oneOffWindow, recurringWindow, T0 } from './test-factories.js';
import { activeAt, appliesTo, lastEndBefore, nextBoundary } from './windows.js';

const target = { clientId: 'client-1', deviceId: 'dev-1', checkId: 'chk-backup' };

describe('appliesTo', () => {
  it('matches a window on the client, the device, or the one check', () => {
    expect(appliesTo(oneOffWindow({ scope: 'client', scopeId: 'client-1', startsAt: 0, endsAt: 1 }), target)).toBe(true);
    expect(appliesTo(oneOffWindow({ scope: 'client', scopeId: 'client-2', startsAt: 0, endsAt: 1 }), target)).toBe(false);
    expect(appliesTo(oneOffWindow({ scope: 'device', scopeId: 'dev-1', startsAt: 0, endsAt: 1 }), target)).toBe(true);
    expect(appliesTo(oneOffWindow({ scope: 'device', scopeId: 'dev-2', startsAt: 0, endsAt: 1 }), target)).toBe(false);
    expect(appliesTo(oneOffWindow({ scope: 'check', scopeId: 'chk-backup', startsAt: 0, endsAt: 1 }), target)).toBe(true);
    expect(appliesTo(oneOffWindow({ scope: 'check', scopeId: 'chk-copy', startsAt: 0, endsAt: 1 }), target)).toBe(false);
  });

  it('does not apply a check window to the device as a whole', () => {
    expect(appliesTo(oneOffWindow({ scope: 'check', scopeId: 'chk-backup', startsAt: 0, endsAt: 1 }), { clientId: 'client-1', deviceId: 'dev-1', checkId: null })).toBe(false);
  });
});

describe('one-off windows', () => {
  const w = oneOffWindow({ startsAt: T0 + 2 * HOUR, endsAt: T0 + 6 * HOUR });

  it('is active from its start up to (not including) its end', () => {
    expect(activeAt([w], T0 + 2 * HOUR - 1)).toBeNull();
    expect(activeAt([w], T0 + 2 * HOUR)).toBe(w);
    expect(activeAt([w], T0 + 6 * HOUR - 1)).toBe(w);
    expect(activeAt([w], T0 + 6 * HOUR)).toBeNull();
  });

  it('restarts schedules at its end once it has ended, not while it is open', () => {
    expect(lastEndBefore([w], T0 + HOUR)).toBeNull();
    expect(lastEndBefore([w], T0 + 3 * HOUR)).toBeNull();
    expect(lastEndBefore([w], T0 + 6 * HOUR)).toBe(T0 + 6 * HOUR);
    expect(lastEndBefore([w], T0 + 100 * HOUR)).toBe(T0 + 6 * HOUR);
  });

  it('takes the latest end among several windows', () => {
    const later = oneOffWindow({ id: 'win-2', startsAt: T0 + 10 * HOUR, endsAt: T0 + 12 * HOUR });
    expect(lastEndBefore([later, w], T0 + 20 * HOUR)).toBe(T0 + 12 * HOUR);
  });

  it('names its opening and its closing as the next boundaries', () => {
    expect(nextBoundary([w], T0)).toBe(T0 + 2 * HOUR);
    expect(nextBoundary([w], T0 + 2 * HOUR)).toBe(T0 + 6 * HOUR);
    expect(nextBoundary([w], T0 + 6 * HOUR)).toBeNull();
  });
});

describe('recurring windows', () => {
  // Saturdays 22:00 Berlin time for 4 hours.
  const w = recurringWindow({ cron: '0 22 * * 6', tz: 'Europe/Berlin', durationMs: 4 * HOUR });

  it('is active during each occurrence, in its zone', () => {
    // Saturday 7 November 2026, 22:00 CET = 21:00Z.
    expect(activeAt([w], at('2026-11-07T20:59:00Z'))).toBeNull();
    expect(activeAt([w], at('2026-11-07T21:00:00Z'))).toBe(w);
    expect(activeAt([w], at('2026-11-08T00:59:00Z'))).toBe(w);
    expect(activeAt([w], at('2026-11-08T01:00:00Z'))).toBeNull();
  });

  it('restarts schedules at the end of the latest finished occurrence', () => {
    expect(lastEndBefore([w], at('2026-11-08T12:00:00Z'))).toBe(at('2026-11-08T01:00:00Z'));
    // While an occurrence is open, the one before it counts.
    expect(lastEndBefore([w], at('2026-11-14T22:00:00Z'))).toBe(at('2026-11-08T01:00:00Z'));
  });

  it('names the end of the open occurrence, then the next opening', () => {
    expect(nextBoundary([w], at('2026-11-07T22:00:00Z'))).toBe(at('2026-11-08T01:00:00Z'));
    expect(nextBoundary([w], at('2026-11-08T01:00:00Z'))).toBe(at('2026-11-14T21:00:00Z'));
  });
});
