// The figures /metrics reads at scrape time; each is an index scan or a seek.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export class MetricsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async devicesByStatus(byClient: boolean): Promise<Array<{ status: string; client: string | null; n: number }>> {
    if (!byClient) {
      const rows = await this.db.selectFrom('devices').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      return rows.map((r) => ({ status: r.status, client: null, n: Number(r.n) }));
    }
    const rows = await this.db
      .selectFrom('devices')
      .innerJoin('clients', 'clients.id', 'devices.client_id')
      .select(['devices.status', 'clients.name as client', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['devices.status', 'clients.name'])
      .execute();
    return rows.map((r) => ({ status: r.status, client: r.client, n: Number(r.n) }));
  }

  async openAlerts(byClient: boolean): Promise<Array<{ type: string; severity: string; client: string | null; n: number }>> {
    let q = this.db
      .selectFrom('alerts')
      .leftJoin('clients', 'clients.id', 'alerts.client_id')
      .select(['alerts.type', 'alerts.severity', (eb) => eb.fn.countAll<number>().as('n')])
      .where('alerts.active', '=', 1)
      .where('alerts.state', 'in', ['open', 'acknowledged'])
      .groupBy(['alerts.type', 'alerts.severity']);
    if (byClient) q = q.select('clients.name as client').groupBy('clients.name');
    const rows = (await q.execute()) as Array<{ type: string; severity: string; client?: string | null; n: number }>;
    return rows.map((r) => ({ type: r.type, severity: r.severity, client: r.client ?? null, n: Number(r.n) }));
  }

  /** The oldest moment an evaluation became due and has not been done: a queued device or a passed deadline. */
  async oldestDue(now: number): Promise<number | null> {
    const q = await this.db.selectFrom('eval_queue').select((eb) => eb.fn.min('queued_at').as('t')).executeTakeFirst();
    const d = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.min('next_eval_at').as('t'))
      .where('next_eval_at', '<=', now)
      .executeTakeFirst();
    const times = [q?.t, d?.t].filter((t) => t !== null && t !== undefined).map(Number);
    return times.length === 0 ? null : Math.min(...times);
  }
}
