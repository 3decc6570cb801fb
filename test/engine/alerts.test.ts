import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userPrincipal } from '../../src/domain/access.js';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

const device = (name: string, cls = 'server') => ({ client: 'Alerts Co', device: { name, class: cls } });

async function outboxTopics(alertId: string): Promise<string[]> {
  const rows = await app.kw.database.db.selectFrom('outbox').select(['topic']).where('alert_id', '=', alertId).orderBy('id').execute();
  return rows.map((r) => r.topic);
}

describe('alert lifecycle through the API', () => {
  it('raises job_failed on a failure, escalates on the third in a row, and resolves on a good job', async () => {
    const t = app.clock.now();
    await app.report(job(t - 3 * HOUR, { ...device('FAIL-01'), status: 'failed', message: 'VSS timeout' }));
    const [alert] = (await app.alerts()).filter((a) => a.device_name === 'FAIL-01' && a.type === 'job_failed');
    expect(alert).toMatchObject({ severity: 'warning', state: 'open', scope: 'check', client_name: 'Alerts Co', check_name: 'Nightly backup' });
    expect(alert.detail).toMatchObject({ status: 'failed', message: 'VSS timeout', consecutive_failures: 1 });

    await app.report(job(t - 2 * HOUR, { ...device('FAIL-01'), status: 'failed' }));
    await app.report(job(t - 1 * HOUR, { ...device('FAIL-01'), status: 'partial' }));
    const escalated = (await app.alerts()).filter((a) => a.device_name === 'FAIL-01' && a.type === 'job_failed');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]).toMatchObject({ id: alert.id, severity: 'critical', title: 'Nightly backup: partly failed 3 times in a row' });

    await app.report(job(t, { ...device('FAIL-01'), status: 'succeeded' }));
    expect((await app.alerts()).filter((a) => a.device_name === 'FAIL-01')).toEqual([]);
    const detail = await app.request('GET', `/api/v1/alerts/${alert.id}`);
    expect(detail.body).toMatchObject({ state: 'resolved', resolved_by: 'engine' });
    expect(detail.body.history.map((e: { kind: string }) => e.kind)).toEqual(['raised', 'escalated', 'resolved']);
    expect(await outboxTopics(alert.id)).toEqual(['alert.raised', 'alert.escalated', 'alert.resolved']);
  });

  it('acknowledges with a note and keeps who did it in the history', async () => {
    const t = app.clock.now();
    const [{ device_id }] = await app.report(job(t - HOUR, { ...device('ACK-01'), status: 'failed' }));
    const [alert] = await app.alerts(`device=${device_id}`);
    const res = await app.request('POST', `/api/v1/alerts/${alert.id}/acknowledge`, { body: { note: 'vendor ticket 4411 opened' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'acknowledged', ack_note: 'vendor ticket 4411 opened', acknowledged_by: 'admin token' });
    const history = (await app.request('GET', `/api/v1/alerts/${alert.id}`)).body.history;
    expect(history.at(-1)).toMatchObject({ kind: 'acknowledged', actor_type: 'token', actor_name: 'admin token', note: 'vendor ticket 4411 opened' });
    // An acknowledged alert still escalates and still resolves.
    await app.report(job(t - 30 * 60_000, { ...device('ACK-01'), status: 'failed' }), job(t - 10 * 60_000, { ...device('ACK-01'), status: 'failed' }));
    expect((await app.alerts(`device=${device_id}&type=job_failed`))[0]).toMatchObject({ id: alert.id, state: 'acknowledged', severity: 'critical' });
    expect((await app.request('POST', `/api/v1/alerts/${alert.id}/acknowledge`, { body: {} })).status).toBe(200);
  });

  it('dismissing an alert whose condition persists raises it again after the snooze', async () => {
    const t = app.clock.now();
    // A copy check: a backup failing for a day would be overdue, which inhibits its failure warning.
    const [{ device_id }] = await app.report(job(t - HOUR, { ...device('DISMISS-01'), check: { name: 'Offsite copy', kind: 'copy' }, status: 'failed' }));
    const [alert] = await app.alerts(`device=${device_id}&type=job_failed`);
    const res = await app.request('POST', `/api/v1/alerts/${alert.id}/dismiss`, { body: { note: 'known, fixing tonight' } });
    expect(res.body).toMatchObject({ state: 'dismissed', dismissed_until: new Date(t + 24 * HOUR).toISOString() });
    expect(await app.alerts(`device=${device_id}&type=job_failed`)).toEqual([]);

    await app.advance(23 * HOUR);
    expect(await app.alerts(`device=${device_id}&type=job_failed`)).toEqual([]);
    await app.advance(2 * HOUR);
    const [again] = await app.alerts(`device=${device_id}&type=job_failed`);
    expect(again).toMatchObject({ state: 'open', replaces_id: alert.id, severity: 'warning' });
    expect((await app.request('GET', `/api/v1/alerts/${alert.id}`)).body.state).toBe('dismissed');
  });

  it('resolves a dismissed alert quietly when its condition clears', async () => {
    const t = app.clock.now();
    const [{ device_id }] = await app.report(job(t - HOUR, { ...device('DISMISS-02'), status: 'failed' }));
    const [alert] = await app.alerts(`device=${device_id}&type=job_failed`);
    await app.request('POST', `/api/v1/alerts/${alert.id}/dismiss`);
    await app.report(job(t, { ...device('DISMISS-02'), status: 'succeeded' }));
    expect((await app.request('GET', `/api/v1/alerts/${alert.id}`)).body.state).toBe('resolved');
    expect(await outboxTopics(alert.id)).toEqual(['alert.raised', 'alert.dismissed']);
  });

  it('dismisses a group by device, by type, by client, and all only with admin', async () => {
    const t = app.clock.now();
    const failing = (name: string, client: string) => job(t - HOUR, { client, device: { name }, status: 'failed' });
    const items = await app.report(failing('GRP-A1', 'Group A'), failing('GRP-A2', 'Group A'), failing('GRP-B1', 'Group B'));
    const [a1, , b1] = items;
    const byDevice = await app.request('POST', '/api/v1/alerts/dismiss', { body: { device: a1.device_id } });
    expect(byDevice.body).toEqual({ dismissed: 1 });
    const byClient = await app.request('POST', '/api/v1/alerts/dismiss', { body: { client: b1.client_id, note: 'client offboarding' } });
    expect(byClient.body).toEqual({ dismissed: 1 });
    expect((await app.alerts(`client=${a1.client_id}`)).map((a) => a.device_name)).toEqual(['GRP-A2']);

    const missing = await app.request('POST', '/api/v1/alerts/dismiss', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('all');
    const operator = userPrincipal({ id: 'u1', email: 'op@example.com', role: 'operator', clientIds: null });
    await expect(app.kw.services.alerts.dismissGroup(operator, { all: true })).rejects.toThrow(/needs admin/);
    expect(await app.kw.services.alerts.dismissGroup(operator, { type: 'job_failed', client: a1.client_id })).toBe(1);

    const all = await app.request('POST', '/api/v1/alerts/dismiss', { body: { all: true } });
    expect(all.status).toBe(200);
    expect(await app.alerts('state=open')).toEqual([]);
    const audit = await app.kw.database.db.selectFrom('audit_log').select(['action', 'actor_name']).where('action', '=', 'alert.dismiss_group').execute();
    expect(audit.length).toBeGreaterThanOrEqual(4);
  });

  it('lets a read token list alerts but not act on them, and hides other clients from a limited token', async () => {
    const t = app.clock.now();
    const [mine, theirs] = await app.report(
      job(t - HOUR, { client: 'Mine Inc', device: { name: 'MINE-01' }, status: 'failed' }),
      job(t - HOUR, { client: 'Theirs Inc', device: { name: 'THEIRS-01' }, status: 'failed' }),
    );
    const token = await app.token('read', { clientIds: [mine.client_id] });
    const seen = await app.request('GET', '/api/v1/alerts?limit=500', { token });
    expect(seen.body.items.length).toBeGreaterThan(0);
    expect(seen.body.items.every((a: { client_id: string }) => a.client_id === mine.client_id)).toBe(true);
    const [their] = await app.alerts(`client=${theirs.client_id}`);
    expect((await app.request('GET', `/api/v1/alerts/${their.id}`, { token })).status).toBe(404);
    expect((await app.request('POST', `/api/v1/alerts/${their.id}/acknowledge`, { token })).status).toBe(403);
  });
});

