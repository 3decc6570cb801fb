// Two instances on one database, both running their notification loops: the work is shared
// (leases on outbox rows and on channels) and every notification is sent exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, jobReport, startApp, type TestApp } from '../helpers/app.js';
import { type HttpReceiver, startHttpReceiver } from '../helpers/receivers.js';

let a: TestApp;
let b: TestApp;
let rx: HttpReceiver;

beforeAll(async () => {
  rx = await startHttpReceiver();
  a = await startApp();
  b = await startApp({ shareDatabaseWith: a });
});
afterAll(async () => {
  await b.close();
  await a.close();
  await rx.close();
});

describe('several instances on one database', () => {
  it("with both instances' loops running, send every notification exactly once", async () => {
    for (let i = 0; i < 4; i++) {
      const res = await a.request('POST', '/api/v1/channels', { body: { type: 'webhook', name: `Hook ${i}`, config: { url: `${rx.url}/hook/${i}` } } });
      expect(res.status).toBe(201);
    }
    const now = Date.now();
    const jobs = (n: number, offset: number) =>
      Array.from({ length: n }, (_, k) =>
        jobReport({
          status: 'failed',
          device: { name: `MULTI-${offset + k}` },
          started_at: new Date(now - 60_000).toISOString(),
          ended_at: new Date(now).toISOString(),
        }),
      );
    // Half the jobs through each instance.
    expect((await a.request('POST', '/api/v1/jobs', { body: { jobs: jobs(20, 0) } })).status).toBe(202);
    expect((await b.request('POST', '/api/v1/jobs', { body: { jobs: jobs(20, 20) } })).status).toBe(202);
    await eventually(async () => expect(rx.accepted.length).toBeGreaterThanOrEqual(160), 20_000);
    // Nothing more arrives: no double sends.
    await new Promise((r) => setTimeout(r, 1500));
    expect(rx.accepted).toHaveLength(160);
    const keys = rx.accepted.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(160);
    for (let i = 0; i < 4; i++) {
      const devices = rx.accepted.filter((r) => r.path === `/hook/${i}`).map((r) => r.body.alert.device_name);
      expect(new Set(devices).size).toBe(40);
    }
  });
});
