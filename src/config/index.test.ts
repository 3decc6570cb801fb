import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('works with no configuration at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, smtpPort: 2525, databaseUrl: null, publicUrl: 'http://localhost:8080', workers: true });
    expect(c.dataDir).toMatch(/\/data$/);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ KEEPWATCH_PORT: '99999', KEEPWATCH_DATABASE_URL: 'mysql://x', KEEPWATCH_LOG_LEVEL: 'loud' });
      expect.fail('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as Error).message;
      expect(text).toContain('KEEPWATCH_PORT');
      expect(text).toContain('KEEPWATCH_DATABASE_URL');
      expect(text).toContain('KEEPWATCH_LOG_LEVEL');
    }
  });

  it('reads KEEPWATCH_EVAL_THREADS: unset leaves the choice to the command, 0 evaluates in-process, junk is named', () => {
    expect(loadConfig({}).evalThreads).toBeNull();
    expect(loadConfig({ KEEPWATCH_EVAL_THREADS: '0' }).evalThreads).toBe(0);
    expect(loadConfig({ KEEPWATCH_EVAL_THREADS: '3' }).evalThreads).toBe(3);
    for (const bad of ['-1', 'two', '1.5', '17']) expect(() => loadConfig({ KEEPWATCH_EVAL_THREADS: bad })).toThrow(/KEEPWATCH_EVAL_THREADS: expected a whole number from 0 to 16/);
  });

  it('requires a secret key with PostgreSQL, so all instances share it', () => {
    expect(() => loadConfig({ KEEPWATCH_DATABASE_URL: 'postgres://localhost/kw' })).toThrow(/KEEPWATCH_SECRET_KEY/);
  });

  it('reads KEEPWATCH_OUTBOUND_ALLOW: hosts, IPs and CIDRs, each optionally with a port; none by default', () => {
    expect(loadConfig({}).outboundAllow).toEqual([]);
    const c = loadConfig({ KEEPWATCH_OUTBOUND_ALLOW: '10.0.0.0/8, psa.internal:443,127.0.0.1:8081,[::1]:9000' });
    expect(c.outboundAllow.map((e) => e.text)).toEqual(['10.0.0.0/8', 'psa.internal:443', '127.0.0.1:8081', '[::1]:9000']);
    expect(c.outboundAllow[1]).toMatchObject({ kind: 'host', host: 'psa.internal', port: 443 });
  });

  it('fails loudly on a bad KEEPWATCH_OUTBOUND_ALLOW entry, naming the variable and the entry', () => {
    expect(() => loadConfig({ KEEPWATCH_OUTBOUND_ALLOW: '10.0.0.0/8,10.0.0.0/40' })).toThrow(/KEEPWATCH_OUTBOUND_ALLOW: "10\.0\.0\.0\/40"/);
    expect(() => loadConfig({ KEEPWATCH_OUTBOUND_ALLOW: 'psa.internal:http' })).toThrow(/KEEPWATCH_OUTBOUND_ALLOW: "psa\.internal:http"/);
  });

  it('reads secrets from *_FILE variables', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/kwcfg-');
    writeFileSync(`${dir}/key`, 'a-long-enough-secret-key\n');
    expect(loadConfig({ KEEPWATCH_SECRET_KEY_FILE: `${dir}/key` }).secretKey).toBe('a-long-enough-secret-key');
  });
});
