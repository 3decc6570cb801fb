// Reads and writes behind the public badges and status pages (src/public/). Each public read
// selects only what the page shows, so nothing else can reach a response by accident.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.js';

export interface StatusDeviceRow {
  id: string;
  name: string;
  status: string;
  last_good_at: number | null;
}

export interface DayRow {
  device_id: string;
  /** Days since the epoch (UTC). */
  day: number;
  status: string;
}

const DAY_MS = 86_400_000;

export class BadgeRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async clientByBadgeKey(key: string): Promise<{ id: string; name: string } | null> {
    return (await this.db.selectFrom('clients').select(['id', 'name']).where('badge_key', '=', key).executeTakeFirst()) ?? null;
  }

  async checkByBadgeKey(key: string): Promise<{ name: string; state: string; paused: number } | null> {
    return (await this.db.selectFrom('checks').select(['name', 'state', 'paused']).where('badge_key', '=', key).executeTakeFirst()) ?? null;
  }

  /** Bands of a client's devices, retired ones left out. */
  async clientBands(clientId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('devices').select('status').where('client_id', '=', clientId).where('status', '<>', 'retired').execute();
    return rows.map((r) => r.status);
  }

  /** Bands of the devices and states of the checks carrying a tag (retired devices left out). */
  async tagged(tag: string): Promise<{ deviceBands: string[]; checks: { state: string; paused: number }[] }> {
    const devices = await this.db
      .selectFrom('device_tags')
      .innerJoin('devices', 'devices.id', 'device_tags.device_id')
      .select('devices.status')
      .where('device_tags.tag', '=', tag)
      .where('devices.status', '<>', 'retired')
      .execute();
    const checks = await this.db
      .selectFrom('check_tags')
      .innerJoin('checks', 'checks.id', 'check_tags.check_id')
      .select(['checks.state', 'checks.paused'])
      .where('check_tags.tag', '=', tag)
      .execute();
    return { deviceBands: devices.map((d) => d.status), checks };
  }

  async setClientBadgeKey(id: string, key: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('clients').set({ badge_key: key, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setCheckBadgeKey(id: string, key: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('checks').set({ badge_key: key, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Turns the page on or off; a key is made the first time it is turned on (`keyIfNone`). */
  async setStatusPage(id: string, on: boolean, keyIfNone: string, now: number): Promise<void> {
    await this.db
      .updateTable('clients')
      .set({ status_page: on ? 1 : 0, status_page_key: sql<string>`coalesce(status_page_key, ${keyIfNone})`, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async setStatusPageKey(id: string, key: string, now: number): Promise<void> {
    await this.db.updateTable('clients').set({ status_page_key: key, updated_at: now }).where('id', '=', id).execute();
  }

  /** The client whose page answers at this key, only while it is on. */
  async clientByStatusKey(key: string): Promise<{ id: string; name: string } | null> {
    return (
      (await this.db.selectFrom('clients').select(['id', 'name']).where('status_page_key', '=', key).where('status_page', '=', 1).executeTakeFirst()) ?? null
    );
  }

  async statusDevices(clientId: string): Promise<StatusDeviceRow[]> {
    return this.db
      .selectFrom('devices')
      .select(['id', 'name', 'status', 'last_good_at'])
      .where('client_id', '=', clientId)
      .where('status', '<>', 'retired')
      .orderBy('name_key')
      .limit(500)
      .execute();
  }

  /** The latest good run of each device's restore tests (checks of kind verification). */
  async lastRestores(clientId: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('checks')
      .select(['device_id', (eb) => eb.fn.max('last_good_at').as('at')])
      .where('client_id', '=', clientId)
      .where('kind', '=', 'verification')
      .where('last_good_at', 'is not', null)
      .groupBy('device_id')
      .execute();
    return new Map(rows.map((r) => [r.device_id, Number(r.at)]));
  }

  /** Finished job statuses per device and UTC day since `since`, one row per (device, day, status). */
  async days(clientId: string, since: number): Promise<DayRow[]> {
    // A literal, not a parameter: PostgreSQL matches the GROUP BY expression to the selected one by its text.
    const day = sql<number>`(occurred_at / ${sql.lit(DAY_MS)})`;
    const rows = await this.db
      .selectFrom('jobs')
      .select(['device_id', day.as('day'), 'status'])
      .where('client_id', '=', clientId)
      .where('occurred_at', '>=', since)
      .where('status', '<>', 'running')
      .groupBy(['device_id', day, 'status'])
      .execute();
    return rows.map((r) => ({ device_id: r.device_id, day: Math.floor(Number(r.day)), status: r.status }));
  }
}
