// Configuration objects with write-only secrets (connector client secrets, webhook signing keys,
// PSA keys, mailbox passwords). Stored with the secret fields sealed; answered by the API with
// them masked; on update, a secret that is omitted or sent back masked keeps its stored value,
// unless an endpoint of the config changed: then the secrets must be given again.
import { endpointFields } from './config-fields.js';
import type { SecretBox } from './secret-box.js';

export const MASK = '***';

type Config = Record<string, unknown>;

/** Seals the named fields that hold strings; other fields are kept as they are. */
export function sealSecrets(box: SecretBox, config: Config, secretFields: readonly string[]): Config {
  const out: Config = { ...config };
  for (const f of secretFields) {
    const v = out[f];
    if (typeof v === 'string' && v !== '') out[f] = { sealed: box.seal(v) };
  }
  return out;
}

/** The stored form back to plain values, for the code that uses them. */
export function openSecrets(box: SecretBox, stored: Config, secretFields: readonly string[]): Config {
  const out: Config = { ...stored };
  for (const f of secretFields) {
    const v = out[f];
    if (isSealed(v)) out[f] = box.open(v.sealed);
  }
  return out;
}

/** What the API answers: every secret that is set becomes `***`. */
export function maskSecrets(stored: Config, secretFields: readonly string[]): Config {
  const out: Config = { ...stored };
  for (const f of secretFields) {
    if (out[f] !== undefined && out[f] !== null && out[f] !== '') out[f] = MASK;
  }
  return out;
}

/** A field named the way the API names it, and what is wrong with it. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/**
 * A PATCH of a config: fields given replace stored ones; a secret that is absent or `***` keeps
 * the stored (sealed) value, so a client that read the masked config can send it back unchanged.
 * Stored secrets are bound to their endpoints: when a field the schema marks `endpoint: true`
 * changes (compared normalised, see `endpointKey`), every stored secret must be given again, or
 * the patch is refused with a problem naming each one (`config.<field>`), and nothing is merged.
 * Answers the new stored form.
 */
export function mergeSecrets(
  box: SecretBox,
  stored: Config,
  patch: Config,
  secretFields: readonly string[],
  schema: unknown,
): { config: Config } | { problems: ConfigProblem[] } {
  const given = (f: string) => f in patch && patch[f] !== undefined && patch[f] !== MASK;
  const out: Config = { ...stored };
  for (const [k, v] of Object.entries(patch)) {
    if (secretFields.includes(k) && !given(k)) continue;
    out[k] = v;
  }
  const plain = (f: string, v: unknown) => (secretFields.includes(f) && isSealed(v) ? openOrKeep(box, v.sealed) : v);
  const moved = endpointFields(schema).filter((e) => endpointKey(plain(e.name, stored[e.name]) ?? e.default) !== endpointKey(plain(e.name, out[e.name]) ?? e.default));
  if (moved.length > 0) {
    const names = moved.map((e) => `config.${e.name}`).join(', ');
    const missing = secretFields.filter((f) => !given(f) && isSet(stored[f]));
    if (missing.length > 0) {
      return { problems: missing.map((f) => ({ field: `config.${f}`, message: `is required again: ${names} changed, and a stored secret is never sent to a new endpoint` })) };
    }
  }
  const fresh = Object.fromEntries(secretFields.filter(given).map((f) => [f, patch[f]]));
  return { config: { ...out, ...sealSecrets(box, fresh, secretFields) } };
}

/**
 * An endpoint as compared for a change: a URL with its scheme and host lower-cased, its default
 * port and trailing slashes dropped; any other text trimmed and lower-cased (a host name, a
 * tenant); other values as JSON. `https://EXAMPLE.com:443/api/` and `https://example.com/api` are
 * the same endpoint.
 */
export function endpointKey(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value ?? null);
  const text = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const u = new URL(text);
      const user = u.username === '' ? '' : `${u.username}${u.password === '' ? '' : `:${u.password}`}@`;
      return `${u.protocol}//${user}${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
    } catch {
      // Not a URL after all: compared as text.
    }
  }
  return text.toLowerCase().replace(/\.$/, '');
}

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

/** A stored secret that cannot be opened (sealed under another key) compares as itself. */
function openOrKeep(box: SecretBox, sealed: string): unknown {
  try {
    return box.open(sealed);
  } catch {
    return { sealed };
  }
}

function isSealed(v: unknown): v is { sealed: string } {
  return typeof v === 'object' && v !== null && typeof (v as { sealed?: unknown }).sealed === 'string';
}
