import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { HOUR, job, type EngineApp, startEngine } from '../helpers/engine.js';

let app: EngineApp;
let acme: string;
let globex: string;

async function get(path: string, token: string) {
  const res = await fetch(app.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', text: await res.text() };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

// Exports select by id range (a UUIDv7 starts with when the row was made). Ids never go back in
// time within a process, so the test clock must run ahead of the real one: 2031.
// 2,300 Acme jobs received on 20 Nov (more than one export batch), 3 Globex jobs on 20 Nov and
// 1 Acme job on 21 Nov.
beforeAll(async () => {
  app = await startEngine('2031-11-20T10:00:00Z');
  const acmeJobs = Array.from({ length: 2300 }, (_, i) =>
    job(Date.parse('2031-11-20T01:00:00Z') - i * 60_000, { client: 'Acme', device: { name: `ACME-${i % 50}` }, external_id: `a-${i}`, status: i % 10 === 0 ? 'failed' : 'succeeded' }),
  );
  for (let i = 0; i < acmeJobs.length; i += 1000) await app.request('POST', '/api/v1/jobs', { body: { jobs: acmeJobs.slice(i, i + 1000) } });
  const [g] = await app.report(...[0, 1, 2].map((i) => job('2031-11-20T02:00:00Z', { client: 'Globex, Inc.', device: { name: 'GX-1' }, external_id: `g-${i}`, message: 'said "hello", then =1+1' })));
  globex = g.client_id;
  app.clock.advance(24 * HOUR);
  const [a] = await app.report(job('2031-11-21T01:00:00Z', { client: 'Acme', device: { name: 'ACME-0' }, external_id: 'a-late' }));
  acme = a.client_id;
  await app.evaluate();
});
afterAll(async () => app.close());

describe('exports', () => {
  it('streams the jobs received in a period as NDJSON, every one once, oldest first', async () => {
    const res = await get('/api/v1/exports/jobs?from=2031-11-20&to=2031-11-20', await app.token('read'));
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/x-ndjson');
    expect(res.disposition).toContain('keepwatch-jobs-2031-11-20-2031-11-21.ndjson');
    const rows = lines(res.text).map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2303);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2303);
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort());
    expect(rows.find((r) => r.external_id === 'a-10')).toMatchObject({ client_name: 'Acme', status: 'failed', check_kind: 'backup', device_class: 'server', received_at: '2031-11-20T10:00:00.000Z' });
    expect(rows.some((r) => r.external_id === 'a-late')).toBe(false);
  });

  it('writes CSV with a header, quoting what needs it', async () => {
    const res = await get(`/api/v1/exports/jobs?from=2031-11-20&to=2031-11-21&client=${globex}&format=csv`, await app.token('read'));
    expect(res.type).toContain('text/csv');
    const [header, ...rest] = res.text.trim().split('\r\n');
    expect(header!.split(',').slice(0, 5)).toEqual(['id', 'received_at', 'updated_at', 'client_id', 'client_name']);
    expect(rest).toHaveLength(3);
    expect(rest[0]).toContain('"Globex, Inc."');
    expect(rest[0]).toContain('"said ""hello"", then =1+1"');
  });

  it('exports alerts raised in the period, and the audit log only to admins', async () => {
    const alerts = lines((await get('/api/v1/exports/alerts?from=2031-11-19', await app.token('read'))).text).map((l) => JSON.parse(l));
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]).toHaveProperty('type');
    expect(alerts[0]).toHaveProperty('raised_at');
    expect((await get('/api/v1/exports/audit', await app.token('read'))).status).toBe(403);
    const audit = await get('/api/v1/exports/audit?from=2031-11-01&format=csv', await app.token('admin'));
    expect(audit.status).toBe(200);
    expect(audit.text.split('\r\n')[0]).toBe('id,at,actor_type,actor_id,actor_name,action,target_type,target_id,client_id,details');
  });

  it('shows a client-limited token only its clients, and refuses another client by id', async () => {
    const limited = await app.token('read', { clientIds: [acme] });
    const rows = lines((await get('/api/v1/exports/jobs?from=2031-11-01', limited)).text).map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2301);
    expect(new Set(rows.map((r) => r.client_id))).toEqual(new Set([acme]));
    expect((await get(`/api/v1/exports/jobs?client=${globex}`, limited)).status).toBe(404);
  });

  it('gives the server a turn between batches of rows: a big export does not hold it', async () => {
    const exp = await app.kw.services.exports.open(SYSTEM, 'jobs', { from: '2031-11-01' });
    let turns = 0;
    let reading = true;
    const count = () => {
      if (!reading) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    let n = 0;
    for await (const _row of exp.rows) n++;
    reading = false;
    expect(n).toBe(2304);
    // Two batches of 2,000 rows: a turn between them. On SQLite no other turn comes, as every
    // read answers at once (a week's jobs of a big estate held the server for 60 s).
    expect(turns).toBeGreaterThanOrEqual(1);
  });

  it('answers 400 naming the field for a bad period', async () => {
    const token = await app.token('read');
    for (const [q, field] of [['from=yesterday', 'from'], ['to=soon', 'to'], ['from=2031-11-21&to=2031-11-20', 'from']]) {
      const res = await get(`/api/v1/exports/jobs?${q}`, token);
      expect(res.status, q).toBe(400);
      expect(JSON.parse(res.text).errors[0].field).toBe(field);
    }
    expect((await get('/api/v1/exports/jobs?format=xml', token)).status).toBe(400);
  });
});
