// The daily review's evidence report as CSV and PDF (docs/review.md): each day of the period with
// how its review went, and each failed or warning run with who reviewed it, when, the note and
// the ticket. The PDF uses the compliance report's fonts and table (src/reports/pdf.ts).
import { csv } from '../lib/csv.js';
import { BOLD, INK, MUTED, REGULAR, sectionTitle, table } from '../reports/pdf.js';
import type { ReviewReport } from './service.js';

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

export const VERDICT_LABELS = { on_time: 'on time', late: 'late', missing: 'missing', pending: 'not due yet' } as const;

export const REVIEW_CSV_HEADER = [
  'day', 'client', 'device', 'check', 'status', 'time', 'message', 'reviewed_by', 'reviewed_at', 'note', 'ticket', 'review', 'day_review',
];

export function reviewReportCsv(r: ReviewReport): string {
  const verdicts = new Map(r.days.map((d) => [d.day, d.verdict]));
  return csv(
    REVIEW_CSV_HEADER,
    r.runs.map((run) => [
      run.day,
      run.client_name,
      run.device_name,
      run.check_name,
      run.status,
      iso(run.occurred_at),
      run.message,
      run.review?.by_name ?? '',
      iso(run.review ? Number(run.review.at) : null),
      run.review?.note ?? '',
      run.review?.ticket ?? '',
      run.state,
      verdicts.get(run.day) ?? '',
    ]),
  );
}

function when(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms));
}

function title(r: ReviewReport): string {
  return `Daily review evidence — ${r.clientName ?? 'all clients'}`;
}

export async function renderReviewPdf(r: ReviewReport): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit'); // on first use, as in reports/pdf.ts
  const doc = new PDFDocument({ size: 'A4', margin: 48, bufferPages: true, info: { Title: title(r), Author: 'Keepwatch', Subject: `${r.from} – ${r.to}` } });
  doc.registerFont('body', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const hh = `${String(r.dueHour).padStart(2, '0')}:00`;
  doc.font('bold').fontSize(18).fillColor(INK).text(title(r));
  doc.moveDown(0.2).font('body').fontSize(10).fillColor(MUTED).text(`Period: ${r.from} – ${r.to} (${r.timezone})`);
  doc.text(`A day's failed and warning runs are due for review by ${hh} of the next day. Generated ${when(r.generatedAt, r.timezone)} by Keepwatch.`);
  const late = r.days.filter((d) => d.verdict === 'late').length;
  const missing = r.days.filter((d) => d.verdict === 'missing').length;
  const runs = r.days.reduce((s, d) => s + d.runs, 0);
  const onTime = r.days.reduce((s, d) => s + d.reviewedByDue, 0);
  doc.moveDown(0.5).font('body').fontSize(10).fillColor(INK);
  doc.text(`Runs needing review: ${runs}. Reviewed by the next day's ${hh}: ${runs === 0 ? '—' : `${Math.round((onTime / runs) * 1000) / 10} %`}.`);
  doc.text(`Days reviewed late: ${late}. Days with review missing: ${missing}.`);

  sectionTitle(doc, 'Days');
  table(
    doc,
    [
      { title: 'Day', width: 90 },
      { title: 'Runs', width: 60, align: 'right' },
      { title: 'Reviewed', width: 70, align: 'right' },
      { title: `By ${hh} next day`, width: 100, align: 'right' },
      { title: 'Review', width: 120 },
    ],
    r.days.map((d) => [d.day, String(d.runs), String(d.reviewed), String(d.reviewedByDue), d.verdict === null ? 'nothing to review' : VERDICT_LABELS[d.verdict]]),
    (i) => r.days[i]!.verdict === 'late' || r.days[i]!.verdict === 'missing',
  );

  sectionTitle(doc, 'Runs and their reviews');
  if (r.runs.length < r.runsTotal) {
    doc.font('body').fontSize(10).fillColor(INK).text(`The oldest ${r.runs.length.toLocaleString('en-US')} of ${r.runsTotal.toLocaleString('en-US')} runs are listed; the days above count them all. Ask for one client or fewer days to list the rest.`);
    doc.moveDown(0.5);
  }
  if (r.runs.length === 0) {
    doc.font('body').fontSize(10).fillColor(MUTED).text('No failed or warning run in this period.');
  } else {
    table(
      doc,
      [
        { title: 'Time', width: 62 },
        { title: 'Client · device · check', width: 105 },
        { title: 'Status', width: 47 },
        { title: 'Message', width: 95 },
        { title: 'Reviewed by', width: 80 },
        { title: 'Note · ticket', width: 110 },
      ],
      r.runs.map((run) => [
        when(run.occurred_at, r.timezone),
        [run.client_name, run.device_name, run.check_name].filter(Boolean).join(' · '),
        run.status,
        run.message ?? '',
        run.review ? `${run.review.by_name}, ${when(Number(run.review.at), r.timezone)}${run.state === 'late' ? ' (late)' : ''}` : run.state === 'missing' ? 'missing' : 'not due yet',
        [run.review?.note, run.review?.ticket ? `ticket ${run.review.ticket}` : null].filter(Boolean).join(' · '),
      ]),
      (i) => r.runs[i]!.state === 'late' || r.runs[i]!.state === 'missing',
    );
  }
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(8).fillColor(MUTED).text(`${title(r)} · ${r.from} – ${r.to} · page ${i + 1} of ${range.count}`, doc.page.margins.left, doc.page.height - margin + 16, { lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}
