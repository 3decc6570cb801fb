// A PSA ticket about one run, from the daily review (POST /api/v1/jobs/<id>/ticket, the console's
// `t` key), against the local ConnectWise and Autotask stand-ins (test/helpers/fake-psa.ts): which
// channel, which company, what the ticket says, one ticket per run, and who may ask.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/domain/access.js';
import { sessionCaller } from '../helpers/browser-session.js';
import { type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';
import { AT_CREDENTIALS, CW_CREDENTIALS, type FakePsa, startFakePsa } from '../helpers/fake-psa.js';

let app: EngineApp;
let psa: FakePsa;
let failed: any;
let warned: any;
let northwind: any;

beforeAll(async () => {
  psa = await startFakePsa();
  app = await startEngine('2026-11-10T12:00:00Z');
  const t = app.clock.now() - 2 * HOUR;
  [failed, warned, northwind] = await app.report(
    job(t, { client: 'Contoso Ltd', device: { name: 'CT-SQL01' }, check: { name: 'SQL full backup', kind: 'backup' }, status: 'failed', message: 'VSS snapshot failed', error_code: '0x80042306' }),
    job(t, { client: 'Contoso Ltd', device: { name: 'CT-FS01' }, check: { name: 'Files', kind: 'backup' }, status: 'warning', message: '3 files skipped' }),
    job(t, { client: 'Northwind', device: { name: 'NW-01' }, status: 'failed' }),
  );
});
afterAll(async () => {
  await app.close();
  await psa.close();
});

const ticket = (id: string, body: Record<string, unknown> = {}, token?: string) => app.request('POST', `/api/v1/jobs/${id}/ticket`, { body, ...(token && { token }) });

async function channel(type: string, config: Record<string, unknown>): Promise<any> {
  const res = await app.request('POST', '/api/v1/channels', { body: { type, name: `${type} desk`, config } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

describe('a ticket for a run', () => {
  let cw: any;
  it('answers 400 naming channel_id while no PSA channel is set up', async () => {
    const res = await ticket(failed.id);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'channel_id', message: expect.stringContaining('no PSA channel') }]);
  });

  it('opens a ConnectWise ticket about the run in the client’s company, and answers its id', async () => {
    cw = await channel('connectwise', { site_url: psa.cwUrl, ...CW_CREDENTIALS, board_id: 41, priorities: { high: 7, medium: 8 }, companies: { [failed.client_id]: 19298 } });
    const res = await ticket(failed.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [made] = psa.ticketsOf('cw');
    expect(res.body).toEqual({ ticket: String(made!.id), channel_id: cw.id, created: true });
    expect(made).toMatchObject({ companyId: 19298, boardId: 41, priorityId: 7 });
    expect(made!.summary).toBe(`Backup failure: CT-SQL01 — SQL full backup (failed) [kw:${failed.id}]`);
    expect(made!.summary.length).toBeLessThanOrEqual(100);
    for (const line of ['Client: Contoso Ltd', 'Device: CT-SQL01', 'Check: SQL full backup', 'Status: failed', 'Message: VSS snapshot failed', 'Error code: 0x80042306', `/devices/${failed.device_id}`]) {
      expect(made!.description).toContain(line);
    }
  });

  it('answers the ticket already open for the run instead of making a second one', async () => {
    const res = await ticket(failed.id);
    expect(res.body).toMatchObject({ ticket: String(psa.ticketsOf('cw')[0]!.id), created: false });
    expect(psa.ticketsOf('cw')).toHaveLength(1);
    // A warning is a ticket of its own, at medium priority.
    const w = await ticket(warned.id, { channel_id: cw.id });
    expect(w.body.created).toBe(true);
    expect(psa.ticketsOf('cw')[1]).toMatchObject({ priorityId: 8, summary: `Backup warning: CT-FS01 — Files (warning) [kw:${warned.id}]` });
  });

  it('needs channel_id once there are two PSA channels, and refuses a client the channel has no company for', async () => {
    const at = await channel('autotask', { ...AT_CREDENTIALS, zone_lookup_url: psa.atLookupUrl, queue_id: 8 });
    const two = await ticket(failed.id);
    expect(two.status).toBe(400);
    expect(two.body.errors[0]).toMatchObject({ field: 'channel_id', message: expect.stringContaining('2 PSA channels') });
    const unmapped = await ticket(failed.id, { channel_id: at.id });
    expect(unmapped.status).toBe(400);
    expect(unmapped.body.errors[0]).toMatchObject({ field: 'channel_id', message: expect.stringContaining('Contoso Ltd') });
    const unknown = await ticket(failed.id, { channel_id: 'no-such-channel' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('channel_id');
    expect(psa.ticketsOf('at')).toHaveLength(0);
  });

  it('puts the ticket in the review, as the console does', async () => {
    const ref = (await ticket(failed.id, { channel_id: cw.id })).body.ticket;
    const res = await app.request('POST', `/api/v1/jobs/${failed.id}/review`, { body: { ticket: ref, note: 'ticket opened' } });
    expect(res.body.review).toMatchObject({ ticket: ref, note: 'ticket opened' });
  });

  it('keeps to roles and client limits: 403 for a viewer, 404 for a run of another client', async () => {
    await app.kw.services.users.create(SYSTEM, { email: 'viewer@ticket.example', password: 'viewer password 1', role: 'viewer' });
    const viewer = sessionCaller(app);
    await viewer.signIn('viewer@ticket.example', 'viewer password 1');
    expect((await viewer.request('POST', `/api/v1/jobs/${failed.id}/ticket`, { channel_id: cw.id })).status).toBe(403);
    const limited = await app.token('admin', { clientIds: [northwind.client_id] });
    expect((await ticket(failed.id, { channel_id: cw.id }, limited)).status).toBe(404);
    expect(psa.ticketsOf('cw')).toHaveLength(2);
  });
});
