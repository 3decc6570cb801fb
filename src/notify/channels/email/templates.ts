// The e-mails: one alert event, the hourly digest, the welcome a new recipient gets, a test.
// Each has an HTML part (layout.ts) and a plain-text part saying the same.
import type { AlertEvent } from '../../../domain/notify.js';
import type { DigestAlert, Message } from '../channel.js';
import { alertUrl, detailLine, deviceUrl, facts, formatZoned, groupHeadline, headline, severityWord, TEST_TEXT } from '../format.js';
import { badge, button, COLORS, dataTable, esc, factTable, h1, layout, link, p } from './layout.js';
import { renderSummary } from './summary-template.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const PREFIX = '[Keepwatch]';

function colorOf(e: AlertEvent): string {
  if (e.event === 'alert.resolved') return COLORS.resolved!;
  if (e.event === 'alert.acknowledged' || e.event === 'alert.dismissed') return COLORS.neutral!;
  return COLORS[e.alert.severity] ?? COLORS.neutral!;
}

export function renderAlert(e: AlertEvent, publicUrl: string): RenderedMail {
  const a = e.alert;
  const where = a.device_name ?? a.integration_name ?? a.client_name;
  const subject = `${PREFIX} ${headline(e)}${where && !a.title.includes(where) ? ` (${where})` : ''}`;
  const url = alertUrl(publicUrl, a.id);
  const detail = detailLine(a);
  const rows = facts(a);
  if (e.previous_severity) rows.push(['Was', severityWord(e.previous_severity)]);
  if (e.note) rows.push(['Note', e.note]);
  const state = e.event === 'alert.resolved' ? 'resolved' : e.event === 'alert.raised' || e.event === 'alert.repeat' ? a.severity : e.event.slice(6);
  const body = [
    `<div style="margin:0 0 8px 0;">${badge(state, colorOf(e))}</div>`,
    h1(headline(e)),
    detail ? p(esc(detail)) : '',
    factTable(rows),
    button(url, e.event === 'alert.resolved' ? 'View the alert' : 'Open the alert'),
    a.device_id ? p(`Device: ${link(deviceUrl(publicUrl, a.device_id), a.device_name ?? 'open')}`) : '',
  ].join('\n');
  const text = [
    headline(e),
    '',
    ...(detail ? [detail, ''] : []),
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    `Open the alert: ${url}`,
    ...(a.device_id ? [`Device: ${deviceUrl(publicUrl, a.device_id)}`] : []),
  ].join('\n');
  return { subject, html: layout({ title: subject, preheader: detail ?? headline(e), accent: colorOf(e), body, publicUrl }), text: `${text}\n` };
}

/** One device's alerts raised within the group window, in one mail. */
export function renderGroup(m: Extract<Message, { kind: 'alert_group' }>, publicUrl: string): RenderedMail {
  const title = groupHeadline(m);
  const subject = `${PREFIX} ${title}`;
  const critical = m.events.some((e) => e.alert.severity === 'critical');
  const row = (e: AlertEvent) => [badge(e.alert.severity, colorOf(e)), link(alertUrl(publicUrl, e.alert.id), e.alert.title), esc(detailLine(e.alert) ?? '')];
  const body = [
    h1(title),
    dataTable(['Severity', 'Alert', 'Detail'], m.events.map(row)),
    button(deviceUrl(publicUrl, m.device_id), 'Open the device'),
  ].join('\n');
  const text = [
    title,
    '',
    ...m.events.map((e) => `- ${headline(e)}${detailLine(e.alert) ? ` — ${detailLine(e.alert)}` : ''}\n  ${alertUrl(publicUrl, e.alert.id)}`),
    '',
    `Device: ${deviceUrl(publicUrl, m.device_id)}`,
  ].join('\n');
  const accent = critical ? COLORS.critical! : COLORS.warning!;
  return { subject, html: layout({ title: subject, preheader: m.events.map((e) => e.alert.title).join('; ').slice(0, 140), accent, body, publicUrl }), text: `${text}\n` };
}

function digestRow(a: DigestAlert, publicUrl: string, tz: string): string[] {
  return [
    badge(a.severity, COLORS[a.severity] ?? COLORS.neutral!),
    `${link(alertUrl(publicUrl, a.id), a.title)}${a.state === 'acknowledged' ? ' <span style="color:#607080;">(acknowledged)</span>' : ''}`,
    esc([a.client_name, a.device_name].filter(Boolean).join(' · ')),
    esc(formatZoned(a.raised_at, tz).slice(-5)),
  ];
}

