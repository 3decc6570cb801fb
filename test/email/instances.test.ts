// Two instances on one database share the stored mail: each message is claimed and processed once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startApp, type TestApp } from '../helpers/app.js';
import { smtpClient } from '../helpers/mail.js';

let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  a = await startApp();
  b = await startApp({ shareDatabaseWith: a });
});
afterAll(async () => {
  await b.close();
  await a.close();
});

describe('several instances', () => {
  it('process each stored message exactly once between them', async () => {
    const check = (await a.request('POST', '/api/v1/checks', { body: { name: 'Shared', device: { name: 'shared-host' } } })).body;
    const clients = [smtpClient({ port: a.kw.smtpPort, pool: true }), smtpClient({ port: b.kw.smtpPort, pool: true })];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        clients[i % 2]!.sendMail({ from: 's@x.example', to: check.email_address, subject: `run ${i}`, text: 'x', messageId: `<shared-${i}@x.example>` }),
      ),
    );
    for (const c of clients) c.close();
    const rows = await eventually(async () => {
      const all = await a.kw.database.db.selectFrom('emails').select(['state', 'attempts']).execute();
      expect(all.length).toBe(200);
      expect(all.every((r) => r.state === 'processed')).toBe(true);
      return all;
    }, 20_000);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(a.kw.email.worker.processed + b.kw.email.worker.processed).toBe(200);
    const jobs = await a.kw.database.db.selectFrom('jobs').select('external_id').where('check_id', '=', check.id).execute();
    expect(jobs.length).toBe(200);
  });
});
