// The compliance report lists only breaches worth listing, and its PDF wraps long device names
// inside their column (docs/reports.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
const at = (iso: string) => Date.parse(iso);

beforeAll(async () => {
  app = await startEngine('2026-11-06T12:00:00Z');
});
afterAll(async () => app.close());

async function pdfOf(query: string): Promise<string> {
  const res = await fetch(`${app.url}/api/v1/reports/compliance?${query}&format=pdf`, { headers: { authorization: `Bearer ${await app.token('read')}` } });
  expect(res.status).toBe(200);
  const file = join(mkdtempSync(join(tmpdir(), 'kw-pdf-')), 'report.pdf');
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

interface Word { text: string; xMin: number; yMin: number; xMax: number; yMax: number }

/** Every word pdftotext finds, with its box, as a PDF reader lays it out. */
function wordsOf(file: string): Word[] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    text: m[5]!,
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
  }));
}

const overlap = (a: Word, b: Word) => a.xMin < b.xMax && b.xMin < a.xMax && a.yMin < b.yMax && b.yMin < a.yMax;

describe('breaches in the compliance report', () => {
  it('leaves out a stretch out of SLA shorter than 6 minutes, and rounds the others to 0.1 h', async () => {
    const d = { client: 'Threshold Co', device: { name: 'LATE-BY-MINUTES' } };
    // A server (12 h SLA): good backups at 01:00 on 1 Nov, 13:03 on 1 Nov (3 minutes late), 01:00 on 2 Nov,
    // then 13:20 on 2 Nov (20 minutes late) and 01:00 on 3 Nov.
    const [first] = await app.report(
      job(at('2026-11-01T01:00:00Z'), d),
      job(at('2026-11-01T13:03:00Z'), d),
      job(at('2026-11-02T01:00:00Z'), d),
      job(at('2026-11-02T13:20:00Z'), d),
      job(at('2026-11-03T01:00:00Z'), d),
    );
    const res = await app.request('GET', `/api/v1/reports/compliance?client=${first.client_id}&from=2026-11-01T01:00:00Z&to=2026-11-03T01:00:00Z`);
    expect(res.status).toBe(200);
    const [device] = res.body.devices;
    expect(device.breaches).toEqual([{ start: '2026-11-02T13:00:00.000Z', end: '2026-11-02T13:20:00.000Z', hours: 0.3 }]);
    expect(device.breached_hours).toBe(0.3);
    const csv = await app.request('GET', `/api/v1/reports/compliance?client=${first.client_id}&from=2026-11-01T01:00:00Z&to=2026-11-03T01:00:00Z&format=csv`);
    expect(csv.text.split('\r\n')[1]).toMatch(/^Threshold Co,LATE-BY-MINUTES,server,12,[\d.]+,1,0\.3,0\.3,/);
  });
});

describe('the compliance PDF', () => {
  it('wraps a long device name within its column, without overlapping the next row', async () => {
    const client = { client: 'Contoso Legal' };
    const [first] = await app.report(
      job(at('2026-11-05T01:00:00Z'), { ...client, device: { name: 'contoso-legal.onmicrosoft.com', class: 'saas', type: 'm365' }, check: { name: 'Exchange', kind: 'saas_backup' } }),
      job(at('2026-11-05T02:00:00Z'), { ...client, device: { name: 'contoso-legal.sharepoint.com/sites/basement-archive', class: 'saas', type: 'm365' }, check: { name: 'SharePoint', kind: 'saas_backup' } }),
      job(at('2026-11-05T03:00:00Z'), { ...client, device: { name: 'NEXT-ROW', class: 'saas', type: 'm365' }, check: { name: 'OneDrive', kind: 'saas_backup' } }),
    );
    const file = await pdfOf(`client=${first.client_id}&from=2026-11-04&to=2026-11-06`);
    const words = wordsOf(file);
    // In the Devices table (between its header and the next section), the Device column reads the
    // whole names, wrapped onto as many lines as they need, and stays inside its 125 pt (after the 48 pt margin).
    const top = words.find((w) => w.text === 'Device')!.yMax;
    const bottom = words.find((w) => w.text === 'Breaches' && w.yMin > top)!.yMin;
    const column = words.filter((w) => w.yMin > top && w.yMax < bottom && w.xMin < 48 + 125);
    expect(column.map((w) => w.text).join('')).toBe('contoso-legal.onmicrosoft.comcontoso-legal.sharepoint.com/sites/basement-archiveNEXT-ROW');
    for (const w of column) expect(w.xMax, w.text).toBeLessThanOrEqual(48 + 125);
    // No word overlaps another: a wrapped name pushes the next row down.
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j < words.length; j++) expect(overlap(words[i]!, words[j]!), `${words[i]!.text} / ${words[j]!.text}`).toBe(false);
    }
  });
});