export function renderDigest(m: Extract<Message, { kind: 'digest' }>, publicUrl: string): RenderedMail {
  const n = m.alerts.length;
  const critical = m.alerts.filter((a) => a.severity === 'critical').length;
  const hour = `${formatZoned(m.hour_start, m.timezone)}–${formatZoned(m.hour_end, m.timezone).slice(-5)}`;
  const subject = `${PREFIX} ${n} open alert${n === 1 ? '' : 's'} from the last hour${critical > 0 ? ` (${critical} critical)` : ''}`;
  const body = [
    h1(`${n} alert${n === 1 ? '' : 's'} raised in the last hour, still open`),
    p(`Hourly digest for ${esc(hour)} (workspace time zone ${esc(m.timezone)}). Alerts raised and resolved within the hour are left out.`),
    dataTable(['Severity', 'Alert', 'Where', 'Raised'], m.alerts.map((a) => digestRow(a, publicUrl, m.timezone))),
    button(`${publicUrl}/alerts`, 'See all open alerts'),
  ].join('\n');
  const text = [
    `${n} alert${n === 1 ? '' : 's'} raised in the last hour, still open (${hour}, ${m.timezone})`,
    '',
    ...m.alerts.map((a) => {
      const where = [a.client_name, a.device_name].filter(Boolean).join(' · ');
      return `- [${severityWord(a.severity)}] ${a.title}${where ? ` — ${where}` : ''}${a.state === 'acknowledged' ? ' (acknowledged)' : ''}\n  ${alertUrl(publicUrl, a.id)}`;
    }),
    '',
    `All open alerts: ${publicUrl}/alerts`,
  ].join('\n');
  const accent = critical > 0 ? COLORS.critical! : COLORS.warning!;
  return { subject, html: layout({ title: subject, preheader: m.alerts.map((a) => a.title).join('; ').slice(0, 140), accent, body, publicUrl }), text: `${text}\n` };
}

export function renderWelcome(m: Extract<Message, { kind: 'welcome' }>, publicUrl: string): RenderedMail {
  const subject = `${PREFIX} You will receive backup alerts from Keepwatch`;
  const how = m.mode === 'hourly_digest' ? 'once an hour, as a digest of the alerts raised in that hour that are still open' : 'as each alert is raised, escalated and resolved';
  const body = [
    h1('Welcome to Keepwatch alerts'),
    p(`This address was added to the notification channel <strong>${esc(m.channel_name)}</strong>. You will receive backup alerts ${esc(how)}.`),
    p('Keepwatch watches backup, copy, replication and restore-test results and tells you when data stops being protected. If you did not expect this, ask your Keepwatch administrator to remove you.'),
    button(publicUrl, 'Open Keepwatch'),
  ].join('\n');
  const text = `Welcome to Keepwatch alerts\n\nThis address was added to the notification channel "${m.channel_name}". You will receive backup alerts ${how}.\n\nIf you did not expect this, ask your Keepwatch administrator to remove you.\n\n${publicUrl}\n`;
  return { subject, html: layout({ title: subject, preheader: `Added to ${m.channel_name}`, accent: COLORS.info!, body, publicUrl }), text };
}

export function renderTest(m: Extract<Message, { kind: 'test' }>, publicUrl: string): RenderedMail {
  const subject = `${PREFIX} Test notification`;
  const body = [h1('Test notification'), p(`${esc(TEST_TEXT)} Channel: <strong>${esc(m.channel_name)}</strong>, requested by ${esc(m.requested_by)}.`), button(publicUrl, 'Open Keepwatch')].join('\n');
  const text = `${TEST_TEXT}\nChannel: ${m.channel_name}, requested by ${m.requested_by}.\n${publicUrl}\n`;
  return { subject, html: layout({ title: subject, preheader: TEST_TEXT, accent: COLORS.resolved!, body, publicUrl }), text };
}

export function renderReport(m: Extract<Message, { kind: 'report' }>, publicUrl: string): RenderedMail {
  const period = `${m.period_from} to ${m.period_to}`;
  const subject = `${PREFIX} Backup compliance report for ${m.client_name}, ${period}`;
  const body = [
    h1(`Backup compliance report: ${esc(m.client_name)}`),
    p(`Attached is the SLA compliance report of <strong>${esc(m.client_name)}</strong> for ${esc(period)} (${esc(m.timezone)}): the summary, every device's compliance, the bands and the breaches with their durations.`),
    button(`${publicUrl}/reports`, 'Open the reports'),
  ].join('\n');
  const text = `Backup compliance report: ${m.client_name}\n\nAttached is the SLA compliance report of ${m.client_name} for ${period} (${m.timezone}).\n\n${publicUrl}/reports\n`;
  return { subject, html: layout({ title: subject, preheader: `Compliance ${period}`, accent: COLORS.info!, body, publicUrl }), text };
}

export function renderMail(m: Message, publicUrl: string): RenderedMail {
  switch (m.kind) {
    case 'alert':
      return renderAlert(m.event, publicUrl);
    case 'alert_group':
      return renderGroup(m, publicUrl);
    case 'digest':
      return renderDigest(m, publicUrl);
    case 'welcome':
      return renderWelcome(m, publicUrl);
    case 'summary':
      return renderSummary(m.summary, publicUrl);
    case 'test':
      return renderTest(m, publicUrl);
    case 'report':
      return renderReport(m, publicUrl);
  }
}
