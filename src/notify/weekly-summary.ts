// The weekly summary's figures for a period, for every client or a channel's clients.
import type { NotifyReadRepository } from '../db/repositories/notify-reads.js';
import { DAY } from '../lib/time.js';
import type { WeeklySummary } from './channels/email/summary.js';

const rate = (good: number, finished: number) => (finished === 0 ? null : good / finished);
const iso = (ms: number) => new Date(ms).toISOString();

export async function weeklySummary(reads: NotifyReadRepository, start: number, end: number, timezone: string, clientIds: string[] | null): Promise<WeeklySummary> {
  const bands = await reads.bands(clientIds);
  const count = (s: string) => bands.find((b) => b.status === s)?.n ?? 0;
  const week = await reads.jobOutcomes(start, end, clientIds);
  const before = await reads.jobOutcomes(start - 7 * DAY, start, clientIds);
  const perDay = await reads.bytesPerDay(start, end, clientIds);
  const previous = await reads.bytesPerDay(start - 7 * DAY, start, clientIds);
  const critical = await reads.criticalRaisedBetween(start, end, clientIds, 10);
  const lowest = await reads.lowestScores(clientIds, 5);
  const storage = await reads.storage(clientIds);
  const days = Math.max(1, Math.round((end - start) / DAY));
  const label = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', day: '2-digit', month: 'short' });
  const daily = Array.from({ length: days }, (_, i) => ({ day: label.format(start + i * DAY).replace(',', ''), bytes: perDay.get(i) ?? 0 }));
  return {
    period_start: iso(start),
    period_end: iso(end),
    timezone,
    clients: clientIds ? await reads.clientNames(clientIds) : null,
    devices: {
      total: bands.reduce((a, b) => a + b.n, 0),
      protected: bands.reduce((a, b) => a + b.protected, 0),
      applicable: bands.reduce((a, b) => a + b.applicable, 0),
      bands: { healthy: count('healthy'), warning: count('warning'), critical: count('critical'), unknown: count('unknown') },
    },
    jobs: { finished: week.finished, good: week.good, success_rate: rate(week.good, week.finished), previous_success_rate: rate(before.good, before.finished) },
    new_critical: {
      count: critical.count,
      items: critical.items.map((a) => ({ id: a.id, title: a.title, client_name: a.client_name, device_name: a.device_name, raised_at: iso(a.raised_at) })),
    },
    lowest: lowest.map((d) => ({ id: d.id, name: d.name, client_name: d.client_name, score: d.score, status: d.status })),
    storage: {
      daily,
      week_bytes: [...perDay.values()].reduce((a, b) => a + b, 0),
      previous_week_bytes: [...previous.values()].reduce((a, b) => a + b, 0),
      used_bytes: storage.used,
      quota_bytes: storage.quota,
    },
  };
}
