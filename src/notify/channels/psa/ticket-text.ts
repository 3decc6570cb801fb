// What a PSA ticket says: a summary that fits ConnectWise's 100 characters and carries the alert's
// marker (how a restarted or second Keepwatch finds the ticket it already made), and a
// description with the client, device, last good backup and links back into the console.
import type { AlertEvent, AlertEventAlert } from '../../../domain/notify.js';
import { alertUrl, detailLine, deviceUrl, facts, formatTime, headline } from '../format.js';

/** Put in every ticket's summary; searched for before a ticket is made. */
export const markerOf = (alertId: string) => `[kw:${alertId}]`;

export const SUMMARY_MAX = 100;

export function ticketSummary(title: string, a: AlertEventAlert): string {
  const marker = ` ${markerOf(a.id)}`;
  const where = a.device_name ?? a.integration_name ?? a.client_name;
  const text = `${title}: ${where && !a.title.includes(where) ? `${where}: ` : ''}${a.title}`;
  const room = SUMMARY_MAX - marker.length;
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text}${marker}`;
}

export function ticketDescription(a: AlertEventAlert, publicUrl: string, lastGoodAt: number | null): string {
  const lines = [headline({ event: 'alert.raised', at: '', alert: a })];
  const detail = detailLine(a);
  if (detail) lines.push('', detail);
  lines.push('');
  for (const [k, v] of facts(a)) lines.push(`${k}: ${v}`);
  if (a.device_id !== null) lines.push(`Last good backup: ${lastGoodAt === null ? 'never' : formatTime(new Date(lastGoodAt).toISOString())}`);
  lines.push('', `Alert: ${alertUrl(publicUrl, a.id)}`);
  if (a.device_id !== null) lines.push(`Device and job log: ${deviceUrl(publicUrl, a.device_id)}`);
  lines.push('', `Keepwatch keeps this ticket up to date and closes it when the alert resolves. Reference ${markerOf(a.id)}.`);
  return lines.join('\n');
}

/** The note added for a later event of the alert. */
export function ticketNote(e: AlertEvent, publicUrl: string): string {
  const a = e.alert;
  const lines = [headline(e)];
  if (e.previous_severity) lines.push(`Was: ${e.previous_severity}`);
  const detail = detailLine(a);
  if (detail) lines.push(detail);
  if (e.note) lines.push(`Note: ${e.note}`);
  if (e.event === 'alert.repeat') lines.push(`Still open since ${a.condition_since ? formatTime(a.condition_since) : 'its raise'}.`);
  lines.push(`At ${formatTime(e.at)} — ${alertUrl(publicUrl, a.id)}`);
  return lines.join('\n');
}
