// Every migration, by name. Names sort by date; Kysely runs them in that order, once each.
import type { Migration } from 'kysely/migration';
import * as m0001 from './20261122_0001_foundation.js';
import * as m0002 from './20261122_0002_engine.js';

export const migrations: Record<string, Migration> = {
  '20261122_0001_foundation': m0001,
  '20261122_0002_engine': m0002,
};
