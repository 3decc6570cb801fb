// Every migration, by name. Names sort by date; Kysely runs them in that order, once each.
import type { Migration } from 'kysely/migration';
import * as m0001 from './20261122_0001_foundation.js';
import * as m0002 from './20261122_0002_engine.js';
import * as m0003 from './20261122_0003_email.js';
import * as m0004 from './20261122_0004_notify.js';
import * as m0005 from './20261122_0005_connectors.js';
import * as m0006 from './20261122_0006_console.js';
import * as m0007 from './20261122_0007_operations.js';
import * as m0008 from './20261122_0008_console2.js';
import * as m0009 from './20261206_0009_clock_skew.js';
import * as m0012 from './20261206_0012_score_breakdown.js';
import * as m0013 from './20261206_0013_lifecycle.js';
import * as m0014 from './20261207_0014_ping_names.js';
import * as m0015 from './20261207_0015_max_runtime.js';
import * as m0016 from './20261207_0016_tags.js';
import * as m0017 from './20261207_0017_badges.js';
import * as m0018 from './20261207_0018_email_raw.js';
import * as m0019 from './20261207_0019_connector_tenants.js';
import * as m0020 from './20261207_0020_reviews.js';
import * as m0021 from './20261207_0021_sso.js';
import * as m0022 from './20261207_0022_collectors.js';
import * as m0023 from './20261207_0023_mfa.js';
import * as m0024 from './20261207_0024_urgent_queue.js';
import * as m0025 from './20261207_0025_urgent_since.js';
import * as m0026 from './20261208_0026_review_index.js';

export const migrations: Record<string, Migration> = {
  '20261122_0001_foundation': m0001,
  '20261122_0002_engine': m0002,
  '20261122_0003_email': m0003,
  '20261122_0004_notify': m0004,
  '20261122_0005_connectors': m0005,
  '20261122_0006_console': m0006,
  '20261122_0007_operations': m0007,
  '20261122_0008_console2': m0008,
  '20261206_0009_clock_skew': m0009,
  '20261206_0012_score_breakdown': m0012,
  '20261206_0013_lifecycle': m0013,
  '20261207_0014_ping_names': m0014,
  '20261207_0015_max_runtime': m0015,
  '20261207_0016_tags': m0016,
  '20261207_0017_badges': m0017,
  '20261207_0018_email_raw': m0018,
  '20261207_0019_connector_tenants': m0019,
  '20261207_0020_reviews': m0020,
  '20261207_0021_sso': m0021,
  '20261207_0022_collectors': m0022,
  '20261207_0023_mfa': m0023,
  '20261207_0024_urgent_queue': m0024,
  '20261207_0025_urgent_since': m0025,
  '20261208_0026_review_index': m0026,
};
