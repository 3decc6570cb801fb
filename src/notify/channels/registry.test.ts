import { describe, expect, it } from 'vitest';
import type { FieldDescription } from '../../lib/config-fields.js';
import { CHANNEL_TYPES, ChannelRegistry } from './registry.js';

/** A value a person would type into the field the console draws for it. */
function sample(f: FieldDescription): unknown {
  switch (f.kind) {
    case 'url':
      return 'https://hooks.example.com/keepwatch';
    case 'email':
      return 'noc@example.com';
    case 'email_list':
      return ['noc@example.com'];
    case 'list':
      // SMS recipients are phone numbers (twilio_sms checks E.164); other lists take any text.
      return f.name === 'to' ? ['+447700900123'] : ['x'];
    case 'enum':
      return f.options?.[f.options.length - 1];
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return f.minimum ?? 1;
    case 'map':
      return {};
    case 'json':
      // Edited as JSON text: a person starts from the default, or leaves it out.
      return f.default ?? undefined;
    default:
      return 'x'.repeat(Math.max(16, f.minimum ?? 0));
  }
}

const registry = new ChannelRegistry('Keepwatch <kw@example.com>');

describe('channel types describe their config for forms', () => {
  it('describes every registered type, with a label and fields', () => {
    const described = registry.describe();
    expect(described.map((d) => d.type).sort()).toEqual([...CHANNEL_TYPES].sort());
    for (const d of described) {
      expect(d.fields, d.type).not.toBeNull();
      expect(d.fields!.length, d.type).toBeGreaterThan(0);
      expect(d.label).not.toBe('');
    }
  });

  it('marks exactly the driver’s write-only fields as secret', () => {
    for (const d of registry.describe()) {
      const driver = registry.get(d.type)!;
      expect(d.fields!.filter((f) => f.secret).map((f) => f.name).sort(), d.type).toEqual([...driver.secretFields].sort());
    }
  });

  it('describes fields the driver accepts: a config filled in from the description parses', () => {
    for (const d of registry.describe()) {
      const config = Object.fromEntries(d.fields!.map((f) => [f.name, sample(f)]));
      const parsed = registry.get(d.type)!.parseConfig(config);
      expect(parsed, `${d.type}: ${JSON.stringify(parsed)}`).toHaveProperty('config');
    }
  });

  it('lists every field the driver requires as required', () => {
    for (const d of registry.describe()) {
      const required = Object.fromEntries(d.fields!.filter((f) => f.required).map((f) => [f.name, sample(f)]));
      expect(registry.get(d.type)!.parseConfig(required), d.type).toHaveProperty('config');
      for (const f of d.fields!.filter((x) => x.required)) {
        const without = { ...required };
        delete without[f.name];
        expect(registry.get(d.type)!.parseConfig(without), `${d.type} without ${f.name}`).toHaveProperty('problems');
      }
    }
  });
});
