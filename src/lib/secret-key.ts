import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The configured secret key, or (single-instance SQLite installs with no configuration) one
 * generated on first run and kept beside the database, readable by this user only.
 */
export function resolveSecretKey(configured: string | null, dataDir: string): { key: string; generated: boolean } {
  if (configured !== null) return { key: configured, generated: false };
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}
