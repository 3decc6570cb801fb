import { describe, expect, it } from 'vitest';
import { type AlertEvent, backoffMs, digestSelection, dueHours, groupHolds, hourStart, lastWeeklyInstant, type RoutableChannel, routeEvent } from './notify.js';

const event = (topic: AlertEvent['event'], over: Partial<AlertEvent['alert']> = {}): AlertEvent => ({
  event: topic,
  at: '2026-11-02T06:00:00Z',
  alert: {
    id: 'a1',
    type: 'job_failed',
    severity: 'warning',
    state: 'open',
    scope: 'check',
    client_id: 'acme',
    client_name: 'Acme',
    device_id: 'd1',
    device_name: 'FS1',
    check_id: 'c1',
    check_name: 'Nightly',
    integration_id: null,
    integration_name: null,
    title: 'Nightly: failed',
    detail: {},
    condition_since: null,
    raised_at: null,
    resolved_at: null,
    ...over,
  },
});

const chan = (id: string, over: Partial<RoutableChannel> = {}): RoutableChannel => ({
  id,
  topics: ['alert.raised', 'alert.escalated', 'alert.resolved', 'alert.repeat'],
  clientIds: null,
  minSeverity: null,
  types: null,
  digest: false,
  sinceId: '0',
  ...over,
});

describe('routing an alert event', () => {
  const channels = [
    chan('noc'),
    chan('acme', { clientIds: ['acme'] }),
    chan('globex', { clientIds: ['globex'] }),
    chan('critical', { minSeverity: 'critical' }),
    chan('overdue-only', { types: ['backup_overdue'] }),
    chan('digest', { digest: true }),
    chan('quiet', { topics: ['alert.raised'] }),
  ];

  it('sends a raise where every filter matches, and never straight to a digest', () => {
    expect(routeEvent(event('alert.raised'), 'e1', channels, new Set())).toEqual(['noc', 'acme', 'quiet']);
  });

  it('sends an escalation to critical to the channels that wanted only critical alerts', () => {
    expect(routeEvent(event('alert.escalated', { severity: 'critical' }), 'e1', channels, new Set())).toEqual(['noc', 'acme', 'critical']);
  });

  it('sends a resolution only to channels that were told of the alert and want resolutions', () => {
    expect(routeEvent(event('alert.resolved'), 'e1', channels, new Set(['acme', 'quiet', 'globex']))).toEqual(['acme', 'globex']);
  });

  it('keeps integration alerts (no client) away from client-limited channels', () => {
    expect(routeEvent(event('alert.raised', { client_id: null, type: 'integration_auth' }), 'e1', channels, new Set())).toEqual(['noc', 'quiet']);
  });

  it('never tells a failing channel of its own failure', () => {
    expect(routeEvent(event('alert.raised', { client_id: null, type: 'channel_failing', integration_id: 'noc' }), 'e1', channels, new Set())).toEqual(['quiet']);
  });

  it('ignores events older than the channel', () => {
    expect(routeEvent(event('alert.raised'), '0190', [chan('new', { sinceId: '0191' }), chan('old', { sinceId: '0189' })], new Set())).toEqual(['old']);
  });
});

describe('group window', () => {
  const now = 1_000_000;

  it('lets the first raise of a quiet device go at once', () => {
    expect(groupHolds(['dev-a'], new Map(), new Map(), 30_000, now)).toEqual(new Map());
  });

  it('holds a raise within the window after the device\'s last raise notice until the window ends', () => {
    expect(groupHolds(['dev-a'], new Map(), new Map([['dev-a', now - 10_000]]), 30_000, now)).toEqual(new Map([['dev-a', now + 20_000]]));
    expect(groupHolds(['dev-a'], new Map(), new Map([['dev-a', now - 30_000]]), 30_000, now)).toEqual(new Map());
  });

  it('keeps a device with events waiting behind them, raising or not', () => {
    const waiting = new Map([['dev-b', now + 5_000]]);
    expect(groupHolds(['dev-a'], waiting, new Map([['dev-b', now - 1_000]]), 30_000, now)).toEqual(new Map([['dev-b', now + 5_000]]));
  });

  it('holds nothing new when grouping is off', () => {
    expect(groupHolds(['dev-a'], new Map(), new Map([['dev-a', now - 1_000]]), 0, now)).toEqual(new Map());
  });
});

describe('back-off', () => {
  it('doubles from 10 s up to 10 min, within ±20 % jitter', () => {
    expect(backoffMs(1, 0.5)).toBe(10_000);
    expect(backoffMs(2, 0.5)).toBe(20_000);
    expect(backoffMs(7, 0.5)).toBe(600_000);
    expect(backoffMs(30, 0.5)).toBe(600_000);
    expect(backoffMs(1, 0)).toBe(8_000);
    expect(backoffMs(1, 0.999999)).toBe(12_000);
  });

  it("honours a receiver's Retry-After up to an hour", () => {
    expect(backoffMs(1, 0.5, 120_000)).toBe(120_000);
    expect(backoffMs(1, 0.5, 1000)).toBe(10_000);
    expect(backoffMs(1, 0.5, 86_400_000)).toBe(3_600_000);
  });
});

describe('digest hours', () => {
  it('start on the hour of the zone, at half past in UTC for India', () => {
    expect(new Date(hourStart(Date.parse('2026-11-02T05:29:59Z'), 'Asia/Kolkata')).toISOString()).toBe('2026-11-02T04:30:00.000Z');
    expect(new Date(hourStart(Date.parse('2026-11-02T05:30:00Z'), 'Asia/Kolkata')).toISOString()).toBe('2026-11-02T05:30:00.000Z');
    expect(new Date(hourStart(Date.parse('2026-11-02T05:59:00Z'), 'UTC')).toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('are due once each, oldest first, after the mark', () => {
    const h = dueHours(Date.parse('2026-11-02T03:00:00Z'), Date.parse('2026-11-02T05:10:00Z'), 'UTC');
    expect(h.map((x) => new Date(x.start).toISOString().slice(11, 16))).toEqual(['03:00', '04:00']);
    expect(dueHours(Date.parse('2026-11-02T05:00:00Z'), Date.parse('2026-11-02T05:59:59Z'), 'UTC')).toEqual([]);
  });

  it('hold the alerts raised in the hour that are still open (acknowledged counts as open)', () => {
    const alerts = [
      { id: 'a', raisedAt: 10, state: 'open' },
      { id: 'b', raisedAt: 20, state: 'resolved' },
      { id: 'c', raisedAt: 30, state: 'acknowledged' },
      { id: 'd', raisedAt: 30, state: 'dismissed' },
      { id: 'e', raisedAt: 100, state: 'open' },
      { id: 'f', raisedAt: 5, state: 'open' },
    ];
    expect(digestSelection(alerts, 10, 100).map((a) => a.id)).toEqual(['a', 'c']);
  });
});

describe('the weekly summary moment', () => {
  it('is the latest chosen weekday and hour of the zone at or before now, across a DST change', () => {
    const at = (now: string) => new Date(lastWeeklyInstant(Date.parse(now), 'monday', 8, 'Europe/Berlin')).toISOString();
    expect(at('2026-11-02T07:00:00Z')).toBe('2026-11-02T07:00:00.000Z');
    expect(at('2026-11-02T06:59:59Z')).toBe('2026-10-26T07:00:00.000Z');
    // Summer time: 08:00 in Berlin is 06:00 UTC.
    expect(at('2026-10-20T12:00:00Z')).toBe('2026-10-19T06:00:00.000Z');
  });
});
