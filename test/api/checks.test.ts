import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app.close());

describe('checks', () => {
  it('creates a check with a cron schedule in a time zone and answers its ping URL', async () => {
    const res = await app.request('POST', '/api/v1/checks', {
      body: {
        name: 'Nightly restic',
        kind: 'backup',
        client: 'default',
        device: { name: 'NAS-HOME', class: 'server', type: 'nas' },
        schedule: { type: 'cron', cron: '30 2 * * *', tz: 'Europe/Berlin' },
        grace_seconds: 3600,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Nightly restic',
      state: 'new',
      schedule: { type: 'cron', cron: '30 2 * * *', tz: 'Europe/Berlin', inferred: false, interval_seconds: null },
      grace_seconds: 3600,
      paused: false,
    });
    const got = await app.request('GET', `/api/v1/checks/${res.body.id}`);
    expect(got.body.ping_url).toBe(res.body.ping_url);
  });

  it('changes a schedule, pauses, and renames with PATCH', async () => {
    const created = await app.request('POST', '/api/v1/checks', { body: { name: 'Copy job', kind: 'copy', device: { name: 'PATCH-01' } } });
    expect(created.body.tier).toBe('hot');
    const res = await app.request('PATCH', `/api/v1/checks/${created.body.id}`, {
      body: { name: 'Offsite copy', tier: 'cold', schedule: { type: 'interval', interval_seconds: 7 * 86400 }, paused: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Offsite copy', tier: 'cold', state: 'paused', paused: true, schedule: { type: 'interval', interval_seconds: 604800 } });
  });

  it.each([
    [{ schedule: { type: 'cron', cron: '61 * * * *' } }, 'schedule.cron'],
    [{ schedule: { type: 'cron', cron: '0 2 * * *', tz: 'Mars/Olympus' } }, 'schedule.tz'],
    [{ schedule: { type: 'interval', interval_seconds: 5 } }, 'schedule.interval_seconds'],
    [{ schedule: { type: 'interval' } }, 'schedule.interval_seconds'],
    [{ schedule: { type: 'weekly' } }, 'schedule.type'],
    [{ kind: 'snapshot' }, 'kind'],
    [{ grace_seconds: -5 }, 'grace_seconds'],
    [{ surprise: 1 }, 'surprise'],
  ])('answers 400 naming the field for %j', async (change, field) => {
    const created = await app.request('POST', '/api/v1/checks', { body: { name: `Bad ${field} ${Math.random()}`, device: { name: 'BAD-01' } } });
    const res = await app.request('PATCH', `/api/v1/checks/${created.body.id}`, { body: change });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers 409 for a second check of the same name on a device', async () => {
    const body = { name: 'Twin', device: { name: 'TWIN-01' } };
    expect((await app.request('POST', '/api/v1/checks', { body })).status).toBe(201);
    const res = await app.request('POST', '/api/v1/checks', { body: { ...body, name: 'twin' } });
    expect(res.status).toBe(409);
  });

  it('answers 409, never 500, when requests create the same check at the same moment', async () => {
    const device = (await app.request('POST', '/api/v1/checks', { body: { name: 'Race base', client: 'default', device: { name: 'RACE-01' } } })).body.device_id;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => app.request('POST', '/api/v1/checks', { body: { name: 'Raced check', device_id: device } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
  });

  it('does not let a read token create checks', async () => {
    const read = await app.token('read');
    const res = await app.request('POST', '/api/v1/checks', { token: read, body: { name: 'Nope', device: { name: 'RO-01' } } });
    expect(res.status).toBe(403);
  });

  it('writes check changes to the audit log with the actor', async () => {
    const created = await app.request('POST', '/api/v1/checks', { body: { name: 'Audited', device: { name: 'AUDIT-01' } } });
    await app.request('PATCH', `/api/v1/checks/${created.body.id}`, { body: { paused: true } });
    const rows = await app.kw.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', created.body.id).orderBy('id').execute();
    expect(rows.map((r) => [r.action, r.actor_type])).toEqual([
      ['check.create', 'token'],
      ['check.update', 'token'],
    ]);
  });
});
