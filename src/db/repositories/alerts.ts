import { type Kysely, sql } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { Dialect } from '../connection.js';
import { run, statement } from '../raw.js';
import type { AlertEventRow, AlertRow, DB } from '../schema.js';
import { contains } from './like.js';
import { checkOrDeviceHasTags } from './tags.js';

type Tx = Kysely<DB>;

export interface AlertFilter {
  clientIds: readonly string[] | null;
  states?: string[];
  client?: string;
  device?: string;
  check?: string;
  type?: string;
  severity?: string;
  /** Normalised tags; each must be on the alert's device or on its check. */
  tags?: readonly string[];
  /** Lower-case, whitespace-collapsed text found in the title or the client, device or check name. */
  search?: string;
}

export type AlertListRow = AlertRow & { client_name: string | null; device_name: string | null; check_name: string | null };

export class AlertRepository {
  private readonly activeOfDevice;

  constructor(
    private readonly db: Kysely<DB>,
    dialect: Dialect,
  ) {
    // Read by every evaluation.
    this.activeOfDevice = statement(dialect, 'SELECT * FROM alerts WHERE device_id = ? AND active = 1');
  }

  private filtered(f: AlertFilter) {
    let q = this.db
      .selectFrom('alerts')
      .leftJoin('clients', 'clients.id', 'alerts.client_id')
      .leftJoin('devices', 'devices.id', 'alerts.device_id')
      .leftJoin('checks', 'checks.id', 'alerts.check_id')
      .selectAll('alerts')
      .select(['clients.name as client_name', 'devices.name as device_name', 'checks.name as check_name']);
    if (f.clientIds !== null) q = q.where('alerts.client_id', 'in', f.clientIds.length ? [...f.clientIds] : ['']);
    if (f.states && f.states.length > 0) q = q.where('alerts.state', 'in', f.states);
    if (f.client) q = q.where('alerts.client_id', '=', f.client);
    if (f.device) q = q.where('alerts.device_id', '=', f.device);
    if (f.check) q = q.where('alerts.check_id', '=', f.check);
    if (f.type) q = q.where('alerts.type', '=', f.type);
    if (f.severity) q = q.where('alerts.severity', '=', f.severity);
    if (f.tags?.length) q = q.where(checkOrDeviceHasTags('alerts.check_id', 'alerts.device_id', f.tags));
    const text = f.search;
    if (text) {
      q = q.where((eb) =>
        eb.or([
          contains(sql`lower(${sql.ref('alerts.title')})`, text),
          contains('clients.name_key', text),
          contains('devices.name_key', text),
          contains('checks.name_key', text),
        ]),
      );
    }
    return q;
  }

  /** How many alerts the filter matches, all pages together (the Open tab's count and the nav badge). */
  async count(f: AlertFilter): Promise<number> {
    const row = await this.filtered(f)
      .clearSelect()
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The alerts of these ids that exist, with their names (any order); 500 ids a statement, within every driver's limit on parameters. */
  async byIds(ids: readonly string[]): Promise<AlertListRow[]> {
    const rows: AlertListRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(...((await this.filtered({ clientIds: null }).where('alerts.id', 'in', ids.slice(i, i + 500)).execute()) as AlertListRow[]));
    }
    return rows;
  }

  /** Newest first. */
  async list(f: AlertFilter, after: CursorKey | null, limit: number): Promise<AlertListRow[]> {
    let q = this.filtered(f).orderBy('alerts.id', 'desc').limit(limit + 1);
    if (after) q = q.where('alerts.id', '<', after[0] as string);
    return q.execute() as Promise<AlertListRow[]>;
  }

  async byId(id: string): Promise<AlertListRow | undefined> {
    return this.filtered({ clientIds: null }).where('alerts.id', '=', id).executeTakeFirst() as Promise<AlertListRow | undefined>;
  }

  async events(alertId: string): Promise<AlertEventRow[]> {
    return this.db.selectFrom('alert_events').selectAll().where('alert_id', '=', alertId).orderBy('id').execute();
  }

  async activeForDevice(tx: Tx, deviceId: string): Promise<AlertRow[]> {
    return run<AlertRow>(tx, this.activeOfDevice, [deviceId]);
  }

  async activeForIntegration(tx: Tx, integrationId: string): Promise<AlertRow[]> {
    return tx.selectFrom('alerts').selectAll().where('integration_id', '=', integrationId).where('active', '=', 1).execute();
  }

  /** Alerts a group dismissal applies to: open or acknowledged, matching the filter. */
  async dismissable(tx: Tx, f: AlertFilter): Promise<AlertRow[]> {
    let q = tx.selectFrom('alerts').selectAll().where('active', '=', 1).where('state', 'in', ['open', 'acknowledged']);
    if (f.clientIds !== null) q = q.where('client_id', 'in', f.clientIds.length ? [...f.clientIds] : ['']);
    if (f.client) q = q.where('client_id', '=', f.client);
    if (f.device) q = q.where('device_id', '=', f.device);
    if (f.type) q = q.where('type', '=', f.type);
    return q.execute();
  }

  async insert(tx: Tx, row: AlertRow): Promise<void> {
    await tx.insertInto('alerts').values(row).execute();
  }

  async update(tx: Tx, id: string, cols: Partial<AlertRow>): Promise<void> {
    await tx.updateTable('alerts').set(cols).where('id', '=', id).execute();
  }

  async addEvent(tx: Tx, row: AlertEventRow): Promise<void> {
    await tx.insertInto('alert_events').values(row).execute();
  }

  async addOutbox(tx: Tx, row: { id: string; topic: string; alert_id: string | null; payload: string; created_at: number }): Promise<void> {
    await tx.insertInto('outbox').values({ ...row, claimed_until: null, processed_at: null }).execute();
  }

  async lockForUpdate(tx: Tx, id: string, dialect: 'sqlite' | 'postgres'): Promise<AlertRow | undefined> {
    let q = tx.selectFrom('alerts').selectAll().where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async counts(clientIds: readonly string[] | null): Promise<Array<{ client_id: string | null; severity: string; n: number }>> {
    let q = this.db
      .selectFrom('alerts')
      .select(['client_id', 'severity', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['open', 'acknowledged'])
      .groupBy(['client_id', 'severity']);
    if (clientIds !== null) q = q.where('client_id', 'in', clientIds.length ? [...clientIds] : ['']);
    return q.execute();
  }

  /**
   * Removes the alerts of a client, device or check being deleted, with their history and what of
   * them is still to be sent (unrouted outbox events, pending deliveries): an alert of something
   * that no longer exists must not notify. Sent deliveries stay in the delivery log. Answers how
   * many alerts went.
   */
  async removeOf(tx: Tx, of: { column: 'client_id' | 'device_id' | 'check_id'; id: string }): Promise<number> {
    const ids = tx.selectFrom('alerts').select('id').where(of.column, '=', of.id);
    await tx.deleteFrom('outbox').where('alert_id', 'in', ids).where('processed_at', 'is', null).execute();
    await tx.deleteFrom('deliveries').where('alert_id', 'in', ids).where('state', '=', 'pending').execute();
    await tx.deleteFrom('channel_alert_state').where('alert_id', 'in', ids).execute();
    await tx.deleteFrom('alert_events').where('alert_id', 'in', ids).execute();
    const r = await tx.deleteFrom('alerts').where(of.column, '=', of.id).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
