// With the real clock and the background evaluator running, as in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobReport, startApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app.close());

describe('evaluation in real time', () => {
  it('reflects a failed job in the alerts within 2 seconds of its acknowledgement', async () => {
    const now = Date.now();
    const res = await app.request('POST', '/api/v1/jobs', {
      token: await app.token('ingest'),
      body: jobReport({ device: { name: 'RT-01' }, status: 'failed', started_at: new Date(now - 60_000).toISOString(), ended_at: new Date(now).toISOString() }),
    });
    const acknowledgedAt = Date.now();
    expect(res.status).toBe(202);
    const deviceId = res.body.items[0].device_id;
    let alerts: Array<{ type: string }> = [];
    while (Date.now() - acknowledgedAt < 2000) {
      alerts = (await app.request('GET', `/api/v1/alerts?device=${deviceId}&state=open`)).body.items;
      if (alerts.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(alerts.map((a) => a.type)).toEqual(['job_failed']);
    expect(Date.now() - acknowledgedAt).toBeLessThan(2000);
    const device = await app.request('GET', `/api/v1/devices/${deviceId}`);
    expect(device.body.status).not.toBe('unknown');
  });
});
