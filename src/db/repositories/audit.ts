import type { Kysely } from 'kysely';
import type { DB, NewAuditEntry } from '../schema.js';

export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async append(entry: NewAuditEntry, tx: Kysely<DB> = this.db): Promise<void> {
    await tx.insertInto('audit_log').values(entry).execute();
  }

  async list(options: { targetType?: string; targetId?: string; limit: number }) {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
    if (options.targetType) q = q.where('target_type', '=', options.targetType);
    if (options.targetId) q = q.where('target_id', '=', options.targetId);
    return q.execute();
  }
}