describe('jobs that never alert', () => {
  it('ignores a job cancelled by a user and one skipped because another run was in progress', async () => {
    const t = app.clock.now();
    const [{ device_id }] = await app.report(
      job(t - 2 * HOUR, { ...device('QUIET-01'), status: 'succeeded' }),
      job(t - HOUR, { ...device('QUIET-01'), status: 'cancelled', reason: 'cancelled_by_user' }),
      job(t - 30 * 60_000, { ...device('QUIET-01'), status: 'skipped', reason: 'concurrent_job' }),
    );
    expect(await app.alerts(`device=${device_id}`)).toEqual([]);
    const jobs = await app.request('GET', `/api/v1/devices/${device_id}/jobs`);
    expect(jobs.body.items.map((j: { status: string }) => j.status)).toEqual(['skipped', 'cancelled', 'succeeded']);
  });

  it('retires a device whose resource no longer exists, and raises nothing for it', async () => {
    const t = app.clock.now();
    const [{ device_id }] = await app.report(job(t - DAY, { ...device('GONE-01'), status: 'failed' }), job(t - HOUR, { ...device('GONE-01'), status: 'failed', reason: 'source_deleted', message: 'VM not found' }));
    expect(await app.alerts(`device=${device_id}`)).toEqual([]);
    const d = await app.request('GET', `/api/v1/devices/${device_id}`);
    expect(d.body).toMatchObject({ status: 'retired', retired_at: new Date(t - HOUR).toISOString() });
    await app.advance(3 * DAY);
    expect(await app.alerts(`device=${device_id}`)).toEqual([]);
  });
});

