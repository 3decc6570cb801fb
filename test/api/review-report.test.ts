// The daily review's evidence (docs/review.md): the report of each day's failed and warning runs
// with who reviewed them and when, late and missing days, as CSV (content exactly) and PDF (read
// back with pdftotext); the grid's reviewed marks; the compliance report's "reviewed on time".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { renderReviewPdf } from '../../src/reviews/report.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
let evidence: string;
let other: string;
const ids: Record<string, string> = {};
const NOW = '2026-11-10T12:00:00Z';

const run = (at: string, client: string, device: string, status: string, message: string) =>
  job(at, { client, device: { name: device }, check: { name: 'Nightly backup', kind: 'backup' }, status, message });

async function reviewAt(at: string, id: string, body: Record<string, unknown>, token: string): Promise<void> {
  app.clock.set(Date.parse(at));
  const res = await app.request('POST', `/api/v1/jobs/${id}/review`, { token, body });
  expect(res.status, res.text).toBe(200);
}

beforeAll(async () => {
  app = await startEngine(NOW);
  const made = await app.report(
    run('2026-11-07T02:00:00Z', 'Evidence Co', 'EV-01', 'failed', 'VSS failed'),
    run('2026-11-07T20:00:00Z', 'Evidence Co', 'EV-02', 'warning', 'some files skipped'),
    run('2026-11-08T03:00:00Z', 'Evidence Co', 'EV-01', 'failed', 'disk full'),
    run('2026-11-09T05:00:00Z', 'Evidence Co', 'EV-02', 'partial', '3 items not protected'),
    run('2026-11-09T06:00:00Z', 'Evidence Co', 'EV-01', 'succeeded', 'ok'),
    run('2026-11-10T06:00:00Z', 'Evidence Co', 'EV-01', 'failed', '=cmd|calc'),
    run('2026-11-08T04:00:00Z', 'Other Co', 'OT-01', 'failed', 'not theirs'),
  );
  ['a', 'b', 'c', 'd', 'ok', 'today', 'other'].forEach((k, i) => {
    ids[k] = made[i].id;
  });
  evidence = made[0].client_id;
  other = made[6].client_id;
  const noc = await app.token('admin', { name: 'noc-token' });
  await reviewAt('2026-11-07T09:00:00Z', ids.a!, { note: 'restarted VSS, ok', ticket: 'CW-1' }, noc);
  await reviewAt('2026-11-08T09:30:00Z', ids.b!, {}, noc);
  await reviewAt('2026-11-09T11:00:00Z', ids.c!, { note: 'late look' }, noc);
  app.clock.set(Date.parse(NOW));
});
afterAll(async () => app.close());

