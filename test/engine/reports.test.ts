import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastJson from 'fast-json-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { ComplianceReportSchema } from '../../src/engine/schemas.js';
import { complianceJson } from '../../src/reports/report.js';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
let clientId: string;
let checkId: string;
let deviceId: string;

// Nightly 01:00 UTC backups for 6 days of November: 1 good, 2 good + failed retry (mixed),
// 3 warning, 4 nothing (missed), 5 failed, 6 good.
beforeAll(async () => {
  app = await startEngine('2026-11-01T00:00:00Z');
  const d = { client: 'Grid Co', device: { name: 'GRID-01' } };
  const at = (day: number, h = 1) => Date.parse(`2026-11-0${day}T0${h}:00:00Z`);
  // The check exists from 1 Nov 00:00; its first job is reported when it ends (a time ahead of
  // the server's clock would be refused).
  const created = await app.request('POST', '/api/v1/checks', {
    body: { client: d.client, device: { name: 'GRID-01', class: 'server', type: 'vm' }, name: 'Nightly backup', kind: 'backup', schedule: { type: 'interval', interval_seconds: 86400 } },
  });
  expect(created.status).toBe(201);
  app.clock.set(at(1));
  const [first] = await app.report(job(at(1), d));
  ({ client_id: clientId, check_id: checkId, device_id: deviceId } = first);
  expect(checkId).toBe(created.body.id);
  app.clock.set(Date.parse('2026-11-06T12:00:00Z'));
  await app.report(
    job(at(2), { ...d, status: 'failed' }),
    job(at(2, 3), d),
    job(at(3), { ...d, status: 'warning' }),
    job(at(5), { ...d, status: 'failed' }),
    job(at(6), d),
  );
});
afterAll(async () => app.close());

