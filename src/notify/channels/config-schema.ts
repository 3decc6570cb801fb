// Channel configs checked against their TypeBox schema (the same schema the API serves to the
// channel form), with the problems named as the API names them: `config.<path>`.
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { FieldProblem } from '../../domain/errors.js';

const fieldOf = (path: string) => `config${path.replace(/\//g, '.')}`;

export function schemaProblems(schema: TSchema, raw: unknown): FieldProblem[] {
  if (Value.Check(schema, raw)) return [];
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, raw)) {
    // An unknown field is reported twice (as a false schema and as additionalProperties): keep one.
    if (e.keyword === 'boolean') continue;
    const extra = e.keyword === 'additionalProperties' ? ((e.params as { additionalProperties?: string[] }).additionalProperties ?? []) : null;
    const items = extra ? extra.map((k) => ({ field: fieldOf(`${e.instancePath}/${k}`), message: 'is not a known field' })) : [{ field: fieldOf(e.instancePath), message: e.message }];
    for (const p of items) {
      const key = `${p.field}:${p.message}`;
      if (!seen.has(key)) out.push(p);
      seen.add(key);
    }
  }
  return out;
}

/** The raw config with the schema's defaults filled in (a copy). */
export function withDefaults<T>(schema: TSchema, raw: unknown): T {
  return Value.Default(schema, structuredClone(raw)) as T;
}
