// The lookups that route a message: recipient addresses to checks and clients, and the checks
// that carry e-mail matching rules.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface RuleCheckRow {
  id: string;
  device_id: string;
  client_id: string;
  name: string;
  kind: string;
  paused: number;
  email_rules: string | null;
}

export interface CheckTargetRow extends RuleCheckRow {}

export class MailRoutingRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private checkColumns = ['id', 'device_id', 'client_id', 'name', 'kind', 'paused', 'email_rules'] as const;

  async checkByPingKey(key: string): Promise<CheckTargetRow | undefined> {
    return this.db.selectFrom('checks').select(this.checkColumns).where('ping_key', '=', key).executeTakeFirst();
  }

  async clientByInboundKey(key: string): Promise<{ id: string; name: string } | undefined> {
    return this.db.selectFrom('clients').select(['id', 'name']).where('inbound_key', '=', key).executeTakeFirst();
  }

  async clientInboundKey(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('clients').select('inbound_key').where('id', '=', id).executeTakeFirst();
    return row?.inbound_key;
  }

  /** Every check that has e-mail rules: matching runs against all of them. */
  async checksWithRules(): Promise<RuleCheckRow[]> {
    return this.db.selectFrom('checks').select(this.checkColumns).where('email_rules', 'is not', null).execute();
  }
}