describe('daily status grid', () => {
  it('rolls each day up, marks the missed day, and leaves days before the check blank', async () => {
    const res = await app.request('GET', `/api/v1/grid?client=${clientId}&from=2026-10-30&to=2026-11-07`);
    expect(res.status).toBe(200);
    expect(res.body.days).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07']);
    expect(res.body.rollup).toBe('warning_if_mixed');
    const [row] = res.body.items;
    expect(row).toMatchObject({ check_id: checkId, device_name: 'GRID-01', check_name: 'Nightly backup' });
    // 4 Nov: due 3 Nov 01:00 + 24 h, overdue at 4 Nov 13:00 → no result. 7 Nov is in the future.
    expect(row.cells).toEqual([null, null, 'succeeded', 'warning', 'warning', 'no_result', 'failed', 'succeeded', null]);
  });

  it('rolls up with the other modes', async () => {
    const cells = async (rollup: string) => (await app.request('GET', `/api/v1/grid?client=${clientId}&from=2026-11-02&to=2026-11-02&rollup=${rollup}`)).body.items[0].cells;
    expect(await cells('worst')).toEqual(['failed']);
    expect(await cells('best')).toEqual(['succeeded']);
    expect(await cells('last')).toEqual(['succeeded']);
  });

  it('starts days at the configured start of business day, in the workspace zone', async () => {
    await app.request('PUT', `/api/v1/clients/${clientId}/settings`, { body: { timezone: 'America/New_York', day_start: '06:00' } });
    const res = await app.request('GET', `/api/v1/grid?client=${clientId}&from=2026-11-01&to=2026-11-02`);
    // Backups at 01:00 UTC are 20:00/21:00 the evening before in New York: they belong to the previous business day.
    expect(res.body.items[0].cells).toEqual(['warning', 'warning']);
    await app.request('PUT', `/api/v1/clients/${clientId}/settings`, { body: {} });
  });

  it('answers 400 naming the field for a bad range or roll-up', async () => {
    for (const [q, field] of [['from=2026-11-09&to=2026-11-01', 'from'], ['from=yesterday', 'from'], ['rollup=average', 'rollup'], ['from=2026-01-01&to=2026-11-01', 'from']]) {
      const res = await app.request('GET', `/api/v1/grid?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.errors[0].field).toBe(field);
    }
  });
});

describe('compliance report', () => {
  it('reports the share of time within SLA, with the breaches, as JSON', async () => {
    const res = await app.request('GET', `/api/v1/reports/compliance?client=${clientId}&from=2026-11-01&to=2026-11-05`);
    expect(res.status).toBe(200);
    const [device] = res.body.devices;
    expect(device).toMatchObject({ device_id: deviceId, sla_hours: 12, class: 'server' });
    // Accountable from first seen (1 Nov 00:00, when the clock started) to 6 Nov 00:00.
    // Good ends: 1 Nov 01:00, 2 Nov 03:00, 3 Nov 01:00; then none until 6 Nov.
    expect(device.breaches.map((b: { start: string; end: string }) => [b.start, b.end])).toEqual([
      ['2026-11-01T13:00:00.000Z', '2026-11-02T03:00:00.000Z'],
      ['2026-11-02T15:00:00.000Z', '2026-11-03T01:00:00.000Z'],
      ['2026-11-03T13:00:00.000Z', '2026-11-06T00:00:00.000Z'],
    ]);
    expect(device.breached_hours).toBe(14 + 10 + 59);
    expect(device.compliance_percent).toBeCloseTo((1 - 83 / 120) * 100, 1);
    expect(res.body.clients[0]).toMatchObject({ client_id: clientId, client_name: 'Grid Co', devices: 1 });
  });

  it('downloads the same report as CSV', async () => {
    const res = await app.request('GET', `/api/v1/reports/compliance?client=${clientId}&from=2026-11-01&to=2026-11-05&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('compliance-2026-11-01-2026-11-06.csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('client,device,class,sla_hours,compliance_percent,breaches,breached_hours,longest_breach_hours,compliant_now,status,score,from,to');
    expect(lines[1]).toMatch(/^Grid Co,GRID-01,server,12,30\.83,3,83,59,yes,/);
  });

  it('downloads the same report as a PDF that carries the figures and the breaches', async () => {
    const res = await fetch(`${app.url}/api/v1/reports/compliance?client=${clientId}&from=2026-11-01&to=2026-11-05&format=pdf`, {
      headers: { authorization: `Bearer ${await app.token('read')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('compliance-grid-co-2026-11-01-2026-11-06.pdf');
    const file = join(mkdtempSync(join(tmpdir(), 'kw-pdf-')), 'report.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    // pdftotext (poppler-utils) reads it as a PDF reader would.
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('SLA compliance — Grid Co');
    expect(text).toMatch(/Compliance over the period\s+[\s\S]*30\.8 %/);
    expect(text).toMatch(/GRID-01\s+Grid Co\s+server\s+12 h\s+30\.8 %\s+3\s+83\.0/);
    // The three breaches with their durations, in time order.
    expect([...text.matchAll(/GRID-01\s+Grid Co\s+\d\d \w{3} 2026, \d\d:\d\d\s+\d\d \w{3} 2026, \d\d:\d\d\s+([\d.]+)/g)].map((m) => m[1])).toEqual(['14.0', '10.0', '59.0']);
    expect(text).toMatch(/Page 1 of \d/);
  });

  it('counts a backfilled history from its oldest job, not from when the device was created', async () => {
    const d = { client: 'Backfill Co', device: { name: 'OLD-01' } };
    const [first] = await app.report(job('2026-10-20T01:00:00Z', d), job('2026-10-21T01:00:00Z', d), job('2026-10-25T01:00:00Z', d));
    const res = await app.request('GET', `/api/v1/reports/compliance?client=${first.client_id}&from=2026-10-15&to=2026-10-31`);
    const [device] = res.body.devices;
    expect(device.breaches.map((b: { start: string; end: string }) => [b.start, b.end])).toEqual([
      ['2026-10-20T13:00:00.000Z', '2026-10-21T01:00:00.000Z'],
      ['2026-10-21T13:00:00.000Z', '2026-10-25T01:00:00.000Z'],
      ['2026-10-25T13:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ]);
    // Accountable from 20 Oct 01:00 (the oldest job) to 1 Nov 00:00: 287 h, of which 12 + 84 + 155 out.
    expect(device.compliance_percent).toBeCloseTo((1 - 251 / 287) * 100, 1);
  });

  it('counts a client roll-up: bands and compliance now', async () => {
    const c = await app.request('GET', `/api/v1/clients/${clientId}`);
    expect(c.body.rollup).toMatchObject({ applicable: 1, compliant: 1, compliance_percent: 100 });
    expect(Object.values(c.body.rollup.bands).reduce((a: number, b) => a + (b as number), 0)).toBe(1);
    await app.advance(13 * HOUR);
    const later = await app.request('GET', `/api/v1/clients/${clientId}`);
    expect(later.body.rollup).toMatchObject({ applicable: 1, compliant: 0, compliance_percent: 0 });
    expect(later.body.open_alerts.critical).toBe(1);
    void DAY;
  });

  it("streams the JSON, in pieces, exactly as the response schema's serialiser writes it", async () => {
    const d = (name: string) => ({ client: 'Stream Co', device: { name } });
    const [a] = await app.report(job('2026-11-06T01:00:00Z', d('ST-01')), job('2026-11-06T02:00:00Z', d('ST-02')), job('2026-11-06T03:00:00Z', d('ST-03')));
    const res = await app.request('GET', `/api/v1/reports/compliance?client=${a.client_id}&from=2026-11-01&to=2026-11-06`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.body.devices.map((x: { device_name: string }) => x.device_name)).toEqual(['ST-01', 'ST-02', 'ST-03']);
    const report = await app.kw.services.reports.compliance(SYSTEM, { client: a.client_id, from: '2026-11-01', to: '2026-11-06' });
    const bySchema = fastJson(ComplianceReportSchema as never)(report);
    expect(res.text).toBe(bySchema);
    for (const per of [1, 2, 3, 500]) {
      const pieces: string[] = [];
      for await (const piece of complianceJson(report, per)) pieces.push(piece);
      expect(pieces.length).toBe(2 + Math.ceil(3 / per));
      expect(pieces.join('')).toBe(bySchema);
    }
    const empty = { ...report, clients: [], devices: [] };
    let text = '';
    for await (const piece of complianceJson(empty)) text += piece;
    expect(text).toBe(fastJson(ComplianceReportSchema as never)(empty));
  });
});

