// Config fields every pull connector of an on-premises or vendor console shares: its URL (http://
// or https://), the certificate trust of that URL (a pinned SHA-256 fingerprint, or an explicit
// `insecure_tls`), the sync interval and the overlap window. The types' own schemas spread these.
import { Type } from 'typebox';
import { ValidationError } from '../../domain/errors.js';
import { endpoint } from '../../lib/config-fields.js';
import type { TlsPolicy } from '../http.js';

/** `url`: an endpoint (changing it asks for the secret again). */
export function UrlField(description: string, fallback?: string) {
  return Type.String(endpoint({ format: 'uri', pattern: '^https?://', maxLength: 500, ...(fallback ? { default: fallback } : {}), description }));
}

const FINGERPRINT = '^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$';

/** `fingerprint` and `insecure_tls`, spread into a type's schema properties (both optional). */
export const TlsConfigFields = {
  fingerprint: Type.Optional(
    Type.String(
      endpoint({
        pattern: FINGERPRINT,
        title: 'Certificate fingerprint',
        description: "SHA-256 fingerprint of the server's certificate (hex, colons optional): pins it, so a self-signed certificate is accepted",
        'x-advanced': true,
      }),
    ),
  ),
  insecure_tls: Type.Optional(
    Type.Boolean({ default: false, title: 'Accept any certificate', description: 'accept any certificate without a pin (unsafe: anyone in the path can read the credentials)', 'x-advanced': true }),
  ),
};

export const IntervalField = Type.Optional(Type.Integer({ minimum: 5, maximum: 1440, default: 60, title: 'Sync every (minutes)', description: 'minutes between syncs (default 60)' }));
export const OverlapField = Type.Optional(
  Type.Integer({ minimum: 0, maximum: 1440, description: 'how far before the last sync each sync re-reads (default 120 minutes)', 'x-advanced': true }),
);

/** Reads a config's string field trimmed ('' when absent). */
export const str = (c: Record<string, unknown>, k: string): string => (typeof c[k] === 'string' ? (c[k] as string).trim() : '');
export const num = (c: Record<string, unknown>, k: string, d: number): number => (typeof c[k] === 'number' ? (c[k] as number) : d);

/** Throws one ValidationError naming every required `config.<field>` that is empty. */
export function requireFields(c: Record<string, unknown>, fields: readonly string[]): void {
  const problems = fields.filter((k) => str(c, k) === '').map((k) => ({ field: `config.${k}`, message: 'is required' }));
  if (problems.length > 0) throw new ValidationError(problems);
}

/** The URL without trailing slashes. */
export const baseUrl = (c: Record<string, unknown>, fallback = ''): string => (str(c, 'url') || fallback).replace(/\/+$/, '');

/** The normalised fingerprint (lower-case hex, no colons) or null. */
export function normaliseFingerprint(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.replace(/:/g, '').trim().toLowerCase();
}

/** The TlsPolicy of a config with `fingerprint` / `insecure_tls`. */
export function tlsPolicyOf(c: Record<string, unknown>): TlsPolicy {
  return { fingerprint: normaliseFingerprint(c.fingerprint), insecure: c.insecure_tls === true };
}