describe('the evidence report', () => {
  it('lists each failed and warning run with its review, and each day as on time, late or missing (CSV)', async () => {
    const res = await app.request('GET', `/api/v1/reports/reviews?client=${evidence}&from=2026-11-07&to=2026-11-09&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="reviews-evidence-co-2026-11-07-2026-11-09.csv"');
    expect(res.text).toBe(
      [
        'day,client,device,check,status,time,message,reviewed_by,reviewed_at,note,ticket,review,day_review',
        '2026-11-07,Evidence Co,EV-01,Nightly backup,failed,2026-11-07T02:00:00.000Z,VSS failed,noc-token,2026-11-07T09:00:00.000Z,"restarted VSS, ok",CW-1,on_time,on_time',
        '2026-11-07,Evidence Co,EV-02,Nightly backup,warning,2026-11-07T20:00:00.000Z,some files skipped,noc-token,2026-11-08T09:30:00.000Z,,,on_time,on_time',
        '2026-11-08,Evidence Co,EV-01,Nightly backup,failed,2026-11-08T03:00:00.000Z,disk full,noc-token,2026-11-09T11:00:00.000Z,late look,,late,late',
        '2026-11-09,Evidence Co,EV-02,Nightly backup,partial,2026-11-09T05:00:00.000Z,3 items not protected,,,,,missing,missing',
        '',
      ].join('\r\n'),
    );
  });

  it('covers every client by default, yesterday and the 6 days before, and marks today’s runs not due yet', async () => {
    const all = await app.request('GET', '/api/v1/reports/reviews?format=csv');
    const rows = all.text.trim().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',').slice(0, 3).join(','))).toEqual([
      '2026-11-07,Evidence Co,EV-01',
      '2026-11-07,Evidence Co,EV-02',
      '2026-11-08,Evidence Co,EV-01',
      '2026-11-08,Other Co,OT-01',
      '2026-11-09,Evidence Co,EV-02',
    ]);
    // One unreviewed run makes its whole day missing.
    expect(rows[2]!.endsWith(',late,missing')).toBe(true);
    const today = await app.request('GET', `/api/v1/reports/reviews?client=${evidence}&from=2026-11-10&to=2026-11-10&format=csv`);
    // A spreadsheet formula in a message is defused.
    expect(today.text.trim().split('\r\n')[1]).toBe("2026-11-10,Evidence Co,EV-01,Nightly backup,failed,2026-11-10T06:00:00.000Z,'=cmd|calc,,,,,pending,pending");
  });

  it('renders the same as a PDF, with the late and missing days called so', async () => {
    const res = await app.request('GET', `/api/v1/reports/reviews?client=${evidence}&from=2026-11-07&to=2026-11-09`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const buf = Buffer.from(await (await fetch(`${app.url}/api/v1/reports/reviews?client=${evidence}&from=2026-11-07&to=2026-11-09&format=pdf`, { headers: { authorization: `Bearer ${await app.token('read')}` } })).arrayBuffer());
    expect(buf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'kw-review-'));
    writeFileSync(join(dir, 'r.pdf'), buf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Daily review evidence — Evidence Co');
    expect(text).toContain('Period: 2026-11-07 – 2026-11-09 (UTC)');
    expect(text).toContain("Runs needing review: 4. Reviewed by the next day's 10:00: 50 %.");
    expect(text).toContain('Days reviewed late: 1. Days with review missing: 1.');
    expect(text).toMatch(/2026-11-07\s+2\s+2\s+2\s+on time/);
    expect(text).toMatch(/2026-11-08\s+1\s+1\s+0\s+late/);
    expect(text).toMatch(/2026-11-09\s+1\s+0\s+0\s+missing/);
    expect(text).toContain('restarted VSS, ok');
    expect(text).toContain('ticket CW-1');
    expect(text.split('\n').find((l) => l.startsWith('09 Nov'))).toMatch(/partial .* missing$/);
    expect(text).toContain('noc-token');
    expect(text).not.toContain('OT-01');
  });

  it('counts every run in the days, lists runs up to its cap and says so (PDF note, CSV headers)', async () => {
    const q = { client: evidence, from: '2026-11-07', to: '2026-11-09' };
    const whole = await app.kw.services.reviews.report(SYSTEM, q);
    expect(whole.runsTotal).toBe(4);
    expect(whole.runs).toHaveLength(4);
    const capped = await app.kw.services.reviews.report(SYSTEM, q, 2);
    expect(capped.runsTotal).toBe(4);
    expect(capped.runs.map((r) => r.id)).toEqual(whole.runs.slice(0, 2).map((r) => r.id));
    // The days' figures and verdicts come from all four runs, not the two listed.
    expect(capped.days).toEqual(whole.days);
    const dir = mkdtempSync(join(tmpdir(), 'kw-review-'));
    writeFileSync(join(dir, 'capped.pdf'), await renderReviewPdf(capped));
    writeFileSync(join(dir, 'whole.pdf'), await renderReviewPdf(whole));
    const text = (f: string) => execFileSync('pdftotext', [join(dir, f), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text('capped.pdf')).toContain('The oldest 2 of 4 runs are listed; the days above count them all.');
    expect(text('whole.pdf')).not.toContain('runs are listed');
    const csv = await app.request('GET', `/api/v1/reports/reviews?client=${evidence}&from=2026-11-07&to=2026-11-09&format=csv`);
    expect([csv.headers.get('x-keepwatch-runs-total'), csv.headers.get('x-keepwatch-runs-listed')]).toEqual(['4', '4']);
  });

  it('keeps to the client limits of the caller, and names bad fields', async () => {
    const limited = await app.token('read', { clientIds: [other] });
    expect((await app.request('GET', `/api/v1/reports/reviews?client=${evidence}&format=csv`, { token: limited })).status).toBe(404);
    const own = await app.request('GET', '/api/v1/reports/reviews?from=2026-11-07&to=2026-11-09&format=csv', { token: limited });
    expect(own.text).toContain('OT-01');
    expect(own.text).not.toContain('EV-0');
    for (const [query, field] of [
      ['from=2026-11-09&to=2026-11-07', 'from'],
      ['from=07-11-2026', 'from'],
      ['format=xlsx', 'format'],
    ] as const) {
      const res = await app.request('GET', `/api/v1/reports/reviews?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await app.request('GET', '/api/v1/reports/reviews', { token: await app.token('ingest') })).status).toBe(403);
  });
});

describe('the grid', () => {
  it('marks each day whose failed and warning runs are all reviewed, and null where there is nothing to review', async () => {
    const res = await app.request('GET', `/api/v1/grid?client=${evidence}&from=2026-11-07&to=2026-11-10`);
    expect(res.status).toBe(200);
    const byDevice = Object.fromEntries(res.body.items.map((i: any) => [i.device_name, i]));
    expect(byDevice['EV-01'].cells).toEqual(['failed', 'failed', 'succeeded', 'failed']);
    expect(byDevice['EV-01'].reviewed).toEqual([true, true, null, false]);
    expect(byDevice['EV-02'].reviewed).toEqual([true, null, false, null]);
    await app.request('POST', `/api/v1/jobs/${ids.d}/review`, { body: {} });
    const after = await app.request('GET', `/api/v1/grid?client=${evidence}&from=2026-11-07&to=2026-11-10`);
    expect(after.body.items.find((i: any) => i.device_name === 'EV-02').reviewed).toEqual([true, null, true, null]);
    await app.request('DELETE', `/api/v1/jobs/${ids.d}/review`);
  });
});

describe('the compliance report', () => {
  it('gives each client the share of its runs reviewed by the next day’s due hour, in JSON and in the PDF', async () => {
    const res = await app.request('GET', `/api/v1/reports/compliance?client=${evidence}&from=2026-11-07&to=2026-11-09`);
    expect(res.status).toBe(200);
    // a and b on time, c late, d never: 2 of 4.
    expect(res.body.clients[0]).toMatchObject({ client_name: 'Evidence Co', reviewed_by_due_percent: 50 });
    expect(res.body.review_due_hour).toBe(10);
    const pdf = Buffer.from(await (await fetch(`${app.url}/api/v1/reports/compliance?client=${evidence}&from=2026-11-07&to=2026-11-09&format=pdf`, { headers: { authorization: `Bearer ${await app.token('read')}` } })).arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'kw-compliance-'));
    writeFileSync(join(dir, 'c.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'c.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Reviewed on time');
    expect(text).toMatch(/Evidence Co.*50\.0 %/);
    expect(text).toContain('reviewed by 10:00 of the next day');
  });
});
