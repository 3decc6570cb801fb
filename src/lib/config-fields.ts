// A form's worth of description of a config object, read from its JSON schema (TypeBox): what the
// console needs to draw a field for each setting of a channel, connector or mailbox type without
// knowing the type. A new type that declares its schema appears in the console unchanged.

export type FieldKind = 'string' | 'url' | 'email' | 'integer' | 'number' | 'boolean' | 'enum' | 'list' | 'email_list' | 'map' | 'json';

export interface FieldDescription {
  name: string;
  label: string;
  description: string | null;
  required: boolean;
  /** Write-only: answered as `***`; leave it out (or send `***`) to keep the stored value. */
  secret: boolean;
  kind: FieldKind;
  /** The choices of an `enum` field. */
  options: string[] | null;
  default: unknown;
  minimum: number | null;
  maximum: number | null;
  /** Rarely changed (a test double's URL, tuning): forms fold it away. Set by `x-advanced: true` in the schema. */
  advanced: boolean;
}

export interface TypeDescription {
  type: string;
  label: string;
  description: string | null;
  /** Null when the type declares no schema: its config is edited as JSON. */
  fields: FieldDescription[] | null;
}

type Schema = Record<string, unknown>;

const ACRONYMS: Record<string, string> = { id: 'ID', url: 'URL', imap: 'IMAP', tls: 'TLS', smtp: 'SMTP', api: 'API' };

/** `client_secret` → "Client secret", `login_url` → "Login URL". */
export function labelOf(name: string): string {
  const words = name.split('_').map((w) => ACRONYMS[w] ?? w);
  const first = words[0] ?? '';
  return [first.charAt(0).toUpperCase() + first.slice(1), ...words.slice(1)].join(' ');
}

function enumOf(s: Schema): string[] | null {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).filter((v): v is string => typeof v === 'string');
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0 && alternatives.every((a) => typeof a.const === 'string')) return alternatives.map((a) => a.const as string);
  return null;
}

function kindOf(s: Schema): FieldKind {
  if (enumOf(s)) return 'enum';
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return s.format === 'uri' ? 'url' : s.format === 'email' ? 'email' : 'string';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = (s.items ?? {}) as Schema;
      if (items.type !== 'string') return 'json';
      return items.format === 'email' ? 'email_list' : 'list';
    }
    case 'object':
      return s.patternProperties || s.additionalProperties ? 'map' : 'json';
    default:
      return 'json';
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** One description per property of an object schema, in declaration order. */
export function describeFields(schema: unknown, secretFields: readonly string[]): FieldDescription[] {
  const s = (schema ?? {}) as Schema;
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  return Object.entries(properties).map(([name, p]) => ({
    name,
    label: typeof p.title === 'string' ? p.title : labelOf(name),
    description: typeof p.description === 'string' ? p.description : null,
    required: required.has(name),
    secret: secretFields.includes(name),
    kind: kindOf(p),
    options: enumOf(p),
    default: p.default ?? null,
    // Numbers' bounds, lists' lengths, or strings' lengths.
    minimum: num(p.minimum) ?? num(p.minItems) ?? num(p.minLength),
    maximum: num(p.maximum) ?? num(p.maxItems) ?? num(p.maxLength),
    advanced: p['x-advanced'] === true,
  }));
}

/** A whole type: its label and description come from the schema's `title` and `description`. */
export function describeType(type: string, schema: unknown, secretFields: readonly string[], fallbackLabel?: string): TypeDescription {
  const s = (schema ?? {}) as Schema;
  return {
    type,
    label: typeof s.title === 'string' ? s.title : (fallbackLabel ?? labelOf(type)),
    description: typeof s.description === 'string' ? s.description : null,
    fields: schema === undefined ? null : describeFields(schema, secretFields),
  };
}

/**
 * Marks a config property as an endpoint: where the config's secrets (or what they buy, a token)
 * are sent. Changing it asks for the secrets again (`mergeSecrets` in secret-config.ts).
 */
export const endpoint = <T extends object>(options: T) => ({ ...options, endpoint: true }) as T;

/** The properties of an object schema marked `endpoint: true`, with their `default` when they declare one. */
export function endpointFields(schema: unknown): Array<{ name: string; default: unknown }> {
  const properties = ((schema ?? {}) as Schema).properties as Record<string, Schema> | undefined;
  return Object.entries(properties ?? {})
    .filter(([, p]) => p.endpoint === true)
    .map(([name, p]) => ({ name, default: p.default }));
}
