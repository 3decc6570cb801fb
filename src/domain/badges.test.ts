import { describe, expect, it } from 'vitest';
import { checkBadgeStatus, deviceBadgeStatus, worstStatus } from './badges.js';

describe('badge status', () => {
  it('takes the worst band, with unknown above healthy and nothing at all unknown', () => {
    expect(worstStatus(['healthy', 'critical', 'warning'])).toBe('critical');
    expect(worstStatus(['healthy', 'warning'])).toBe('warning');
    expect(worstStatus(['healthy', 'unknown'])).toBe('unknown');
    expect(worstStatus(['healthy'])).toBe('healthy');
    expect(worstStatus([])).toBe('unknown');
  });

  it("maps a check's state to a band, paused always unknown", () => {
    expect(checkBadgeStatus('up', false)).toBe('healthy');
    expect(checkBadgeStatus('late', false)).toBe('warning');
    expect(checkBadgeStatus('down', false)).toBe('critical');
    expect(checkBadgeStatus('overdue', false)).toBe('critical');
    expect(checkBadgeStatus('new', false)).toBe('unknown');
    expect(checkBadgeStatus('down', true)).toBe('unknown');
  });

  it("keeps a device's stored band and calls anything else unknown", () => {
    expect(deviceBadgeStatus('warning')).toBe('warning');
    expect(deviceBadgeStatus('retired')).toBe('unknown');
  });
});
