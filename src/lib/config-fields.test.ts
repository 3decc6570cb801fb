import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { describeFields, describeType, endpoint, endpointFields, labelOf } from './config-fields.js';

const schema = Type.Object(
  {
    url: Type.String({ format: 'uri', title: 'Webhook URL', description: 'where to POST' }),
    secret: Type.Optional(Type.String({ minLength: 16 })),
    mode: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['immediate', 'hourly_digest'], default: 'immediate' })),
    by: Type.Union([Type.Literal('a'), Type.Literal('b')]),
    to: Type.Array(Type.String({ format: 'email' }), { minItems: 1, maxItems: 50 }),
    tags: Type.Optional(Type.Array(Type.String())),
    max_in_flight: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, default: 8, 'x-advanced': true })),
    ratio: Type.Optional(Type.Number()),
    tls: Type.Optional(Type.Boolean()),
    client_map: Type.Optional(Type.Record(Type.String(), Type.String())),
    nested: Type.Optional(Type.Object({ x: Type.String() })),
  },
  { title: 'Webhook', description: 'signed JSON' },
);

describe('config field descriptions', () => {
  it('names each field with its kind, whether it is required or secret, and its limits', () => {
    const byName = Object.fromEntries(describeFields(schema, ['secret']).map((f) => [f.name, f]));
    expect(byName.url).toMatchObject({ label: 'Webhook URL', description: 'where to POST', required: true, secret: false, kind: 'url' });
    expect(byName.secret).toMatchObject({ label: 'Secret', required: false, secret: true, kind: 'string' });
    expect(byName.mode).toMatchObject({ kind: 'enum', options: ['immediate', 'hourly_digest'], default: 'immediate' });
    expect(byName.by).toMatchObject({ kind: 'enum', options: ['a', 'b'], required: true });
    expect(byName.to).toMatchObject({ kind: 'email_list', minimum: 1, maximum: 50 });
    expect(byName.tags?.kind).toBe('list');
    expect(byName.max_in_flight).toMatchObject({ kind: 'integer', minimum: 1, maximum: 16, default: 8, label: 'Max in flight', advanced: true });
    expect(byName.url?.advanced).toBe(false);
    expect(byName.ratio?.kind).toBe('number');
    expect(byName.tls).toMatchObject({ kind: 'boolean', label: 'TLS' });
    expect(byName.client_map?.kind).toBe('map');
    expect(byName.nested?.kind).toBe('json');
  });

  it('keeps the order the schema declares', () => {
    expect(describeFields(schema, []).map((f) => f.name).slice(0, 3)).toEqual(['url', 'secret', 'mode']);
  });

  it('takes a type’s label from the schema title, and leaves fields out when there is no schema', () => {
    expect(describeType('webhook', schema, [])).toMatchObject({ type: 'webhook', label: 'Webhook', description: 'signed JSON' });
    expect(describeType('autotask', undefined, [])).toEqual({ type: 'autotask', label: 'Autotask', description: null, fields: null });
  });

  it('spells acronyms in labels', () => {
    expect(labelOf('login_url')).toBe('Login URL');
    expect(labelOf('tenant_id')).toBe('Tenant ID');
  });
});

describe('endpoint fields', () => {
  it('lists the properties marked as endpoints, with their defaults', () => {
    const s = Type.Object({
      site_url: Type.String(endpoint({ format: 'uri' })),
      key: Type.String(),
      zone_url: Type.Optional(Type.String(endpoint({ default: 'https://zone.example.com' }))),
      port: Type.Optional(Type.Integer(endpoint({ minimum: 1 }))),
    });
    expect(endpointFields(s)).toEqual([
      { name: 'site_url', default: undefined },
      { name: 'zone_url', default: 'https://zone.example.com' },
      { name: 'port', default: undefined },
    ]);
    expect(endpointFields(schema)).toEqual([]);
    expect(endpointFields(undefined)).toEqual([]);
  });
});
