import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { endpoint } from './config-fields.js';
import { SecretBox } from './secret-box.js';
import { endpointKey, MASK, maskSecrets, mergeSecrets, openSecrets, sealSecrets } from './secret-config.js';

const box = new SecretBox('a-test-key-0123456789');
const SECRET = ['client_secret'];
const SCHEMA = Type.Object({
  tenant_id: Type.String(),
  client_secret: Type.String(),
  login_url: Type.Optional(Type.String(endpoint({ format: 'uri', default: 'https://login.example.com' }))),
  interval_minutes: Type.Optional(Type.Integer()),
});

/** The merged stored form; fails the test when the merge was refused. */
function merged(stored: Record<string, unknown>, patch: Record<string, unknown>, secretFields: readonly string[] = SECRET, schema: unknown = SCHEMA) {
  const out = mergeSecrets(box, stored, patch, secretFields, schema);
  if ('problems' in out) throw new Error(`refused: ${JSON.stringify(out.problems)}`);
  return out.config;
}

describe('secret config', () => {
  it('stores secrets sealed and gives them back in plain', () => {
    const stored = sealSecrets(box, { tenant_id: 't', client_secret: 's3cret' }, SECRET);
    expect(JSON.stringify(stored)).not.toContain('s3cret');
    expect(stored.tenant_id).toBe('t');
    expect(openSecrets(box, stored, SECRET)).toEqual({ tenant_id: 't', client_secret: 's3cret' });
  });

  it('masks secrets that are set and leaves unset ones out', () => {
    const stored = sealSecrets(box, { tenant_id: 't', client_secret: 's3cret' }, SECRET);
    expect(maskSecrets(stored, SECRET)).toEqual({ tenant_id: 't', client_secret: MASK });
    expect(maskSecrets({ tenant_id: 't' }, SECRET)).toEqual({ tenant_id: 't' });
  });

  it('keeps the stored secret when a patch omits it or sends it back masked', () => {
    const stored = sealSecrets(box, { tenant_id: 't', client_secret: 's3cret' }, SECRET);
    for (const patch of [{ tenant_id: 'u' }, { tenant_id: 'u', client_secret: MASK }]) {
      expect(openSecrets(box, merged(stored, patch), SECRET)).toEqual({ tenant_id: 'u', client_secret: 's3cret' });
    }
  });

  it('replaces the secret when a patch gives a new one', () => {
    const stored = sealSecrets(box, { client_secret: 'old' }, SECRET);
    const out = merged(stored, { client_secret: 'new' });
    expect(JSON.stringify(out)).not.toContain('new');
    expect(openSecrets(box, out, SECRET).client_secret).toBe('new');
  });
});

describe('secrets bound to their endpoints', () => {
  const stored = sealSecrets(box, { tenant_id: 't', client_secret: 's3cret', login_url: 'https://login.example.com' }, SECRET);

  it('refuses a changed endpoint without the secret, naming the secret, whether it is left out or sent masked', () => {
    for (const patch of [{ login_url: 'https://evil.example.net' }, { login_url: 'https://evil.example.net', client_secret: MASK }]) {
      const out = mergeSecrets(box, stored, patch, SECRET, SCHEMA);
      expect(out).toEqual({ problems: [{ field: 'config.client_secret', message: expect.stringContaining('config.login_url changed') }] });
    }
  });

  it('takes a changed endpoint when the secret comes with it', () => {
    const out = merged(stored, { login_url: 'https://login.example.net', client_secret: 'n3w' });
    expect(openSecrets(box, out, SECRET)).toMatchObject({ login_url: 'https://login.example.net', client_secret: 'n3w' });
  });

  it('keeps the secret when only other fields change', () => {
    expect(openSecrets(box, merged(stored, { tenant_id: 'u', interval_minutes: 15 }), SECRET).client_secret).toBe('s3cret');
  });

  it('does not count the same endpoint written differently as a change', () => {
    for (const login_url of ['https://login.example.com/', 'HTTPS://Login.Example.COM', 'https://login.example.com:443//', ' https://login.example.com ']) {
      expect(openSecrets(box, merged(stored, { login_url }), SECRET).client_secret, login_url).toBe('s3cret');
    }
  });

  it('compares an absent endpoint as its default', () => {
    const bare = sealSecrets(box, { tenant_id: 't', client_secret: 's3cret' }, SECRET);
    expect(openSecrets(box, merged(bare, { login_url: 'https://login.example.com/' }), SECRET).client_secret).toBe('s3cret');
    expect('problems' in mergeSecrets(box, bare, { login_url: 'https://login.example.org' }, SECRET, SCHEMA)).toBe(true);
    expect('problems' in mergeSecrets(box, stored, { login_url: undefined }, SECRET, SCHEMA)).toBe(false);
  });

  it('names every stored secret, and only stored ones', () => {
    const schema = Type.Object({ host: Type.String(endpoint({})), port: Type.Integer(endpoint({})), password: Type.String(), key: Type.String(), spare: Type.Optional(Type.String()) });
    const secrets = ['password', 'key', 'spare'];
    const imap = sealSecrets(box, { host: 'mail.example.com', port: 993, password: 'pw', key: 'k' }, secrets);
    const fields = (patch: Record<string, unknown>) => {
      const out = mergeSecrets(box, imap, patch, secrets, schema);
      return 'problems' in out ? out.problems.map((p) => p.field) : [];
    };
    expect(fields({ port: 143 })).toEqual(['config.password', 'config.key']);
    expect(fields({ host: 'imap.evil.example', password: 'pw' })).toEqual(['config.key']);
    expect(fields({ host: 'MAIL.example.com.', port: 993 })).toEqual([]);
  });

  it('compares an endpoint that is itself a secret by its plain value', () => {
    const schema = Type.Object({ url: Type.String(endpoint({ format: 'uri' })) });
    const hook = sealSecrets(box, { url: 'https://hooks.example.com/T1/B2/abc' }, ['url']);
    expect(openSecrets(box, merged(hook, { url: MASK }, ['url'], schema), ['url']).url).toBe('https://hooks.example.com/T1/B2/abc');
    expect(openSecrets(box, merged(hook, { url: 'https://hooks.example.com/T1/B2/xyz' }, ['url'], schema), ['url']).url).toBe('https://hooks.example.com/T1/B2/xyz');
  });

  it('normalises URLs by scheme, host, default port and trailing slashes, and keeps the path case', () => {
    expect(endpointKey('HTTPS://API.Example.com:443/v1/')).toBe(endpointKey('https://api.example.com/v1'));
    expect(endpointKey('https://api.example.com/V1')).not.toBe(endpointKey('https://api.example.com/v1'));
    expect(endpointKey('https://api.example.com:8443')).not.toBe(endpointKey('https://api.example.com'));
    expect(endpointKey('http://api.example.com')).not.toBe(endpointKey('https://api.example.com'));
    expect(endpointKey(993)).not.toBe(endpointKey(143));
  });
});
