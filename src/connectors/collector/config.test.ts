import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.js';
import { buildJob } from '../../domain/job-build.js';
import { JobBuffer, MAX_BATCH_JOBS, toReport } from './buffer.js';
import { parseCollectorConfig } from './config.js';
import { StateFile } from './state.js';

const azure = { tenant_id: 'contoso.onmicrosoft.com', client_id: 'app', client_secret: 's', subscription_id: 'sub' };
const base = { central_url: 'https://centre.example/', token: 'kw_x', name: 'site', connectors: [{ type: 'azure', name: 'Azure', config: azure }] };

function problems(doc: unknown): Record<string, string> {
  try {
    parseCollectorConfig(doc, '/etc/kw/collector.json');
  } catch (err) {
    if (err instanceof ValidationError) return Object.fromEntries(err.problems.map((p) => [p.field, p.message]));
    throw err;
  }
  return {};
}

describe('collector config', () => {
  it('fills in defaults beside the config file and resolves each connector as the API would', () => {
    const c = parseCollectorConfig(base, '/etc/kw/collector.json');
    expect(c).toMatchObject({ centralUrl: 'https://centre.example', name: 'site', stateFile: '/etc/kw/collector.state.json', bufferDir: '/etc/kw/collector-buffer' });
    expect(c.connectors[0]).toMatchObject({ type: 'azure', name: 'Azure', intervalMs: 60 * 60_000 });
    // Azure's defaults are filled in (resolve), its client defaults to the connector's name (initialConfig).
    expect(c.connectors[0]!.config).toMatchObject({ login_url: 'https://login.microsoftonline.com', client: 'Azure' });
    expect(parseCollectorConfig({ ...base, connectors: [{ ...base.connectors[0], interval_minutes: 15 }] }, '/x/c.json').connectors[0]!.intervalMs).toBe(15 * 60_000);
  });

  it('names every bad field', () => {
    expect(problems({ ...base, central_url: 'centre', token: '', extra: 1 })).toEqual({
      central_url: 'must be a URL, e.g. https://keepwatch.example.com',
      token: expect.stringMatching(/^is required/),
      extra: 'is not a known field',
    });
    expect(problems({ ...base, name: 'a:b' })).toEqual({ name: expect.stringMatching(/must not contain ":"/) });
    expect(problems({ ...base, connectors: [] })).toEqual({ connectors: expect.stringMatching(/^is required/) });
    expect(
      problems({
        ...base,
        connectors: [
          { type: 'azure', name: 'A', config: { ...azure, interval_minutes: 1 } },
          { type: 'azure', name: 'a', config: azure, interval_minutes: 0 },
          { type: 'veeam-nope', name: 'B', config: {} },
          { type: 'azure', name: 'C' },
        ],
      }),
    ).toEqual({
      'connectors[0].config.interval_minutes': expect.stringMatching(/>= 5/),
      'connectors[1].name': '"a" is used by another connector',
      'connectors[1].interval_minutes': 'must be a whole number of minutes from 1 to 10080',
      'connectors[2].type': 'unknown connector type "veeam-nope"',
      'connectors[3].config': expect.stringMatching(/^is required/),
    });
  });
});

describe('buffer and state', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-buffer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('splits what a sync emits into batches the centre takes, oldest first, and forgets only what is removed', () => {
    const job = (i: number) =>
      toReport(buildJob({ source: 'collector:s:c', externalId: `j${i}`, clientName: 'Acme', device: { name: 'SRV' }, check: { name: 'Nightly', kind: 'backup' }, status: 'succeeded', endedAt: 1_700_000_000_000 + i, raw: { id: i } }));
    const buffer = new JobBuffer(join(dir, 'buffer'));
    expect(buffer.pending()).toEqual([]);
    expect(buffer.append(Array.from({ length: 2500 }, (_, i) => job(i)))).toBe(3);
    const files = buffer.pending();
    expect(files.map((f) => buffer.read(f).jobs.length)).toEqual([MAX_BATCH_JOBS, MAX_BATCH_JOBS, 500]);
    const first = buffer.read(files[0]!).jobs[0]!;
    expect(first).toMatchObject({ source: 'collector:s:c', external_id: 'j0', client: 'Acme', device: { name: 'SRV' }, status: 'succeeded', ended_at: new Date(1_700_000_000_000).toISOString(), raw: { id: 0 } });
    buffer.remove(files[0]!);
    expect(buffer.count()).toBe(1500);
    buffer.reject(files[1]!);
    expect(buffer.pending()).toEqual([files[2]]);
    expect(readdirSync(join(dir, 'buffer', 'rejected'))).toEqual([files[1]]);
    // No temporary files are left behind.
    expect(readdirSync(join(dir, 'buffer')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps cursors in a state file replaced atomically, and starts over for a connector whose type changed', () => {
    const path = join(dir, 'state.json');
    const s = StateFile.open(path);
    s.connector('A', 'azure', 5).cursor = { to: 42 };
    s.save();
    expect(JSON.parse(readFileSync(path, 'utf8')).connectors.A).toMatchObject({ type: 'azure', cursor: { to: 42 }, next_run_at: 5 });
    expect(readdirSync(dir)).toEqual(['state.json']);
    const again = StateFile.open(path);
    expect(again.connector('A', 'azure', 9).cursor).toEqual({ to: 42 });
    expect(again.connector('A', 'pbs', 9).cursor).toBeNull();
  });
});
