import type { Kysely } from 'kysely';
import type { CursorKey } from '../../lib/cursor.js';
import type { Dialect } from '../connection.js';
import { run, statement } from '../raw.js';
import type { AlertEventRow, AlertRow, DB } from '../schema.js';

type Tx = Kysely<DB>;

export interface AlertFilter {
  clientIds: readonly string[] | null;
  states?: string[];
  client?: string;
  device?: string;
  check?: string;
  type?: string;
  severity?: string;
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
    return q;
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
}
