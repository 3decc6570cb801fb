// Two instances on one PostgreSQL, each evaluating what the other changed: a settings change or
// an integration's failure made on one instance is what the other evaluates with at once, not
// what it cached before (the change queues the devices, and whoever takes them must see it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { TEST_DIALECT } from '../helpers/db.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let a: EngineApp;
let b: TestApp;

beforeAll(async () => {
  if (TEST_DIALECT !== 'postgres') return;
  a = await startEngine('2026-11-02T06:00:00Z');
  b = await startApp({ clock: a.clock, env: { KEEPWATCH_WORKERS: 'false' }, shareDatabaseWith: a });
});
afterAll(async () => {
  if (TEST_DIALECT !== 'postgres') return;
  await b.close();
  await a.close();
});

const evaluateOnB = () => b.kw.evaluator.runUntilIdle();

describe.skipIf(TEST_DIALECT !== 'postgres')('instances evaluate with what another instance just changed (PostgreSQL: several instances)', () => {
  it('raises with the severity set through another instance a moment ago', async () => {
    const t = a.clock.now();
    await a.request('POST', '/api/v1/jobs', { body: job(t - HOUR, { client: 'Fresh Co', device: { name: 'FRESH-1' }, status: 'warning' }) });
    await evaluateOnB();
    expect((await a.alerts('type=job_warning')).map((x) => x.severity)).toEqual(['warning']);

    // Same instant: any cache b keeps is still warm.
    expect((await a.request('PUT', '/api/v1/settings', { body: { severities: { job_warning: 'critical' } } })).status).toBe(200);
    await evaluateOnB();
    expect((await a.alerts('type=job_warning')).map((x) => x.severity)).toEqual(['critical']);
    await a.request('PUT', '/api/v1/settings', { body: {} });
    await evaluateOnB();
  });

  it('holds back schedule alerts for an integration that failed through another instance a moment ago', async () => {
    const azure = { id: 'int-fresh', name: 'Azure (fresh)', type: 'azure', source: 'azure-fresh' };
    const t = a.clock.now();
    await a.request('POST', '/api/v1/jobs', { body: job(t - HOUR, { source: 'azure-fresh', client: 'Fresh Co', device: { name: 'AZ-FRESH-1' } }) });
    const [other] = (await a.request('POST', '/api/v1/jobs', { body: job(t - HOUR, { client: 'Fresh Co', device: { name: 'ON-PREM-FRESH' } }) })).body.items;
    await a.kw.services.integrations.report(azure, { ok: true });
    await evaluateOnB();

    // Past the 12 h SLA. b evaluates something (so any cache it keeps is warm), then the
    // integration fails through a, which queues its devices; b takes them at the same instant.
    a.clock.advance(13 * HOUR);
    await b.kw.services.evaluation.evaluateDevice(other.device_id);
    await a.kw.services.integrations.report(azure, { ok: false, kind: 'auth', error: 'AADSTS7000215: Invalid client secret provided.' });
    await evaluateOnB();
    const overdue = (await a.alerts('type=backup_overdue')).map((x) => x.device_name);
    expect(overdue).toContain('ON-PREM-FRESH');
    expect(overdue).not.toContain('AZ-FRESH-1');
  });
});
