// The three forms of a badge: an SVG image, a small JSON document and a Shields.io endpoint
// document (https://shields.io/badges/endpoint-badge). Each carries the label and the band only.
import type { BadgeStatus } from '../domain/badges.js';
import { escapeHtml } from './html.js';

export const BADGE_FORMATS = ['svg', 'json', 'shields'] as const;
export type BadgeFormat = (typeof BADGE_FORMATS)[number];

export interface Badge {
  label: string;
  status: BadgeStatus;
}

/** Band colours: Shields.io's named colours, so the SVG and a Shields badge look alike. */
const COLOURS: Record<BadgeStatus, { name: string; hex: string }> = {
  healthy: { name: 'brightgreen', hex: '#4c1' },
  warning: { name: 'orange', hex: '#fe7d37' },
  critical: { name: 'red', hex: '#e05d44' },
  unknown: { name: 'lightgrey', hex: '#9f9f9f' },
};

export function badgeJson(b: Badge): { status: BadgeStatus; label: string } {
  return { status: b.status, label: b.label };
}

export function shieldsJson(b: Badge): { schemaVersion: 1; label: string; message: string; color: string } {
  return { schemaVersion: 1, label: b.label, message: b.status, color: COLOURS[b.status].name };
}

// Verdana 11px averages about 6.5 px a character; close enough for a badge to fit its text.
const textWidth = (s: string) => Math.round(s.length * 6.5) + 10;

/** A flat two-part badge with an accessible name (`<title>`, `role="img"`, `aria-label`). */
export function badgeSvg(b: Badge): string {
  const label = b.label.length > 60 ? `${b.label.slice(0, 59)}…` : b.label;
  const lw = textWidth(label);
  const mw = textWidth(b.status);
  const w = lw + mw;
  const title = escapeHtml(`${label}: ${b.status}`);
  const l = escapeHtml(label);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    `<rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${COLOURS[b.status].hex}"/>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${lw / 2}" y="14">${l}</text><text x="${lw + mw / 2}" y="14">${b.status}</text></g></svg>`
  );
}
