// Objects have a lifecycle (issue #16): clients, devices and checks are renamed and deleted,
// devices retired, brought back and merged, each with an audit entry, within the caller's role
// and clients; a deleted object's alerts are gone and nothing about them is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { type EngineApp, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

const run = (device: string, overrides: Record<string, unknown> = {}) =>
  job(app.clock.now() - 60_000, { client: 'Lifecycle Co', device: { name: device, class: 'server', type: 'vm' }, ...overrides });

async function device(name: string, overrides: Record<string, unknown> = {}): Promise<{ device_id: string; check_id: string; client_id: string }> {
  const [item] = await app.report(run(name, overrides));
  return item;
}

async function audit(): Promise<Array<{ action: string; target_id: string | null; details: string | null }>> {
  const res = await fetch(`${app.url}/api/v1/exports/audit?from=2026-01-01&to=2099-01-01`, { headers: { authorization: `Bearer ${await app.token('admin')}` } });
  expect(res.status).toBe(200);
  return (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
}

describe('rename', () => {
  it('renames a client, a device and a check, changes their natural keys and audits each', async () => {
    const d = await device('OLD-NAME-01');
    const dev = await app.request('PATCH', `/api/v1/devices/${d.device_id}`, { body: { name: '  New   Name-01 ' } });
    expect(dev.status, dev.text).toBe(200);
    expect(dev.body.name).toBe('New Name-01');
    const chk = await app.request('PATCH', `/api/v1/checks/${d.check_id}`, { body: { name: 'Renamed backup' } });
    expect(chk.status).toBe(200);
    const cli = await app.request('PATCH', `/api/v1/clients/${d.client_id}`, { body: { name: 'Lifecycle Company' } });
    expect(cli.status, cli.text).toBe(200);
    expect(cli.body.name).toBe('Lifecycle Company');

    // A job sent under the new names lands on the same device and check (natural keys changed).
    const [again] = await app.report(job(app.clock.now() - 30_000, { client: 'lifecycle company', device: { name: 'new name-01' }, check: { name: 'RENAMED BACKUP', kind: 'backup' } }));
    expect(again).toMatchObject({ device_id: d.device_id, check_id: d.check_id, client_id: d.client_id });

    const actions = (await audit()).filter((e) => [d.device_id, d.check_id, d.client_id].includes(e.target_id ?? ''));
    expect(actions.map((e) => e.action)).toEqual(expect.arrayContaining(['device.rename', 'check.update', 'client.rename']));
    await app.request('PATCH', `/api/v1/clients/${d.client_id}`, { body: { name: 'Lifecycle Co' } });
  });

  it('answers 409 when the new name is taken, 400 naming the field when blank', async () => {
    const a = await device('CLASH-A');
    const b = await device('CLASH-B');
    expect((await app.request('PATCH', `/api/v1/devices/${b.device_id}`, { body: { name: 'clash-a' } })).status).toBe(409);
    expect((await app.request('PATCH', `/api/v1/clients/${a.client_id}`, { body: { name: 'Default' } })).status).toBe(409);
    const second = await app.request('POST', '/api/v1/checks', { body: { name: 'Second', device_id: a.device_id } });
    expect(second.status).toBe(201);
    expect((await app.request('PATCH', `/api/v1/checks/${second.body.id}`, { body: { name: 'nightly BACKUP' } })).status).toBe(409);
    const blank = await app.request('PATCH', `/api/v1/devices/${a.device_id}`, { body: { name: '   ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.errors.map((e: { field: string }) => e.field)).toContain('name');
  });
});

describe('delete', () => {
  it('deletes a check with its jobs and alerts, and sends nothing about them afterwards', async () => {
    // Nothing listens there: every delivery stays in the channel's log, sent or not.
    const hook = await app.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: 'Lifecycle hook', config: { url: 'http://127.0.0.1:9/hook' } } });
    const deliveries = async () => (await app.request('GET', `/api/v1/channels/${hook.body.id}/deliveries?limit=200`)).body.items.map((x: { alert_id: string | null }) => x.alert_id);
    const d = await device('DOOMED-CHECK', { status: 'failed', message: 'VSS failed' });
    const alerts = await app.alerts(`device=${d.device_id}`);
    expect(alerts.length).toBeGreaterThan(0);

    const res = await app.request('DELETE', `/api/v1/checks/${d.check_id}`);
    expect(res.status, res.text).toBe(204);
    expect((await app.request('GET', `/api/v1/checks/${d.check_id}`)).status).toBe(404);
    expect((await app.request('GET', `/api/v1/alerts/${alerts[0].id}`)).status).toBe(404);
    expect((await app.request('GET', `/api/v1/devices/${d.device_id}/jobs`)).body.items).toEqual([]);
    await app.evaluate();
    await app.kw.notifier.runUntilIdle();
    expect(await deliveries()).not.toContain(alerts[0].id);
    // The channel works: a failure elsewhere is queued for it.
    const alive = await device('ALIVE-CHECK', { status: 'failed' });
    await app.kw.notifier.runUntilIdle();
    const [aliveAlert] = await app.alerts(`device=${alive.device_id}`);
    expect(await deliveries()).toContain(aliveAlert.id);
    expect((await audit()).find((e) => e.target_id === d.check_id)?.action).toBe('check.delete');
  });

  it('deletes a device with its checks, jobs and alerts', async () => {
    const d = await device('DOOMED-DEVICE', { status: 'failed' });
    expect((await app.alerts(`device=${d.device_id}`)).length).toBeGreaterThan(0);
    expect((await app.request('DELETE', `/api/v1/devices/${d.device_id}`)).status).toBe(204);
    expect((await app.request('GET', `/api/v1/devices/${d.device_id}`)).status).toBe(404);
    expect((await app.request('GET', `/api/v1/checks/${d.check_id}`)).status).toBe(404);
    expect(await app.alerts(`device=${d.device_id}`)).toEqual([]);
    // The name is free again: a new job creates a new device.
    const again = await device('DOOMED-DEVICE');
    expect(again.device_id).not.toBe(d.device_id);
    expect((await audit()).find((e) => e.target_id === d.device_id)?.action).toBe('device.delete');
  });

  it('refuses to delete a client that holds devices (409 naming them) unless cascade=true', async () => {
    const [d] = await app.report(job(app.clock.now() - 60_000, { client: 'Gone Soon Ltd', device: { name: 'GS-01' } }));
    const refused = await app.request('DELETE', `/api/v1/clients/${d.client_id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/1 device\(s\) and 1 check\(s\)/);
    expect((await app.request('DELETE', `/api/v1/clients/${d.client_id}?cascade=true`)).status).toBe(204);
    expect((await app.request('GET', `/api/v1/clients/${d.client_id}`)).status).toBe(404);
    expect((await app.request('GET', `/api/v1/devices/${d.device_id}`)).status).toBe(404);
    const entry = (await audit()).find((e) => e.target_id === d.client_id && e.action === 'client.delete');
    expect(JSON.parse(entry!.details!)).toMatchObject({ cascade: true, devices: 1, checks: 1 });
  });

  it('deletes an empty client without cascade', async () => {
    const [d] = await app.report(job(app.clock.now() - 60_000, { client: 'Empty Soon', device: { name: 'ES-01' } }));
    expect((await app.request('DELETE', `/api/v1/devices/${d.device_id}`)).status).toBe(204);
    expect((await app.request('DELETE', `/api/v1/clients/${d.client_id}`)).status).toBe(204);
  });
});

describe('roles and client limits', () => {
  it('lets an operator rename but not delete; hides other clients from a limited admin', async () => {
    const d = await device('GUARDED-01');
    await app.kw.services.users.create(SYSTEM, { email: 'op@example.com', password: 'correct horse battery', role: 'operator', clientIds: null });
    const op = sessionCaller(app);
    expect((await op.signIn('op@example.com', 'correct horse battery')).status).toBe(200);
    expect((await op.request('PATCH', `/api/v1/devices/${d.device_id}`, { name: 'GUARDED-02' })).status).toBe(200);
    expect((await op.request('DELETE', `/api/v1/devices/${d.device_id}`)).status).toBe(403);
    expect((await op.request('DELETE', `/api/v1/checks/${d.check_id}`)).status).toBe(403);
    expect((await op.request('DELETE', `/api/v1/clients/${d.client_id}?cascade=true`)).status).toBe(403);

    const other = await app.request('GET', '/api/v1/clients?q=default');
    const limited = await app.token('admin', { clientIds: [other.body.items[0].id], name: 'limited' });
    expect((await app.request('DELETE', `/api/v1/devices/${d.device_id}`, { token: limited })).status).toBe(404);
    expect((await app.request('PATCH', `/api/v1/devices/${d.device_id}`, { token: limited, body: { name: 'x' } })).status).toBe(404);
    expect((await app.request('DELETE', `/api/v1/clients/${d.client_id}?cascade=true`, { token: limited })).status).toBe(404);
    expect((await app.request('GET', `/api/v1/devices/${d.device_id}`)).status).toBe(200);
  });
});

describe('retire and merge', () => {
  it('retires a device: its open alerts resolve and it raises no more; retired: false brings it back', async () => {
    const d = await device('RETIRE-01', { status: 'failed' });
    expect((await app.alerts(`device=${d.device_id}`)).length).toBeGreaterThan(0);
    const res = await app.request('PATCH', `/api/v1/devices/${d.device_id}`, { body: { retired: true } });
    expect(res.status).toBe(200);
    expect(res.body.retired_manually_at).not.toBeNull();
    await app.evaluate();
    expect((await app.request('GET', `/api/v1/devices/${d.device_id}`)).body.status).toBe('retired');
    expect(await app.alerts(`device=${d.device_id}`)).toEqual([]);
    await app.report(run('RETIRE-01', { status: 'failed' }));
    expect(await app.alerts(`device=${d.device_id}`)).toEqual([]);
    expect((await app.request('GET', `/api/v1/devices/${d.device_id}`)).body.status).toBe('retired');

    const back = await app.request('PATCH', `/api/v1/devices/${d.device_id}`, { body: { retired: false } });
    expect(back.body.retired_manually_at).toBeNull();
    await app.evaluate();
    expect((await app.request('GET', `/api/v1/devices/${d.device_id}`)).body.status).not.toBe('retired');
    expect((await app.alerts(`device=${d.device_id}`)).length).toBeGreaterThan(0);
    const actions = (await audit()).filter((e) => e.target_id === d.device_id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['device.retire', 'device.unretire']));
  });

  it('merges two devices that are one machine: checks (same-named merged) and jobs move, the source goes', async () => {
    const a = await device('MERGE-OLD');
    await app.report(run('MERGE-OLD', { check: { name: 'Cloud copy', kind: 'copy' } }));
    const b = await device('merge-new.example.com');
    const res = await app.request('POST', `/api/v1/devices/${a.device_id}/merge`, { body: { into: b.device_id } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(b.device_id);
    expect(res.body.checks.map((c: { name: string }) => c.name).sort()).toEqual(['Cloud copy', 'Nightly backup']);
    expect((await app.request('GET', `/api/v1/devices/${a.device_id}`)).status).toBe(404);
    const jobs = (await app.request('GET', `/api/v1/devices/${b.device_id}/jobs`)).body.items;
    expect(jobs).toHaveLength(3);
    const nightly = res.body.checks.find((c: { name: string }) => c.name === 'Nightly backup');
    expect(nightly.id).toBe(b.check_id);
    expect(jobs.filter((j: { check_id: string }) => j.check_id === b.check_id)).toHaveLength(2);
    const entry = (await audit()).find((e) => e.target_id === a.device_id && e.action === 'device.merge');
    expect(JSON.parse(entry!.details!)).toMatchObject({ into: b.device_id, merged_checks: ['Nightly backup'], moved_checks: ['Cloud copy'] });
  });

  it('refuses to merge a device into itself or into a device of another client (400 naming into)', async () => {
    const a = await device('MERGE-SELF');
    const [other] = await app.report(job(app.clock.now() - 60_000, { client: 'Elsewhere Inc', device: { name: 'EL-01' } }));
    for (const into of [a.device_id, other.device_id]) {
      const res = await app.request('POST', `/api/v1/devices/${a.device_id}/merge`, { body: { into } });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('into');
    }
  });
});
