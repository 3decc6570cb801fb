// The status page as HTML: server-rendered, no script, one inline stylesheet (the policy allows
// exactly that stylesheet, by its hash), readable on a phone. Every value from the database goes
// through escapeHtml.
import { createHash } from 'node:crypto';
import type { BadgeStatus } from '../domain/badges.js';
import { escapeHtml as e } from './html.js';
import type { DayCell, StatusPage } from './status-page.js';

const LABEL: Record<BadgeStatus, string> = { healthy: 'Healthy', warning: 'Warning', critical: 'Critical', unknown: 'Unknown' };
const CELL_LABEL: Record<DayCell, string> = { healthy: 'backed up', warning: 'warning', critical: 'failed', unknown: 'unknown', none: 'no runs' };

const STYLE = `
body{font:15px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1a1b1e;background:#f8f9fa}
header{display:flex;align-items:center;gap:12px;padding:16px;background:#fff;border-bottom:1px solid #dee2e6}
header img{max-height:40px;max-width:160px}
main{max-width:860px;margin:0 auto;padding:16px}
h1{font-size:1.3rem;margin:0}
.dev{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:12px;margin:0 0 12px}
.dev h2{font-size:1.05rem;margin:0 0 6px;display:flex;justify-content:space-between;gap:8px;flex-wrap:wrap;word-break:break-word}
.band{font-size:.85rem;padding:2px 8px;border-radius:10px;color:#fff}
.healthy{background:#2f9e44}.warning{background:#e8590c}.critical{background:#c92a2a}.unknown{background:#868e96}.none{background:#e9ecef}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0 0 8px;font-size:.9rem}dt{color:#495057}dd{margin:0}
.strip{display:flex;gap:2px}.strip span{flex:1;height:18px;border-radius:2px;min-width:4px}
footer{color:#868e96;font-size:.8rem;text-align:center;padding:16px}
`;

/** Nothing but this page's own stylesheet and its logo (https or data:) may load; no script at all. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  'img-src https: data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const when = (t: number | null) => (t === null ? 'never' : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

function deviceHtml(d: StatusPage['devices'][number], now: number): string {
  const today = Math.floor(now / 86_400_000);
  const cells = d.days
    .map((c, i) => {
      const date = new Date((today - (d.days.length - 1 - i)) * 86_400_000).toISOString().slice(0, 10);
      return `<span class="${c}" title="${date}: ${CELL_LABEL[c]}"></span>`;
    })
    .join('');
  return (
    `<section class="dev"><h2><span>${e(d.name)}</span><span class="band ${d.status}">${LABEL[d.status]}</span></h2>` +
    `<dl><dt>Last good backup</dt><dd>${when(d.lastGoodAt)}</dd><dt>Last verified restore</dt><dd>${when(d.lastRestoreAt)}</dd></dl>` +
    `<div class="strip" role="img" aria-label="last 30 days, oldest first">${cells}</div></section>`
  );
}

export function statusPageHtml(p: StatusPage): string {
  const msp = p.branding.name === null ? '' : `<span>${e(p.branding.name)}</span>`;
  const logo = p.branding.logo_url === null ? '' : `<img src="${e(p.branding.logo_url)}" alt="${e(p.branding.name ?? 'logo')}">`;
  const devices = p.devices.length === 0 ? '<p>No devices are monitored yet.</p>' : p.devices.map((d) => deviceHtml(d, p.now)).join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${e(p.client)}: backup status</title><style>${STYLE}</style></head>` +
    `<body><header>${logo}${msp}</header><main><h1>${e(p.client)}: backup status</h1>` +
    `<p>As of ${when(p.now)}.</p>${devices}</main><footer>Read-only status page</footer></body></html>`
  );
}
