import { describe, expect, it } from 'vitest';
import { dayCells, STRIP_DAYS } from './status-page.js';

describe('the 30-day strip', () => {
  it('puts each day in its cell, oldest first, the worst run of the day winning', () => {
    const today = 20_000;
    const cells = dayCells(
      [
        { device_id: 'd', day: today, status: 'succeeded' },
        { device_id: 'd', day: today - 1, status: 'succeeded' },
        { device_id: 'd', day: today - 1, status: 'failed' },
        { device_id: 'd', day: today - 2, status: 'skipped' },
        { device_id: 'd', day: today - STRIP_DAYS, status: 'failed' },
      ],
      today,
    );
    expect(cells).toHaveLength(STRIP_DAYS);
    expect(cells.slice(-3)).toEqual(['warning', 'critical', 'healthy']);
    expect(cells[0]).toBe('none');
  });
});
