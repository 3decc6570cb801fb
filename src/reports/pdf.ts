// The SLA compliance report as a PDF: the same data as the JSON and CSV, laid out for a client
// meeting. Summary per client, a bands chart, the per-device table, and every breach with its
// duration. Fonts are embedded (DejaVu Sans), so any device name prints as written.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ComplianceReport, DeviceCompliance } from './report.js';

const FONT_DIR = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
export const REGULAR = join(FONT_DIR, 'DejaVuSans.ttf');
export const BOLD = join(FONT_DIR, 'DejaVuSans-Bold.ttf');

export const INK = '#1f2933';
export const MUTED = '#616e7c';
export const RULE = '#d9dee3';
const BAND_COLOURS = { healthy: '#2f9e44', warning: '#f08c00', critical: '#e03131', unknown: '#adb5bd' } as const;
const BANDS = Object.keys(BAND_COLOURS) as Array<keyof typeof BAND_COLOURS>;
/** Breaches listed in full up to this many; beyond, the longest ones and a count of the rest. */
const MAX_BREACH_ROWS = 300;

type Doc = PDFKit.PDFDocument;

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

export interface PdfOptions {
  /** Shown in the title, e.g. the client's name; null for every client. */
  scopeName: string | null;
  /** Workspace time zone, for the dates printed. */
  timezone: string;
}

export async function renderCompliancePdf(report: ComplianceReport, options: PdfOptions): Promise<Buffer> {
  // Loaded on the first PDF: most processes never render one (start-up time, docs/development.md).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 48, bufferPages: true, info: { Title: title(options), Author: 'Keepwatch', Subject: period(report, options) } });
  doc.registerFont('body', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  header(doc, report, options);
  summary(doc, report);
  bandsChart(doc, report);
  deviceTable(doc, report.devices);
  breachTable(doc, report.devices, options.timezone);
  footers(doc, report, options);
  doc.end();
  return done;
}

function title(o: PdfOptions): string {
  return o.scopeName ? `SLA compliance — ${o.scopeName}` : 'SLA compliance — all clients';
}

function formatDate(iso: string, timezone: string, withTime = false): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
  });
  return f.format(new Date(iso));
}

