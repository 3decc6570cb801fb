// The weekly summary e-mail: protection, bands, job success rate, new critical alerts, the five
// lowest scores, and storage written per day as a table-cell bar chart (no image to block).
import { alertUrl, deviceUrl, formatZoned } from '../format.js';
import type { WeeklySummary } from './summary.js';
import { barChart, button, COLORS, dataTable, esc, h1, h2, layout, link, p } from './layout.js';

interface Rendered {
  subject: string;
  html: string;
  text: string;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

const pct = (x: number | null) => (x === null ? '—' : `${(Math.round(x * 1000) / 10).toFixed(1)} %`);

function trend(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'new this week';
  const change = (now - before) / before;
  return `${change >= 0 ? '+' : ''}${Math.round(change * 100)} % on the week before`;
}

function bands(s: WeeklySummary): string {
  const b = s.devices.bands;
  return barChart([
    { label: 'Healthy', value: b.healthy, text: String(b.healthy), color: COLORS.resolved },
    { label: 'Warning', value: b.warning, text: String(b.warning), color: COLORS.warning },
    { label: 'Critical', value: b.critical, text: String(b.critical), color: COLORS.critical },
    { label: 'Unknown', value: b.unknown, text: String(b.unknown), color: '#9aa5b1' },
  ]);
}

function htmlBody(s: WeeklySummary, publicUrl: string): string {
  const d = s.devices;
  const j = s.jobs;
  const scope = s.clients ? `Clients: ${s.clients.join(', ')}. ` : '';
  return [
    h1('Your week in backups'),
    p(`${esc(scope)}${esc(formatZoned(s.period_start, s.timezone))} to ${esc(formatZoned(s.period_end, s.timezone))} (${esc(s.timezone)}).`),
    p(
      `<strong>${d.protected} of ${d.applicable}</strong> devices meet their backup SLA · <strong>${pct(j.success_rate)}</strong> of ${j.finished.toLocaleString("en-US")} jobs succeeded (week before: ${pct(j.previous_success_rate)}) · <strong>${s.new_critical.count}</strong> new critical alert${s.new_critical.count === 1 ? '' : 's'}`,
    ),
    h2(`Devices by health (${d.total})`),
    bands(s),
    h2('New critical alerts'),
    s.new_critical.items.length === 0
      ? p('None this week.')
      : dataTable(
          ['Alert', 'Where', 'Raised'],
          s.new_critical.items.map((a) => [link(alertUrl(publicUrl, a.id), a.title), esc([a.client_name, a.device_name].filter(Boolean).join(' · ')), esc(formatZoned(a.raised_at, s.timezone))]),
        ) + (s.new_critical.count > s.new_critical.items.length ? p(`and ${s.new_critical.count - s.new_critical.items.length} more.`) : ''),
    h2('Lowest health scores'),
    s.lowest.length === 0
      ? p('No devices have reported yet.')
      : dataTable(
          ['Device', 'Client', 'Score'],
          s.lowest.map((x) => [link(deviceUrl(publicUrl, x.id), x.name), esc(x.client_name), `<strong style="color:${COLORS[x.status] ?? '#1f2933'};">${x.score}</strong>`]),
          ['left', 'left', 'right'],
        ),
    h2('Storage'),
    p(`Good backups wrote <strong>${esc(formatBytes(s.storage.week_bytes))}</strong> this week (${esc(trend(s.storage.week_bytes, s.storage.previous_week_bytes))}).${s.storage.quota_bytes > 0 ? ` Devices with a known quota use ${esc(formatBytes(s.storage.used_bytes))} of ${esc(formatBytes(s.storage.quota_bytes))}.` : ''}`),
    barChart(s.storage.daily.map((x) => ({ label: x.day, value: x.bytes, text: formatBytes(x.bytes) }))),
    button(`${publicUrl}/devices`, 'Open the devices'),
  ].join('\n');
}

function textBody(s: WeeklySummary, publicUrl: string): string {
  const d = s.devices;
  const b = d.bands;
  return [
    `Your week in backups: ${formatZoned(s.period_start, s.timezone)} to ${formatZoned(s.period_end, s.timezone)} (${s.timezone})`,
    ...(s.clients ? [`Clients: ${s.clients.join(', ')}`] : []),
    '',
    `Devices meeting their SLA: ${d.protected} of ${d.applicable}`,
    `Devices by health (${d.total}): healthy ${b.healthy}, warning ${b.warning}, critical ${b.critical}, unknown ${b.unknown}`,
    `Job success rate: ${pct(s.jobs.success_rate)} of ${s.jobs.finished} jobs (week before: ${pct(s.jobs.previous_success_rate)})`,
    `New critical alerts: ${s.new_critical.count}`,
    ...s.new_critical.items.map((a) => `- ${a.title}${a.device_name && !a.title.includes(a.device_name) ? ` (${a.device_name})` : ''} ${alertUrl(publicUrl, a.id)}`),
    '',
    'Lowest health scores:',
    ...s.lowest.map((x) => `- ${x.name}${x.client_name ? ` (${x.client_name})` : ''}: ${x.score}`),
    '',
    `Storage written by good backups: ${formatBytes(s.storage.week_bytes)} (${trend(s.storage.week_bytes, s.storage.previous_week_bytes)})`,
    ...s.storage.daily.map((x) => `  ${x.day}: ${formatBytes(x.bytes)}`),
    '',
    `${publicUrl}/devices`,
  ].join('\n');
}

export function renderSummary(s: WeeklySummary, publicUrl: string): Rendered {
  const subject = `[Keepwatch] Weekly summary: ${s.devices.protected} of ${s.devices.applicable} devices protected, ${s.new_critical.count} new critical alert${s.new_critical.count === 1 ? '' : 's'}`;
  const accent = s.devices.bands.critical > 0 ? COLORS.critical! : COLORS.resolved!;
  return {
    subject,
    html: layout({ title: subject, preheader: `Job success rate ${pct(s.jobs.success_rate)}`, accent, body: htmlBody(s, publicUrl), publicUrl }),
    text: `${textBody(s, publicUrl)}\n`,
  };
}
