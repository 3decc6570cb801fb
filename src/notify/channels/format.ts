// Words shared by every channel: what happened to an alert, where, and the links back into the
// console (KEEPWATCH_PUBLIC_URL + /alerts/<id>, /devices/<id>).
import type { AlertEvent, AlertEventAlert } from '../../domain/notify.js';

export const alertUrl = (publicUrl: string, id: string) => `${publicUrl}/alerts/${encodeURIComponent(id)}`;
export const deviceUrl = (publicUrl: string, id: string) => `${publicUrl}/devices/${encodeURIComponent(id)}`;

const SEVERITY_WORD: Record<string, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };
export const severityWord = (s: string) => SEVERITY_WORD[s] ?? s;

/** "Critical: Nightly backup failed", "Resolved: …", "Acknowledged by ann@x: …". */
export function headline(e: AlertEvent): string {
  const t = e.alert.title;
  switch (e.event) {
    case 'alert.raised':
      return `${severityWord(e.alert.severity)}: ${t}`;
    case 'alert.escalated':
      return `Escalated to ${e.alert.severity}: ${t}`;
    case 'alert.deescalated':
      return `Down to ${e.alert.severity}: ${t}`;
    case 'alert.resolved':
      return `Resolved: ${t}`;
    case 'alert.acknowledged':
      return `Acknowledged${e.by ? ` by ${e.by}` : ''}: ${t}`;
    case 'alert.dismissed':
      return `Dismissed${e.by ? ` by ${e.by}` : ''}: ${t}`;
    case 'alert.repeat':
      return `Still open (${e.alert.severity}): ${t}`;
  }
}

/** The alert's place: client, device, check or integration, as label/value pairs. */
export function facts(a: AlertEventAlert): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (a.client_name) out.push(['Client', a.client_name]);
  if (a.device_name) out.push(['Device', a.device_name]);
  if (a.check_name) out.push(['Check', a.check_name]);
  if (a.integration_name) out.push([a.type === 'channel_failing' ? 'Channel' : 'Integration', a.integration_name]);
  out.push(['Type', a.type.replace(/_/g, ' ')]);
  out.push(['Severity', severityWord(a.severity)]);
  if (a.condition_since) out.push(['Since', formatTime(a.condition_since)]);
  return out;
}

/** The detail's message or error, when it has one worth showing. */
export function detailLine(a: AlertEventAlert): string | null {
  const d = a.detail as Record<string, unknown> | null;
  if (!d || typeof d !== 'object') return null;
  for (const k of ['message', 'error', 'reason']) if (typeof d[k] === 'string' && d[k] !== '') return d[k] as string;
  return null;
}

/** `2026-11-20 01:12 UTC`: unambiguous in every mail client. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const TEST_TEXT = 'Test notification from Keepwatch: this channel is set up correctly.';

/** `Mon 16 Nov, 08:00` in a zone: how a person there reads the moment. */
export function formatZoned(iso: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return f.format(d).replace(/,? (\d\d:\d\d)$/, ', $1');
}

/** "3 new alerts: FILESERVER01 (Acme Widgets)": the headline of a group of one device's alerts. */
export function groupHeadline(m: { device_name: string | null; client_name: string | null; events: readonly AlertEvent[] }): string {
  const n = m.events.length;
  const critical = m.events.filter((e) => e.alert.severity === 'critical').length;
  const where = `${m.device_name ?? 'a device'}${m.client_name ? ` (${m.client_name})` : ''}`;
  return `${n} new alert${n === 1 ? '' : 's'}${critical > 0 ? ` (${critical} critical)` : ''}: ${where}`;
}
