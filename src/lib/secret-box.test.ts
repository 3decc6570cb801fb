import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('opens what it sealed, and never stores the plain text', () => {
    const box = new SecretBox('key-one-0123456789');
    const sealed = box.seal('client-secret-value');
    expect(sealed).not.toContain('client-secret-value');
    expect(box.open(sealed)).toBe('client-secret-value');
  });

  it('refuses a value sealed under another key or tampered with', () => {
    const sealed = new SecretBox('key-one-0123456789').seal('x');
    expect(() => new SecretBox('key-two-0123456789').open(sealed)).toThrow();
    const parts = sealed.split(':');
    // Flip every bit of the cipher text (writing a fixed byte matched it one time in 256).
    const cipher = Buffer.from(parts[3]!, 'base64url');
    parts[3] = Buffer.from(cipher.map((b) => b ^ 0xff)).toString('base64url');
    expect(() => new SecretBox('key-one-0123456789').open(parts.join(':'))).toThrow();
  });
});
