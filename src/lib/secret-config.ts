// Configuration objects with write-only secrets (connector client secrets, webhook signing keys,
// PSA keys, mailbox passwords). Stored with the secret fields sealed; answered by the API with
// them masked; on update, a secret that is omitted or sent back masked keeps its stored value.
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

/**
 * A PATCH of a config: fields given replace stored ones; a secret that is absent or `***` keeps
 * the stored (sealed) value, so a client that read the masked config can send it back unchanged.
 * Answers the new stored form.
 */
export function mergeSecrets(box: SecretBox, stored: Config, patch: Config, secretFields: readonly string[]): Config {
  const out: Config = { ...stored };
  for (const [k, v] of Object.entries(patch)) {
    if (secretFields.includes(k) && (v === MASK || v === undefined)) continue;
    out[k] = v;
  }
  const fresh = Object.fromEntries(secretFields.filter((f) => f in patch && patch[f] !== MASK).map((f) => [f, patch[f]]));
  return { ...out, ...sealSecrets(box, fresh, secretFields) };
}

function isSealed(v: unknown): v is { sealed: string } {
  return typeof v === 'object' && v !== null && typeof (v as { sealed?: unknown }).sealed === 'string';
}
