// Generates a large estate straight into a migrated SQLite database: clients × devices × 3 checks,
// and days of backup, copy and restore-test jobs, written with raw prepared statements in big
// transactions (the API would take hours for 30 million jobs; this takes minutes).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

const BIN = new URL('../bin/keepwatch.js', import.meta.url).pathname;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GB = 1e9;

export interface EstateSize {
  clients: number;
  devicesPerClient: number;
  days: number;
}

export interface Estate {
  dataDir: string;
  devices: number;
  checks: number;
  jobs: number;
  seconds: number;
  clientIds: string[];
  generatedAt: number;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUIDv7 for time t; the counter n makes every id unique. */
function id7(t: number, n: number): string {
  const ts = Math.floor(t).toString(16).padStart(12, '0');
  const r = randomBytes(3).toString('hex');
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7${r.slice(0, 3)}-8${r.slice(3)}-${n.toString(16).padStart(12, '0')}`;
}

export function generateEstate(dataDir: string, size: EstateSize, now = Date.now()): Estate {
  const started = Date.now();
  execFileSync(process.execPath, [BIN, 'migrate'], { env: { ...process.env, KEEPWATCH_DATA_DIR: dataDir, KEEPWATCH_LOG_LEVEL: 'error' } });
  const db = new Database(`${dataDir}/keepwatch.db`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma(`cache_size = -${4 * 1024 * 1024}`);
  const random = rng(42);
  const insClient = db.prepare('INSERT INTO clients (id, name, name_key, inbound_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insDevice = db.prepare(
    `INSERT INTO devices (id, client_id, name, name_key, class, type, created_at, updated_at, next_eval_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insCheck = db.prepare(
    `INSERT INTO checks (id, device_id, client_id, name, name_key, kind, tier, schedule_type, interval_ms, ping_key, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'interval', ?, ?, ?, ?)`,
  );
  const insJob = db.prepare(
    `INSERT INTO jobs (id, client_id, device_id, check_id, source, external_id, status, raw_status, operation, trigger,
       started_at, ended_at, occurred_at, duration_ms, bytes, message, raw, received_at, updated_at)
     VALUES (?, ?, ?, ?, 'bench', ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?, ?, ?, '{}', ?, ?)`,
  );
  const start = Math.floor((now - size.days * DAY) / DAY) * DAY;
  const clientIds: string[] = [];
  let n = 0;
  let jobs = 0;
  const nextId = (t: number) => id7(t, n++);
  const writeClient = db.transaction((c: number) => {
    const clientId = nextId(start);
    clientIds.push(clientId);
    insClient.run(clientId, `Client ${String(c).padStart(3, '0')}`, `client ${String(c).padStart(3, '0')}`, randomBytes(9).toString('base64url'), start, start);
    for (let d = 0; d < size.devicesPerClient; d++) {
      const deviceId = nextId(start);
      const name = `C${c}-${d % 5 < 3 ? 'SRV' : 'WS'}-${String(d).padStart(4, '0')}`;
      const cls = d % 5 < 3 ? 'server' : 'workstation';
      insDevice.run(deviceId, clientId, name, name.toLowerCase(), cls, cls === 'server' ? 'vm' : 'workstation', start, start, now);
      // A few devices tell stories: failing for three nights, or silent for two days.
      const story = random();
      const failing = story < 0.02;
      const silent = story >= 0.02 && story < 0.04;
      const checks = [
        { name: 'Nightly backup', kind: 'backup', tier: null, every: DAY, at: 1 * HOUR, minutes: 40, gb: 20 + random() * 400 },
        { name: 'Cloud copy', kind: 'copy', tier: 'hot', every: DAY, at: 3 * HOUR, minutes: 20, gb: 5 + random() * 80 },
        { name: 'Weekly restore test', kind: 'verification', tier: null, every: 7 * DAY, at: 6 * HOUR, minutes: 15, gb: 0 },
      ];
      for (const c of checks) {
        const checkId = nextId(start);
        insCheck.run(checkId, deviceId, clientId, c.name, c.name.toLowerCase(), c.kind, c.tier, c.every, randomBytes(16).toString('base64url'), start, start);
        const runs = Math.floor((now - start - c.at) / c.every);
        for (let k = 0; k <= runs; k++) {
          const scheduled = start + c.at + k * c.every;
          const end = scheduled + c.minutes * 60_000 * (0.8 + random() * 0.4);
          if (end > now) break;
          const fromEnd = runs - k;
          if (silent && now - end < 2 * DAY) continue;
          const r = random();
          const status = failing && c.kind === 'backup' && fromEnd < 3 ? 'failed' : r < 0.02 ? 'failed' : r < 0.05 ? 'warning' : 'succeeded';
          const op = c.kind === 'copy' ? 'copy' : c.kind === 'verification' ? 'verification' : 'backup';
          insJob.run(
            nextId(end), clientId, deviceId, checkId, `${deviceId}-${checkId}-${k}`, status, status, op, scheduled, Math.round(end), Math.round(end),
            Math.round(end - scheduled), status === 'failed' ? null : Math.round(c.gb * GB * (0.97 + random() * 0.06)),
            status === 'failed' ? 'VSS snapshot failed' : null, Math.round(end), Math.round(end),
          );
          jobs++;
        }
      }
    }
  });
  for (let c = 0; c < size.clients; c++) writeClient(c);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    dataDir,
    devices: size.clients * size.devicesPerClient,
    checks: size.clients * size.devicesPerClient * 3,
    jobs,
    seconds: (Date.now() - started) / 1000,
    clientIds,
    generatedAt: now,
  };
}
