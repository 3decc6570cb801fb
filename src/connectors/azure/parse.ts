// Azure Backup's value formats, parsed without I/O: job durations (ISO-8601 in the API spec,
// .NET TimeSpan in some Microsoft samples), free-text sizes from a job's property bag
// ("2332 MB"), the `$filter` time format, and vault ids.

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
// [d.]hh:mm:ss[.fffffff]
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Milliseconds from `PT12.4272909S`, `PT10M35S`, `P1DT2H` or `00:20:23.0896697`, `1.02:03:04`; null if neither. */
export function parseDuration(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  const iso = ISO_DURATION.exec(s);
  if (iso && s !== 'P' && s.toUpperCase() !== 'PT') {
    const [, d, h, m, sec] = iso.map((x) => (x === undefined ? 0 : Number(x)));
    return Math.round((((d! * 24 + h!) * 60 + m!) * 60 + sec!) * 1000);
  }
  const ts = TIMESPAN.exec(s);
  if (ts) {
    const [, d, h, m, sec, frac] = ts;
    const whole = ((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(sec);
    return Math.round((whole + Number(`0.${frac ?? '0'}`)) * 1000);
  }
  return null;
}

// Azure Backup reports sizes in binary multiples (its "MB" is 2^20 bytes), as Windows does.
const UNITS: Record<string, number> = {
  B: 1,
  BYTES: 1,
  KB: 1024,
  KIB: 1024,
  MB: 1024 ** 2,
  MIB: 1024 ** 2,
  GB: 1024 ** 3,
  GIB: 1024 ** 3,
  TB: 1024 ** 4,
  TIB: 1024 ** 4,
  PB: 1024 ** 5,
  PIB: 1024 ** 5,
};

/** Bytes from `2332 MB`, `6.81 MB`, `329.337 MiB`, `1,024 KB`, `12345` (bytes); null otherwise. */
export function parseSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*([\d.,]+)\s*([a-z]*)\s*$/i.exec(value);
  if (!m) return null;
  const n = Number(m[1]!.replace(/,/g, ''));
  const unit = UNITS[(m[2] || 'B').toUpperCase()];
  if (!Number.isFinite(n) || unit === undefined) return null;
  return Math.round(n * unit);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A time as the backupJobs `$filter` takes it: UTC, `yyyy-MM-dd hh:mm:ss AM` on a 12-hour
 * clock (the API's examples show `2016-01-01 00:00:00 AM`; .NET's own format writes midnight
 * as `12:00:00 AM`, which the service parses the same).
 */
export function filterTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(h12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Inverse of filterTime; also reads `00:xx:xx AM` as midnight. Null when not that format. */
export function parseFilterTime(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) (AM|PM)$/i.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, ampm] = m;
  let h = Number(hh) % 12;
  if (ampm!.toUpperCase() === 'PM') h += 12;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), h, Number(mi), Number(ss));
}

export interface VaultRef {
  /** The resource id as Azure gave it (paths are built from it). */
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  tags: Record<string, string>;
  /** Lower-cased id: the vault's key in cursors and external ids. */
  key: string;
}

const VAULT_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)$/i;

/** A vault from the subscription's list; null when its id is not a Recovery Services vault's. */
export function vaultRef(v: { id?: unknown; name?: unknown; tags?: unknown }): VaultRef | null {
  if (typeof v.id !== 'string') return null;
  const m = VAULT_ID.exec(v.id);
  if (!m) return null;
  const tags: Record<string, string> = {};
  if (v.tags && typeof v.tags === 'object') {
    for (const [k, val] of Object.entries(v.tags as Record<string, unknown>)) if (typeof val === 'string') tags[k] = val;
  }
  return { id: v.id, name: typeof v.name === 'string' ? v.name : m[3]!, subscriptionId: m[1]!, resourceGroup: m[2]!, tags, key: v.id.toLowerCase() };
}

/** Epoch ms from an ISO time; null when absent, unparsable, or Azure's "never" (year 1753 / 0001). */
export function azureTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || new Date(ms).getUTCFullYear() < 1900) return null;
  return ms;
}
