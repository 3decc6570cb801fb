// Tags on devices and checks (issue #20; docs/api.md "Tags"): set by PATCH, by check creation and
// by a job report (which only adds), and `?tag=` on devices, checks, alerts and the grid, always
// within the clients a token may see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
let ids: { acme: string; beta: string; web: string; db: string; other: string; webFiles: string; webSql: string; dbBackup: string; otherBackup: string };

const at = () => app.clock.now();
const report = (client: string, device: string, check: string, extra: { device?: object; check?: object; status?: string } = {}) =>
  job(at(), {
    client,
    device: { name: device, ...extra.device },
    check: { name: check, kind: 'backup', ...extra.check },
    status: extra.status ?? 'failed',
  });
const names = (items: Array<{ name: string }>) => items.map((i) => i.name).sort();

beforeAll(async () => {
  app = await startEngine('2026-11-20T06:00:00Z');
  const [webFiles, webSql, dbBackup, otherBackup] = await app.report(
    report('Acme', 'WEB01', 'Files', { device: { tags: ['Prod', 'site:paris'] } }),
    report('Acme', 'WEB01', 'SQL', { check: { tags: ['sql'] } }),
    report('Acme', 'DB01', 'Backup', { device: { tags: ['prod'] }, check: { tags: ['sql', 'nightly'] } }),
    report('Beta', 'OTHER01', 'Backup', { device: { tags: ['prod'] } }),
  );
  ids = {
    acme: webFiles.client_id,
    beta: otherBackup.client_id,
    web: webFiles.device_id,
    db: dbBackup.device_id,
    other: otherBackup.device_id,
    webFiles: webFiles.check_id,
    webSql: webSql.check_id,
    dbBackup: dbBackup.check_id,
    otherBackup: otherBackup.check_id,
  };
});
afterAll(() => app.close());

describe('tags from job reports', () => {
  it('stores reported tags trimmed, lower-cased and sorted on the device and on the check', async () => {
    const web = (await app.request('GET', `/api/v1/devices/${ids.web}`)).body;
    expect(web.tags).toEqual(['prod', 'site:paris']);
    expect(web.checks.find((c: any) => c.id === ids.webSql).tags).toEqual(['sql']);
    const check = (await app.request('GET', `/api/v1/checks/${ids.dbBackup}`)).body;
    expect(check.tags).toEqual(['nightly', 'sql']);
  });

  it("adds a later job's tags to what the device has and removes none", async () => {
    await app.report(report('Acme', 'WEB01', 'Files', { device: { tags: ['os/linux', 'PROD'] }, status: 'succeeded' }));
    expect((await app.request('GET', `/api/v1/devices/${ids.web}`)).body.tags).toEqual(['os/linux', 'prod', 'site:paris']);
    await app.report(report('Acme', 'WEB01', 'Files', { status: 'succeeded' }));
    expect((await app.request('GET', `/api/v1/devices/${ids.web}`)).body.tags).toEqual(['os/linux', 'prod', 'site:paris']);
  });

  it('refuses a job with a bad tag, naming it, and records nothing of it', async () => {
    const bad = report('Acme', 'WEB01', 'Files', { device: { tags: ['ok', 'not ok'] }, check: { tags: ['fine', 'x'.repeat(51)] } });
    const res = await app.request('POST', '/api/v1/jobs', { body: { jobs: [bad] } });
    expect(res.status).toBe(400);
    expect(res.text).toContain('jobs[0].device.tags[1]');
    expect(res.text).toContain('jobs[0].check.tags[1]');
    expect((await app.request('GET', `/api/v1/devices/${ids.web}`)).body.tags).not.toContain('ok');
  });
});