function period(r: ComplianceReport, o: PdfOptions): string {
  return `${formatDate(r.from, o.timezone, true)} – ${formatDate(r.to, o.timezone, true)} (${o.timezone})`;
}

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(v === 100 ? 0 : 1)} %`);

function header(doc: Doc, r: ComplianceReport, o: PdfOptions): void {
  doc.font('bold').fontSize(20).fillColor(INK).text(title(o));
  doc.moveDown(0.2).font('body').fontSize(10).fillColor(MUTED).text(`Period: ${period(r, o)}`);
  doc.text(`Generated ${formatDate(r.generated_at, o.timezone, true)} by Keepwatch`);
  doc.moveDown(1);
}

export function sectionTitle(doc: Doc, text: string): void {
  ensureSpace(doc, 60);
  doc.moveDown(0.6).font('bold').fontSize(13).fillColor(INK).text(text, doc.page.margins.left);
  doc.moveDown(0.3);
}

function summary(doc: Doc, r: ComplianceReport): void {
  const counted = r.devices.filter((d) => d.compliance_percent !== null);
  const overall = counted.length === 0 ? null : counted.reduce((s, d) => s + d.compliance_percent!, 0) / counted.length;
  const breaches = r.devices.reduce((s, d) => s + d.breaches.length, 0);
  const nowOk = r.devices.filter((d) => d.compliant_now === true).length;
  const tiles: Array<[string, string]> = [
    ['Compliance over the period', pct(overall)],
    ['Devices meeting their SLA now', `${nowOk} of ${r.devices.length}`],
    ['SLA breaches in the period', String(breaches)],
  ];
  const left = doc.page.margins.left;
  const width = (doc.page.width - left - doc.page.margins.right - 2 * 12) / 3;
  const top = doc.y;
  tiles.forEach(([label, value], i) => {
    const x = left + i * (width + 12);
    doc.roundedRect(x, top, width, 58, 4).fillAndStroke('#f5f7fa', RULE);
    doc.fillColor(MUTED).font('body').fontSize(8.5).text(label, x + 10, top + 10, { width: width - 20 });
    doc.fillColor(INK).font('bold').fontSize(18).text(value, x + 10, top + 28, { width: width - 20 });
  });
  doc.x = left;
  doc.y = top + 72;
  if (r.clients.length === 0) return;
  sectionTitle(doc, 'Clients');
  table(
    doc,
    [
      { title: 'Client', width: 108 },
      { title: 'Devices', width: 44, align: 'right' },
      { title: 'Compliance', width: 62, align: 'right' },
      { title: 'SLA met now', width: 62, align: 'right' },
      { title: 'Healthy', width: 46, align: 'right' },
      { title: 'Warning', width: 48, align: 'right' },
      { title: 'Critical', width: 46, align: 'right' },
      // The daily review (docs/review.md): runs reviewed by the next day's review_due_hour.
      { title: 'Reviewed on time', width: 83, align: 'right' },
    ],
    r.clients.map((c) => [
      c.client_name,
      String(c.devices),
      pct(c.compliance_percent),
      String(c.compliant_now),
      String(c.rollup.bands.healthy),
      String(c.rollup.bands.warning),
      String(c.rollup.bands.critical),
      pct(c.reviewed_by_due_percent),
    ]),
  );
  doc
    .font('body')
    .fontSize(8.5)
    .fillColor(MUTED)
    .text(
      `Reviewed on time: the share of the period's failed and warning runs reviewed by ${String(r.review_due_hour).padStart(2, '0')}:00 of the next day (the workspace's review due hour), runs not yet due left out.`,
    );
}

/** One horizontal bar per client: its devices by health band now. */
function bandsChart(doc: Doc, r: ComplianceReport): void {
  if (r.clients.length === 0) return;
  sectionTitle(doc, 'Devices by health band now');
  const left = doc.page.margins.left;
  const labelWidth = 150;
  const barWidth = doc.page.width - left - doc.page.margins.right - labelWidth - 40;
  const max = Math.max(1, ...r.clients.map((c) => BANDS.reduce((s, b) => s + c.rollup.bands[b], 0)));
  for (const c of r.clients) {
    ensureSpace(doc, 22);
    const y = doc.y;
    doc.font('body').fontSize(9).fillColor(INK).text(c.client_name, left, y + 3, { width: labelWidth - 8, ellipsis: true, lineBreak: false });
    let x = left + labelWidth;
    let total = 0;
    for (const b of BANDS) {
      const n = c.rollup.bands[b];
      total += n;
      if (n === 0) continue;
      const w = (n / max) * barWidth;
      doc.rect(x, y, w, 14).fill(BAND_COLOURS[b]);
      x += w;
    }
    doc.fillColor(MUTED).fontSize(8.5).text(String(total), x + 6, y + 3, { lineBreak: false });
    doc.x = left;
    doc.y = y + 20;
  }
  // Legend.
  let x = left + labelWidth;
  const y = doc.y + 4;
  for (const b of BANDS) {
    doc.rect(x, y, 9, 9).fill(BAND_COLOURS[b]);
    doc.fillColor(MUTED).fontSize(8.5).text(b, x + 13, y, { lineBreak: false });
    x += 75;
  }
  doc.x = left;
  doc.y = y + 18;
}

function deviceTable(doc: Doc, devices: DeviceCompliance[]): void {
  sectionTitle(doc, 'Devices');
  if (devices.length === 0) {
    doc.font('body').fontSize(10).fillColor(MUTED).text('No device with an SLA in this report: devices need a backup check to be counted.');
    return;
  }
  const sorted = [...devices].sort((a, b) => (a.compliance_percent ?? 101) - (b.compliance_percent ?? 101) || a.device_name.localeCompare(b.device_name));
  table(
    doc,
    [
      { title: 'Device', width: 125 },
      { title: 'Client', width: 95 },
      { title: 'Class', width: 62 },
      { title: 'SLA', width: 38, align: 'right' },
      { title: 'Compliance', width: 64, align: 'right' },
      { title: 'Breaches', width: 55, align: 'right' },
      { title: 'Hours out', width: 60, align: 'right' },
    ],
    sorted.map((d) => [d.device_name, d.client_name, d.class, `${d.sla_hours} h`, pct(d.compliance_percent), String(d.breaches.length), d.breached_hours.toFixed(1)]),
    (row) => (sorted[row]!.compliance_percent ?? 100) < 100,
  );
}

function breachTable(doc: Doc, devices: DeviceCompliance[], timezone: string): void {
  const all = devices.flatMap((d) => d.breaches.map((b) => ({ d, ...b })));
  sectionTitle(doc, 'Breaches');
  if (all.length === 0) {
    doc.font('body').fontSize(10).fillColor(MUTED).text('No device was out of its SLA during this period.');
    return;
  }
  const shown = all.length > MAX_BREACH_ROWS ? [...all].sort((a, b) => b.hours - a.hours).slice(0, MAX_BREACH_ROWS) : all;
  shown.sort((a, b) => a.start.localeCompare(b.start));
  if (shown.length < all.length) {
    doc.font('body').fontSize(9).fillColor(MUTED).text(`The ${shown.length} longest of ${all.length} breaches; the CSV export lists every device's totals.`);
    doc.moveDown(0.3);
  }
  table(
    doc,
    [
      { title: 'Device', width: 140 },
      { title: 'Client', width: 105 },
      { title: 'From', width: 95 },
      { title: 'Until', width: 95 },
      { title: 'Hours', width: 64, align: 'right' },
    ],
    shown.map((b) => [b.d.device_name, b.d.client_name, formatDate(b.start, timezone, true), formatDate(b.end, timezone, true), b.hours.toFixed(1)]),
  );
}