describe('destructive operations', () => {
  it('raises a critical alert that only acknowledging ends, and raises again only for a newer operation', async () => {
    const t = app.clock.now();
    const destructive = (at: number) => job(at, { ...device('DESTRUCT-01'), check: null, operation: 'delete_backup_data', trigger: 'manual', message: 'deleted by admin' });
    const [{ device_id }] = await app.report(destructive(t - HOUR));
    let [alert] = await app.alerts(`device=${device_id}&type=destructive_operation`);
    expect(alert).toMatchObject({ severity: 'critical', scope: 'device', check_id: null });
    await app.advance(2 * DAY);
    expect((await app.alerts(`device=${device_id}&type=destructive_operation`))[0].id).toBe(alert.id);

    const acked = await app.request('POST', `/api/v1/alerts/${alert.id}/acknowledge`, { body: { note: 'planned clean-up' } });
    expect(acked.body).toMatchObject({ state: 'resolved', ack_note: 'planned clean-up' });
    await app.advance(HOUR);
    expect(await app.alerts(`device=${device_id}&type=destructive_operation`)).toEqual([]);

    await app.report(destructive(app.clock.now()));
    [alert] = await app.alerts(`device=${device_id}&type=destructive_operation`);
    expect(alert.state).toBe('open');
  });
});

describe('deadline-driven evaluation', () => {
  it('alerts an overdue server with no new job: missed_schedule, then backup_overdue past the SLA', async () => {
    const t = app.clock.now();
    const [{ device_id, check_id }] = await app.report(job(t, { ...device('LATE-01'), status: 'succeeded' }));
    await app.request('PATCH', `/api/v1/checks/${check_id}`, { body: { schedule: { type: 'interval', interval_seconds: 6 * 3600 } } });
    await app.evaluate();
    expect((await app.request('GET', `/api/v1/checks/${check_id}`)).body).toMatchObject({ state: 'up', next_due_at: new Date(t + 6 * HOUR).toISOString() });

    await app.advance(7 * HOUR);
    expect((await app.request('GET', `/api/v1/checks/${check_id}`)).body.state).toBe('late');
    await app.advance(2 * HOUR + 1);
    expect((await app.request('GET', `/api/v1/checks/${check_id}`)).body.state).toBe('overdue');
    expect((await app.alerts(`device=${device_id}`)).map((a) => a.type)).toEqual(['missed_schedule']);
    await app.advance(3 * HOUR);
    // The missed schedule still holds, but the overdue backup says it (inhibition): it is resolved quietly.
    expect((await app.alerts(`device=${device_id}`)).map((a) => a.type).sort()).toEqual(['backup_overdue']);
    const d = await app.request('GET', `/api/v1/devices/${device_id}`);
    expect(d.body.status).toBe('warning');
    expect(d.body.score).toBeLessThanOrEqual(89);
  });
});
