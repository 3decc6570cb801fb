// Tags of devices and checks: the JSON column the API shows and the rows `?tag=` reads, written
// together (see migration 20261207_0016_tags). Plain functions over a transaction, because every
// writer (PATCH, check creation, job ingestion) already holds one.
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { MAX_TAGS } from '../../domain/tags.js';
import type { Tx } from '../transaction.js';

export type Tagged = 'device' | 'check';

const TABLES = {
  device: { rows: 'device_tags', key: 'device_id', owner: 'devices' },
  check: { rows: 'check_tags', key: 'check_id', owner: 'checks' },
} as const;

async function storedTags(tx: Tx, target: Tagged, id: string): Promise<string[]> {
  const t = TABLES[target];
  const rows = await sql<{ tag: string }>`SELECT tag FROM ${sql.table(t.rows)} WHERE ${sql.ref(t.key)} = ${id} ORDER BY tag`.execute(tx);
  return rows.rows.map((r) => r.tag);
}

async function writeColumn(tx: Tx, target: Tagged, id: string, tags: string[], now: number): Promise<void> {
  const t = TABLES[target];
  await sql`UPDATE ${sql.table(t.owner)} SET tags = ${JSON.stringify(tags)}, updated_at = ${now} WHERE id = ${id}`.execute(tx);
}

async function insertRows(tx: Tx, target: Tagged, id: string, tags: string[]): Promise<void> {
  if (tags.length === 0) return;
  const t = TABLES[target];
  const values = sql.join(tags.map((tag) => sql`(${tag}, ${id})`));
  await sql`INSERT INTO ${sql.table(t.rows)} (tag, ${sql.ref(t.key)}) VALUES ${values} ON CONFLICT DO NOTHING`.execute(tx);
}

/** Replaces the tags (already normalised, domain/tags.ts) of a device or check. */
export async function setTags(tx: Tx, target: Tagged, id: string, tags: string[], now: number): Promise<void> {
  const t = TABLES[target];
  await sql`DELETE FROM ${sql.table(t.rows)} WHERE ${sql.ref(t.key)} = ${id}`.execute(tx);
  await insertRows(tx, target, id, tags);
  await writeColumn(tx, target, id, tags, now);
}

/**
 * Adds tags a job reported. Nothing is written when the device or check has them all already, so
 * a script that sends the same tags on every run takes no row lock after the first (see the
 * locking note in ingest.ts). Tags past MAX_TAGS in all are dropped: a job cannot be half refused.
 */
export async function addTags(tx: Tx, target: Tagged, id: string, tags: string[], now: number): Promise<void> {
  const stored = await storedTags(tx, target, id);
  const missing = tags.filter((tag) => !stored.includes(tag)).slice(0, Math.max(0, MAX_TAGS - stored.length));
  if (missing.length === 0) return;
  await insertRows(tx, target, id, missing);
  await writeColumn(tx, target, id, await storedTags(tx, target, id), now);
}

const devicesWith = (tag: string) => sql`SELECT device_id FROM device_tags WHERE tag = ${tag}`;
const checksWith = (tag: string) => sql`SELECT check_id FROM check_tags WHERE tag = ${tag}`;
const all = (parts: RawBuilder<SqlBool>[]): Expression<SqlBool> => sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;

/** A device (by its id column) carrying every one of `tags` (at least one). */
export function deviceHasTags(deviceId: string, tags: readonly string[]): Expression<SqlBool> {
  return all(tags.map((tag) => sql<SqlBool>`${sql.ref(deviceId)} IN (${devicesWith(tag)})`));
}

/** Every one of `tags` (at least one) is carried by the check or by its device: a device's tag
 * reaches its checks, their alerts and their grid rows. A null check id matches by device alone. */
export function checkOrDeviceHasTags(checkId: string, deviceId: string, tags: readonly string[]): Expression<SqlBool> {
  return all(
    tags.map((tag) => sql<SqlBool>`(${sql.ref(deviceId)} IN (${devicesWith(tag)}) OR ${sql.ref(checkId)} IN (${checksWith(tag)}))`),
  );
}
