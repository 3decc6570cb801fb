import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

const azure = { id: 'int-azure-1', name: 'Azure (Contoso subscription)', type: 'azure', source: 'azure-contoso' };

describe('integration health and inhibition', () => {
  it('raises integration_auth while credentials are rejected, holding back the schedule alerts it causes', async () => {
    const t = app.clock.now();
    const fed = (name: string, status = 'succeeded') => job(t, { source: 'azure-contoso', client: 'Contoso', device: { name }, status });
    const items = await app.report(fed('AZ-VM-1'), fed('AZ-VM-2'), job(t, { source: 'other', client: 'Contoso', device: { name: 'ON-PREM-1' } }));
    await app.kw.services.integrations.report(azure, { ok: true });
    expect(await app.alerts('type=integration_auth')).toEqual([]);

    await app.advance(HOUR);
    await app.kw.services.integrations.report(azure, { ok: false, kind: 'auth', error: 'AADSTS7000215: Invalid client secret provided.' });
    const [auth] = await app.alerts('type=integration_auth');
    expect(auth).toMatchObject({ severity: 'critical', scope: 'integration', integration_id: azure.id, client_id: null });
    expect(auth.detail).toMatchObject({ error: 'AADSTS7000215: Invalid client secret provided.', source: 'azure-contoso' });

    // Past the 12 h server SLA: the Azure-fed devices wait on the integration; the other alerts.
    await app.advance(13 * HOUR);
    const overdue = (await app.alerts('type=backup_overdue')).map((a) => a.device_name).sort();
    expect(overdue).toEqual(['ON-PREM-1']);
    // A failed job is the device's own problem, not the integration's: it is not held back.
    await app.report(job(app.clock.now(), { source: 'azure-contoso', client: 'Contoso', device: { name: 'AZ-VM-1' }, status: 'failed' }));
    expect((await app.alerts(`device=${items[0]!.device_id}`)).map((a) => a.type)).toEqual(['job_failed']);

    // The integration alert counts the devices waiting on it once it is evaluated again.
    await app.kw.services.integrations.report(azure, { ok: false, kind: 'auth', error: 'AADSTS7000215: Invalid client secret provided.' });
    const [again] = await app.alerts('type=integration_auth');
    expect(again.id).toBe(auth.id);
    expect(again.detail.devices_held_back).toBe(2);
    expect(again.title).toContain('(2 devices waiting)');

    // Recovery: the alert resolves, and the held-back schedule alerts are raised at once.
    await app.kw.services.integrations.report(azure, { ok: true });
    await app.evaluate();
    expect(await app.alerts('type=integration_auth')).toEqual([]);
    expect((await app.alerts('type=backup_overdue')).map((a) => a.device_name).sort()).toEqual(['AZ-VM-1', 'AZ-VM-2', 'ON-PREM-1']);
    const list = await app.request('GET', '/api/v1/integrations');
    expect(list.body.items[0]).toMatchObject({ id: azure.id, healthy: true, auth_error: null });
  });

  it('raises integration_quota while throttling blocks syncs, and resolves it on the next good sync', async () => {
    const q = { ...azure, id: 'int-q', source: 'azure-quota' };
    await app.kw.services.integrations.report(q, { ok: false, kind: 'quota', error: 'HTTP 429 for 45 minutes' });
    expect((await app.alerts('type=integration_quota'))[0]).toMatchObject({ severity: 'warning', integration_id: 'int-q' });
    await app.kw.services.integrations.report(q, { ok: true });
    expect(await app.alerts('type=integration_quota')).toEqual([]);
  });
});
