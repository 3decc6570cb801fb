// Two validators: request bodies are checked strictly (no type coercion, unknown fields kept so
// they reach the raw payload); query strings and params are coerced from text.
import AjvModule, { type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldProblem } from '../domain/errors.js';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: coerce,
    strict: false,
  });
  addFormats(ajv, ['date-time', 'email', 'uri', 'uuid']);
  return ajv;
}

const bodyAjv = makeAjv(false);
const paramAjv = makeAjv(true);

/** The JSON-pointer path of the first string (or key) holding a NUL character: no database stores it
 * in text (PostgreSQL refuses it), so it is a 400 naming the field, never a failed statement. */
function nulPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (k.includes('\u0000')) return at;
    const found = nulPath(v, at);
    if (found !== null) return found;
  }
  return null;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : paramAjv;
  const validate = ajv.compile(schema as object);
  const check = (data: unknown) => {
    if (!validate(data)) {
      check.errors = validate.errors;
      return false;
    }
    const at = nulPath(data);
    check.errors = at === null ? null : [{ keyword: 'nul', instancePath: at, schemaPath: '', params: {}, message: 'must not contain NUL characters' } as ErrorObject];
    return at === null;
  };
  check.errors = null as ErrorObject[] | null | undefined;
  return check as unknown as ReturnType<FastifySchemaCompiler<unknown>>;
};

/** Compiles a schema with the strict body validator (routes that pick a schema themselves). */
export function compileBody(schema: object) {
  return bodyAjv.compile(schema);
}

/** `/jobs/3/device/name` → `jobs[3].device.name` */
function fieldPath(instancePath: string, prefix: string): string {
  let out = prefix;
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'enum':
      return `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'type':
      return `must be ${(e.params as { type: string }).type}`;
    case 'format':
      return (e.params as { format: string }).format === 'date-time'
        ? 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-20T01:00:00Z'
        : `must be a valid ${(e.params as { format: string }).format}`;
    default:
      return e.message ?? 'is invalid';
  }
}

/** Ajv errors as field problems, one per field, most useful first. */
export function toFieldProblems(errors: ErrorObject[], context?: string): FieldProblem[] {
  const seen = new Map<string, FieldProblem>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'if') continue;
    let field = fieldPath(e.instancePath, '');
    let message = describe(e);
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      field = field ? `${field}.${missing}` : missing;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      field = field ? `${field}.${extra}` : extra;
      message = 'is not a known field';
    }
    if (field === '') field = context ?? 'body';
    if (!seen.has(field)) seen.set(field, { field, message });
  }
  return [...seen.values()];
}
