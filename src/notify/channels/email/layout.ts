// HTML for mail clients: tables for layout, every style inline, no external images or fonts, a
// 600 px column, system fonts. What Outlook (Word's renderer) and Gmail (which strips <style>)
// both draw the same way.
export const esc = (s: string | number | null | undefined) =>
  String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
export const COLORS: Record<string, string> = { critical: '#c62828', warning: '#ef6c00', info: '#1565c0', resolved: '#2e7d32', neutral: '#455a64' };

export interface Layout {
  title: string;
  /** Shown by inboxes next to the subject. */
  preheader: string;
  accent: string;
  body: string;
  publicUrl: string;
  footer?: string;
}

export function layout(l: Layout): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(l.title)}</title></head>
<body style="margin:0;padding:0;background-color:#f4f5f7;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${esc(l.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background-color:#ffffff;border:1px solid #dfe3e8;">
<tr><td style="background-color:${l.accent};height:6px;line-height:6px;font-size:6px;">&nbsp;</td></tr>
<tr><td style="padding:20px 28px 8px 28px;${FONT};font-size:13px;color:#607080;">Keepwatch</td></tr>
<tr><td style="padding:0 28px 24px 28px;${FONT};font-size:15px;line-height:22px;color:#1f2933;">
${l.body}
</td></tr>
<tr><td style="padding:16px 28px;border-top:1px solid #dfe3e8;${FONT};font-size:12px;line-height:18px;color:#7b8794;">
${l.footer ?? `Sent by Keepwatch at <a href="${esc(l.publicUrl)}" style="color:#7b8794;">${esc(l.publicUrl)}</a>. Change what you receive under Settings &rsaquo; Notifications.`}
</td></tr>
</table>
</td></tr></table>
</body></html>`;
}

export const h1 = (text: string, color = '#1f2933') => `<h1 style="margin:0 0 12px 0;${FONT};font-size:20px;line-height:28px;color:${color};">${esc(text)}</h1>`;
export const h2 = (text: string) => `<h2 style="margin:24px 0 8px 0;${FONT};font-size:16px;line-height:22px;color:#1f2933;">${esc(text)}</h2>`;
export const p = (html: string) => `<p style="margin:0 0 12px 0;${FONT};font-size:15px;line-height:22px;color:#1f2933;">${html}</p>`;

export function button(url: string, label: string, color = '#1565c0'): string {
  // A bordered table cell: Outlook ignores padding on <a>, so the cell carries the colour.
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:16px 0;"><tr>
<td style="background-color:${color};border-radius:4px;"><a href="${esc(url)}" style="display:inline-block;padding:10px 18px;${FONT};font-size:14px;font-weight:bold;color:#ffffff;text-decoration:none;">${esc(label)}</a></td>
</tr></table>`;
}

export function badge(text: string, color: string): string {
  return `<span style="display:inline-block;padding:2px 8px;border-radius:3px;background-color:${color};${FONT};font-size:12px;font-weight:bold;color:#ffffff;text-transform:uppercase;">${esc(text)}</span>`;
}

/** Label/value rows. */
export function factTable(rows: Array<[string, string]>): string {
  const tr = rows
    .map(
      ([k, v]) =>
        `<tr><td style="padding:4px 12px 4px 0;${FONT};font-size:14px;color:#607080;white-space:nowrap;vertical-align:top;">${esc(k)}</td><td style="padding:4px 0;${FONT};font-size:14px;color:#1f2933;">${esc(v)}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0;">${tr}</table>`;
}

/** A data table with a header row; cells are HTML (escape before). */
export function dataTable(headers: string[], rows: string[][], align: Array<'left' | 'right'> = []): string {
  const th = headers
    .map((h, i) => `<th align="${align[i] ?? 'left'}" style="padding:6px 8px;border-bottom:2px solid #dfe3e8;${FONT};font-size:12px;color:#607080;text-transform:uppercase;">${esc(h)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td align="${align[i] ?? 'left'}" style="padding:6px 8px;border-bottom:1px solid #eef0f3;${FONT};font-size:14px;color:#1f2933;vertical-align:top;">${c}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0;border-collapse:collapse;"><tr>${th}</tr>${body}</table>`;
}

/**
 * A horizontal bar chart made of table cells: drawn by every mail client, no image to block.
 * `value` is shown at the end of each bar.
 */
export function barChart(rows: Array<{ label: string; value: number; text: string; color?: string }>): string {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const tr = rows
    .map((r) => {
      const pct = Math.max(r.value > 0 ? 1 : 0, Math.round((r.value / max) * 100));
      const bar =
        pct > 0
          ? `<table role="presentation" width="${pct}%" cellpadding="0" cellspacing="0" border="0"><tr><td style="background-color:${r.color ?? '#1565c0'};height:14px;line-height:14px;font-size:1px;">&nbsp;</td></tr></table>`
          : '&nbsp;';
      return `<tr><td width="90" style="padding:3px 8px 3px 0;${FONT};font-size:13px;color:#607080;white-space:nowrap;">${esc(r.label)}</td><td style="padding:3px 0;">${bar}</td><td width="90" align="right" style="padding:3px 0 3px 8px;${FONT};font-size:13px;color:#1f2933;white-space:nowrap;">${esc(r.text)}</td></tr>`;
    })
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0;">${tr}</table>`;
}

export function link(url: string, text: string): string {
  return `<a href="${esc(url)}" style="color:#1565c0;text-decoration:underline;">${esc(text)}</a>`;
}