describe('tags set by a person', () => {
  it('replaces a device\'s tags with PATCH, and [] removes them all', async () => {
    const res = await app.request('PATCH', `/api/v1/devices/${ids.other}`, { body: { tags: ['Prod', 'dmz', 'prod'] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.tags).toEqual(['dmz', 'prod']);
    const cleared = await app.request('PATCH', `/api/v1/devices/${ids.other}`, { body: { tags: [] } });
    expect(cleared.body.tags).toEqual([]);
    expect(names((await app.request('GET', '/api/v1/devices?tag=dmz')).body.items)).toEqual([]);
    await app.request('PATCH', `/api/v1/devices/${ids.other}`, { body: { tags: ['prod'] } });
  });

  it("replaces a check's tags with PATCH and takes them on creation", async () => {
    const res = await app.request('PATCH', `/api/v1/checks/${ids.webFiles}`, { body: { tags: ['files', 'weekly'] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.tags).toEqual(['files', 'weekly']);
    const created = await app.request('POST', '/api/v1/checks', { body: { name: 'Mail', device_id: ids.db, tags: ['Exchange'] } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.tags).toEqual(['exchange']);
    expect((await app.request('GET', '/api/v1/checks?tag=exchange')).body.items.map((c: any) => c.id)).toEqual([created.body.id]);
  });

  it('keeps the tags of both devices, and of both same-named checks, when one is merged into the other', async () => {
    const [a, b] = await app.report(
      report('Acme', 'MERGE-A', 'Backup', { device: { tags: ['old-name'] }, check: { tags: ['daily'] } }),
      report('Acme', 'MERGE-B', 'Backup', { device: { tags: ['new-name'] }, check: { tags: ['offsite'] } }),
    );
    const res = await app.request('POST', `/api/v1/devices/${a.device_id}/merge`, { body: { into: b.device_id } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.tags).toEqual(['new-name', 'old-name']);
    expect(res.body.checks.map((c: any) => c.tags)).toEqual([['daily', 'offsite']]);
    expect(names((await app.request('GET', '/api/v1/devices?tag=old-name')).body.items)).toEqual(['MERGE-B']);
  });

  it('answers 400 naming the tag that is not one', async () => {
    for (const [path, body, field] of [
      [`/api/v1/devices/${ids.web}`, { tags: ['good', 'has space'] }, 'tags[1]'],
      [`/api/v1/checks/${ids.webFiles}`, { tags: ['', 'ok'] }, 'tags[0]'],
      [`/api/v1/checks/${ids.webFiles}`, { tags: ['ok', 'ok', 'bad,comma'] }, 'tags[2]'],
      [`/api/v1/devices/${ids.web}`, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
      [`/api/v1/devices/${ids.web}`, { tags: 'prod' }, 'tags'],
    ] as const) {
      const res = await app.request('PATCH', path, { body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    const filter = await app.request('GET', '/api/v1/devices?tag=a%20b');
    expect(filter.status).toBe(400);
    expect(filter.body.errors[0].field).toBe('tag[0]');
    expect((await app.request('GET', `/api/v1/devices/${ids.web}`)).body.tags).toEqual(['os/linux', 'prod', 'site:paris']);
  });
});

describe('?tag= filters', () => {
  it('lists the devices carrying a tag, in any case, and every tag when repeated', async () => {
    expect(names((await app.request('GET', '/api/v1/devices?tag=PROD')).body.items)).toEqual(['DB01', 'OTHER01', 'WEB01']);
    expect(names((await app.request('GET', '/api/v1/devices?tag=prod&tag=site:paris')).body.items)).toEqual(['WEB01']);
    expect(names((await app.request('GET', '/api/v1/devices?tag=nowhere')).body.items)).toEqual([]);
  });

  it("lists the checks that carry a tag or whose device does", async () => {
    const of = async (q: string) => (await app.request('GET', `/api/v1/checks?${q}`)).body.items.map((c: any) => c.id).sort();
    expect(await of('tag=sql')).toEqual([ids.dbBackup, ids.webSql].sort());
    expect(await of('tag=site:paris')).toEqual([ids.webFiles, ids.webSql].sort());
    expect(await of('tag=sql&tag=site:paris')).toEqual([ids.webSql]);
  });

  it("lists the alerts whose device or check carries the tag", async () => {
    const checksOf = async (q: string) => (await app.alerts(q)).map((a: any) => a.check_id).sort();
    expect(await checksOf('')).toEqual(expect.arrayContaining([ids.webSql, ids.dbBackup, ids.otherBackup]));
    expect(await checksOf('tag=sql')).toEqual([ids.dbBackup, ids.webSql].sort());
    expect(await checksOf('tag=nightly')).toEqual([ids.dbBackup]);
    const total = (await app.request('GET', '/api/v1/alerts?state=open,acknowledged&tag=sql')).body.total;
    expect(total).toBe(2);
  });

  it('narrows the grid to the rows of tagged checks and devices', async () => {
    const rows = (await app.request('GET', '/api/v1/grid?tag=site:paris')).body.items;
    expect(rows.map((r: any) => r.check_id).sort()).toEqual([ids.webFiles, ids.webSql].sort());
  });

  it('shows a client-scoped token only its own clients, tag or no tag', async () => {
    const token = await app.token('read', { clientIds: [ids.beta] });
    const get = async (path: string) => (await app.request('GET', path, { token })).body.items;
    expect(names(await get('/api/v1/devices?tag=prod'))).toEqual(['OTHER01']);
    expect((await get('/api/v1/checks?tag=prod')).map((c: any) => c.id)).toEqual([ids.otherBackup]);
    expect((await get('/api/v1/alerts?tag=prod')).map((a: any) => a.device_id)).toEqual([ids.other]);
    expect((await get('/api/v1/grid?tag=prod')).map((r: any) => r.check_id)).toEqual([ids.otherBackup]);
    expect(await get('/api/v1/devices?tag=sql')).toEqual([]);
  });
});
