import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.js';
import { run, statement } from '../raw.js';
import type { ApiTokenRow, DB } from '../schema.js';

export class TokenRepository {
  private readonly addUsage;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    this.addUsage = statement(
      dialect,
      `INSERT INTO api_token_usage (token_id, day, count) VALUES (?, ?, ?)
       ON CONFLICT (token_id, day) DO UPDATE SET count = api_token_usage.count + excluded.count
       RETURNING count`,
    );
  }

  async insert(row: ApiTokenRow): Promise<void> {
    await this.db.insertInto('api_tokens').values(row).execute();
  }

  async byHash(hash: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  async byIdOrPrefix(idOrPrefix: string): Promise<ApiTokenRow[]> {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('prefix', '=', idOrPrefix), eb('name', '=', idOrPrefix)]))
      .execute();
  }

  async list(): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Adds `delta` calls to the token's count for `day`; answers the new total. */
  async addCalls(tokenId: string, day: string, delta: number): Promise<number> {
    const rows = await run<{ count: number }>(this.db, this.addUsage, [tokenId, day, delta]);
    return Number(rows[0]!.count);
  }

  async callsOn(tokenId: string, day: string): Promise<number> {
    const row = await this.db
      .selectFrom('api_token_usage')
      .select('count')
      .where('token_id', '=', tokenId)
      .where('day', '=', day)
      .executeTakeFirst();
    return row ? Number(row.count) : 0;
  }

  async touch(tokenId: string, at: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', tokenId).execute();
  }
}