/**
 * A simple table that repeats its header on every page it spans. A cell too long for its column
 * (a device named `contoso-legal.onmicrosoft.com`) wraps inside it, breaking within the word when
 * it must, and its row grows to fit, so the next row never overlaps it.
 */
export function table(doc: Doc, columns: Column[], rows: string[][], highlight?: (row: number) => boolean): void {
  const left = doc.page.margins.left;
  const rowHeight = 16;
  const cellOptions = (c: Column) => ({ width: c.width - 6, align: c.align ?? 'left', lineGap: 1 }) as const;
  // A title wider than its column wraps at spaces, and the header row grows to fit it.
  const drawHeader = () => {
    const y = doc.y;
    doc.font('bold').fontSize(8.5).fillColor(MUTED);
    const height = Math.max(rowHeight, ...columns.map((c) => Math.ceil(doc.heightOfString(c.title, cellOptions(c))) + 6));
    let x = left;
    for (const c of columns) {
      doc.text(c.title, x + 3, y + 3, cellOptions(c));
      x += c.width;
    }
    doc.moveTo(left, y + height).lineTo(x, y + height).strokeColor(RULE).stroke();
    doc.y = y + height + 2;
  };
  drawHeader();
  rows.forEach((cells, i) => {
    doc.font('body').fontSize(8.5);
    const lines = cells.map((text, j) => wrapCell(doc, text, columns[j]!.width - 6));
    const height = Math.max(rowHeight, ...lines.map((l, j) => Math.ceil(doc.heightOfString(l, cellOptions(columns[j]!))) + 6));
    if (doc.y + height > doc.page.height - doc.page.margins.bottom - 20) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    if (i % 2 === 1) doc.rect(left, y, columns.reduce((s, c) => s + c.width, 0), height).fill('#f8f9fb');
    doc.font('body').fontSize(8.5).fillColor(highlight?.(i) ? '#c92a2a' : INK);
    let x = left;
    lines.forEach((text, j) => {
      const c = columns[j]!;
      doc.text(text, x + 3, y + 4, cellOptions(c));
      x += c.width;
    });
    doc.x = left;
    doc.y = y + height;
  });
  doc.x = left;
  doc.moveDown(0.5);
}

/**
 * The text with line breaks where it must wrap to fit `width`: at spaces, after `-`, `.` or `/`,
 * or, for a part longer than the column, inside it. Explicit breaks keep pdfkit from overflowing a
 * word it cannot break.
 */
function wrapCell(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const pieces = text.match(/[^\s\-./]*[\s\-./]?/g)!.filter((p) => p !== '');
  const lines: string[] = [];
  let line = '';
  const push = (piece: string) => {
    if (line !== '' && doc.widthOfString((line + piece).trimEnd()) > width) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += piece;
  };
  for (const piece of pieces) {
    if (doc.widthOfString(piece.trimEnd()) <= width) {
      push(piece);
      continue;
    }
    for (const ch of piece) push(ch);
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines.join('\n');
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
}

function footers(doc: Doc, r: ComplianceReport, o: PdfOptions): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text below the bottom margin would make pdfkit start a new page: lift the margin meanwhile.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const bottom = doc.page.height - margin + 16;
    doc.font('body').fontSize(8).fillColor(MUTED);
    doc.text(`${title(o)} · ${period(r, o)}`, doc.page.margins.left, bottom, { lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, doc.page.width - doc.page.margins.right - 80, bottom, { width: 80, align: 'right', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
}
