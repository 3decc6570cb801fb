// The monthly compliance report by e-mail: on the 1st at the weekly summary's hour (workspace zone),
// each e-mail channel limited to one client with `monthly_report: true` gets last month's PDF.
// The attachment is read back with pdftotext, and its first page drawn with pdftoppm.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { type SmtpSink, startSmtpSink } from '../helpers/receivers.js';

let app: EngineApp;
let sink: SmtpSink;
const OUT = join(process.env.KEEPWATCH_ARTIFACTS ?? '/tmp', `kw-monthly-${process.pid}`);

beforeAll(async () => {
  sink = await startSmtpSink();
  // 1 December 2026, an hour before the report is due (08:00, the weekly summary's default hour).
  app = await startEngine('2026-12-01T07:00:00Z', { KEEPWATCH_MAIL_URL: sink.url });
});
afterAll(async () => {
  await app.close();
  await sink.close();
});

const send = () => app.kw.notifier.runUntilIdle();

describe('the monthly report mail', () => {
  it("sends last month's compliance PDF to a client's contacts on the 1st, once", async () => {
    // November: nightly backups (a 26 h SLA), with a four-day gap on one server.
    expect((await app.request('PUT', '/api/v1/settings', { body: { thresholds: { sla_hours: { server: 26 } } } })).status).toBe(200);
    const jobs = [];
    for (let day = 1; day <= 31; day++) {
      for (const device of ['CT-DC01', 'CT-FS01', 'CT-SQL01']) {
        if (device === 'CT-SQL01' && day >= 10 && day <= 13) continue;
        // Day 31 is 1 December.
        jobs.push(job(Date.UTC(2026, 10, day, 1, 30), { client: 'Contoso Ltd', device: { name: device, class: 'server' } }));
      }
    }
    for (let i = 0; i < jobs.length; i += 30) await app.report(...jobs.slice(i, i + 30));
    const clients = (await app.request('GET', '/api/v1/clients?limit=100')).body.items as Array<{ id: string; name: string }>;
    const contoso = clients.find((c) => c.name === 'Contoso Ltd')!.id;
    const ch = await app.request('POST', '/api/v1/channels', { body: { type: 'email', name: 'Contoso IT', config: { to: 'it@contoso.example', monthly_report: true }, clients: [contoso] } });
    expect(ch.status, ch.text).toBe(201);
    expect(ch.body.config.monthly_report).toBe(true);
    // Not limited to one client: no monthly report (whose figures would it be?).
    await app.request('POST', '/api/v1/channels', { body: { type: 'email', name: 'NOC', config: { to: 'noc@msp.example', monthly_report: true } } });
    await send();
    const welcomes = sink.mails.length;

    app.clock.advance(HOUR - 60_000);
    await send();
    expect(sink.mails.length).toBe(welcomes);
    app.clock.advance(60_000);
    await send();
    const mails = (await sink.waitFor(welcomes + 1)).slice(welcomes);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['it@contoso.example']);
    expect(mail.subject).toBe('[Keepwatch] Backup compliance report for Contoso Ltd, 2026-11-01 to 2026-11-30');
    expect(mail.attachments).toHaveLength(1);
    const pdf = mail.attachments[0]!;
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.filename).toMatch(/\.pdf$/);

    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'report.pdf');
    writeFileSync(file, pdf.content);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Contoso Ltd');
    for (const device of ['CT-DC01', 'CT-FS01', 'CT-SQL01']) expect(text).toContain(device);
    expect(text).toContain('Period: 01 Nov 2026, 00:00 – 01 Dec 2026, 00:00 (UTC)');
    expect(text).toMatch(/CT-SQL01\s+Contoso Ltd\s+server\s+26 h/);
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', file, join(OUT, 'page')]);
    const png = join(OUT, 'page-1.png');
    expect(statSync(png).size).toBeGreaterThan(10_000);

    // Looked at again the same month (and by another look of the schedule): nothing more.
    app.clock.advance(HOUR);
    await send();
    expect(sink.mails.length).toBe(welcomes + 1);
  });
});
