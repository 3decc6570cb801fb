// One cause, one alert: a server whose backup fails and then runs out of its SLA shows the
// strongest alerts only, through the API, as time passes (docs/engine.md, "Inhibition").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type EngineApp, HOUR, job, startEngine } from '../helpers/engine.js';

let app: EngineApp;
beforeAll(async () => {
  app = await startEngine('2026-11-02T06:00:00Z');
});
afterAll(async () => app.close());

const where = (name: string) => ({ client: 'Inhibit Co', device: { name, class: 'server' } });

async function outboxTopics(alertId: string): Promise<string[]> {
  const rows = await app.kw.database.db.selectFrom('outbox').select(['topic']).where('alert_id', '=', alertId).orderBy('id').execute();
  return rows.map((r) => r.topic);
}

const brief = (alerts: any[]) => alerts.map((a) => `${a.type}/${a.severity}`).sort();

describe('inhibition through the API', () => {
  it('shows a failing, overdue server with exactly its strongest alerts, and never a held-back duplicate', async () => {
    const t0 = app.clock.now();
    // A daily backup it learns from five good runs.
    const items = await app.report(...[4, 3, 2, 1, 0].map((d) => job(t0 - d * DAY, where('INH-01'))));
    const deviceId = items[0].device_id;
    const open = async () => app.alerts(`device=${deviceId}`);
    expect(await open()).toEqual([]);

    // Six hours later the backup fails: a warning, the only alert.
    await app.advance(6 * HOUR);
    await app.report(job(app.clock.now(), { ...where('INH-01'), status: 'failed', message: 'VSS snapshot failed' }));
    const [failed] = await open();
    expect(brief([failed])).toEqual(['job_failed/warning']);

    // Past the 12 h SLA the overdue backup says it all: the failure warning is resolved quietly, with the reason.
    await app.advance(7 * HOUR);
    expect(brief(await open())).toEqual(['backup_overdue/critical']);
    const detail = (await app.request('GET', `/api/v1/alerts/${failed.id}`)).body;
    expect(detail).toMatchObject({ state: 'resolved', resolved_by: 'engine' });
    expect(detail.history.at(-1)).toMatchObject({ kind: 'resolved', note: expect.stringMatching(/^inhibited by backup_overdue: INH-01: no good backup/) });
    expect(await outboxTopics(failed.id)).toEqual(['alert.raised']);

    // Past the daily schedule's grace the missed schedule holds too, and is not raised.
    await app.advance(DAY);
    expect(brief(await open())).toEqual(['backup_overdue/critical']);

    // Failing a third time in a row is critical: the cause speaks beside the overdue backup.
    await app.report(job(app.clock.now() - 2 * HOUR, { ...where('INH-01'), status: 'failed' }), job(app.clock.now() - HOUR, { ...where('INH-01'), status: 'failed' }));
    expect(brief(await open())).toEqual(['backup_overdue/critical', 'job_failed/critical']);
    const listed = (await app.request('GET', `/api/v1/alerts?device=${deviceId}&state=open&limit=100`)).body;
    expect(brief(listed.items)).toEqual(['backup_overdue/critical', 'job_failed/critical']);
    expect(listed.total).toBe(2);
    // Every alert the device ever had: the held-back schedule never appears, the warning only as resolved.
    const ever = (await app.request('GET', `/api/v1/alerts?device=${deviceId}&limit=100`)).body.items;
    expect(ever.map((a: any) => `${a.type}/${a.severity}/${a.state}`).sort()).toEqual(['backup_overdue/critical/open', 'job_failed/critical/open', 'job_failed/warning/resolved']);

    // A good backup ends it all.
    await app.report(job(app.clock.now(), where('INH-01')));
    expect(await open()).toEqual([]);
  });

  it('never raises the weaker alerts of a history that arrives at once', async () => {
    const t = app.clock.now();
    const items = await app.report(
      ...[6, 5, 4, 3, 2].map((d) => job(t - d * DAY, where('INH-02'))),
      job(t - DAY, { ...where('INH-02'), status: 'failed' }),
    );
    const all = await app.alerts(`device=${items[0].device_id}&state=open,acknowledged,resolved,dismissed`);
    expect(brief(all)).toEqual(['backup_overdue/critical']);
  });
});
