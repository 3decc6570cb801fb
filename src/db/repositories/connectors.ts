// Connectors, their sync runs, and the claim that lets one instance at a time sync a connector:
// a conditional update that succeeds only while nobody holds an unexpired lease, renewed while
// the sync runs and released (with the new cursor) only by the run that holds it.
import type { Kysely } from 'kysely';
import type { ConnectorRow, ConnectorRunRow, DB } from '../schema.js';

export type ConnectorChanges = Partial<Omit<ConnectorRow, 'id' | 'type' | 'source' | 'created_at'>>;

const IN_LIST = 500;

export class ConnectorRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: ConnectorRow): Promise<void> {
    await this.db.insertInto('connectors').values(row).execute();
  }

  async byId(id: string): Promise<ConnectorRow | undefined> {
    return this.db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byNameKey(key: string): Promise<ConnectorRow | undefined> {
    return this.db.selectFrom('connectors').selectAll().where('name_key', '=', key).executeTakeFirst();
  }

  async list(after: readonly [string, string] | null, limit: number): Promise<ConnectorRow[]> {
    let q = this.db.selectFrom('connectors').selectAll().orderBy('name_key').orderBy('id').limit(limit + 1);
    if (after) q = q.where((eb) => eb.or([eb('name_key', '>', after[0]), eb.and([eb('name_key', '=', after[0]), eb('id', '>', after[1])])]));
    return q.execute();
  }

  async update(id: string, changes: ConnectorChanges): Promise<void> {
    await this.db.updateTable('connectors').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('connectors').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  /** Connectors due now and not held by a live lease, soonest first. */
  async due(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('connectors')
      .select('id')
      .where('enabled', '=', 1)
      .where('next_run_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_run_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Takes the connector for `runId` unless someone holds a live lease; answers the row if taken. */
  async claim(id: string, runId: string, now: number, leaseMs: number): Promise<ConnectorRow | null> {
    const r = await this.db
      .updateTable('connectors')
      .set({ claimed_until: now + leaseMs, claimed_by: runId })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    return (await this.byId(id)) ?? null;
  }

  /** Extends the lease; false when the run no longer holds it. */
  async renew(id: string, runId: string, until: number): Promise<boolean> {
    const r = await this.db.updateTable('connectors').set({ claimed_until: until }).where('id', '=', id).where('claimed_by', '=', runId).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Releases the claim with the run's results; false (nothing written) when the run lost it. */
  async release(id: string, runId: string, changes: ConnectorChanges): Promise<boolean> {
    const r = await this.db
      .updateTable('connectors')
      .set({ ...changes, claimed_until: null, claimed_by: null })
      .where('id', '=', id)
      .where('claimed_by', '=', runId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertRun(row: ConnectorRunRow): Promise<void> {
    await this.db.insertInto('connector_runs').values(row).execute();
  }

  async finishRun(id: string, changes: Partial<Omit<ConnectorRunRow, 'id' | 'connector_id'>>): Promise<void> {
    await this.db.updateTable('connector_runs').set(changes).where('id', '=', id).execute();
  }

  async runById(id: string): Promise<ConnectorRunRow | undefined> {
    return this.db.selectFrom('connector_runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Runs a dead instance left `running`: they will never finish. */
  async abandonRuns(connectorId: string, now: number): Promise<void> {
    await this.db
      .updateTable('connector_runs')
      .set({ status: 'abandoned', finished_at: now, error: 'the instance running this sync stopped before it finished' })
      .where('connector_id', '=', connectorId)
      .where('status', '=', 'running')
      .execute();
  }

  /** Newest first. */
  async runs(connectorId: string, before: string | null, limit: number): Promise<ConnectorRunRow[]> {
    let q = this.db.selectFrom('connector_runs').selectAll().where('connector_id', '=', connectorId).orderBy('id', 'desc').limit(limit + 1);
    if (before !== null) q = q.where('id', '<', before);
    return q.execute();
  }

  /** What is stored for these external ids of a source (for skipping unchanged re-reads). */
  async knownJobs(source: string, externalIds: string[]): Promise<Map<string, { rawStatus: string; hasBytes: boolean }>> {
    const out = new Map<string, { rawStatus: string; hasBytes: boolean }>();
    for (let i = 0; i < externalIds.length; i += IN_LIST) {
      const part = externalIds.slice(i, i + IN_LIST);
      const rows = await this.db
        .selectFrom('jobs')
        .select(['external_id', 'raw_status', 'bytes'])
        .where('source', '=', source)
        .where('external_id', 'in', part)
        .execute();
      for (const r of rows) out.set(r.external_id, { rawStatus: r.raw_status, hasBytes: r.bytes !== null });
    }
    return out;
  }
}
