import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';
import { MASK, maskSecrets, mergeSecrets, openSecrets, sealSecrets } from './secret-config.js';

const box = new SecretBox('a-test-key-0123456789');
const SECRET = ['client_secret'];

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
      const merged = mergeSecrets(box, stored, patch, SECRET);
      expect(openSecrets(box, merged, SECRET)).toEqual({ tenant_id: 'u', client_secret: 's3cret' });
    }
  });

  it('replaces the secret when a patch gives a new one', () => {
    const stored = sealSecrets(box, { client_secret: 'old' }, SECRET);
    const merged = mergeSecrets(box, stored, { client_secret: 'new' }, SECRET);
    expect(JSON.stringify(merged)).not.toContain('new');
    expect(openSecrets(box, merged, SECRET).client_secret).toBe('new');
  });
});
