import { describe, expect, it } from 'vitest';
import { evaluateIntegration, type IntegrationHealth, isBroken } from './integration.js';
import { DEFAULT_CONFIG, mergeConfig } from './settings.js';
import { HOUR, T0 } from './test-factories.js';

const health = (overrides: Partial<IntegrationHealth> = {}): IntegrationHealth => ({
  id: 'int-1',
  name: 'Contoso M365',
  type: 'm365',
  source: 'm365',
  authError: null,
  authSince: null,
  quotaError: null,
  quotaSince: null,
  lastSuccessAt: T0,
  ...overrides,
});

describe('integration alerts', () => {
  it('raises nothing for a healthy integration', () => {
    expect(isBroken(health())).toBe(false);
    expect(evaluateIntegration(health(), DEFAULT_CONFIG, T0 + HOUR, 0)).toEqual([]);
  });

  it('raises integration_auth as critical when credentials or consent were refused, saying how many devices wait', () => {
    const h = health({ authError: 'consent revoked', authSince: T0 + HOUR });
    expect(isBroken(h)).toBe(true);
    const [c] = evaluateIntegration(h, DEFAULT_CONFIG, T0 + 2 * HOUR, 3);
    expect(c).toMatchObject({ type: 'integration_auth', scope: 'integration', scopeId: 'int-1', severity: 'critical', since: T0 + HOUR, detail: { devices_held_back: 3 } });
    expect(c!.title).toContain('3 devices waiting');
  });

  it('raises integration_quota as a warning when the quota blocks syncs', () => {
    const [c] = evaluateIntegration(health({ quotaError: '429', quotaSince: T0 }), DEFAULT_CONFIG, T0 + HOUR, 0);
    expect(c).toMatchObject({ type: 'integration_quota', severity: 'warning', since: T0, suppressed: false, inhibitedBy: null });
  });

  it('drops a type whose category is switched off', () => {
    const h = health({ authError: 'x', quotaError: 'y' });
    expect(evaluateIntegration(h, DEFAULT_CONFIG, T0, 0).map((c) => c.type)).toEqual(['integration_auth', 'integration_quota']);
    expect(evaluateIntegration(h, mergeConfig({ categories: { integration_auth: false } }), T0, 0).map((c) => c.type)).toEqual(['integration_quota']);
  });
});

describe('mergeConfig', () => {
  it('layers workspace and client overrides on the defaults, deeply', () => {
    const c = mergeConfig({ timezone: 'Europe/Berlin', thresholds: { sla_hours: { server: 24 } } }, { thresholds: { sla_hours: { workstation: 48 }, quota_percent: 90 } });
    expect(c.timezone).toBe('Europe/Berlin');
    expect(c.thresholds.sla_hours).toEqual({ server: 24, workstation: 48, saas: 60 });
    expect(c.thresholds.quota_percent).toBe(90);
    expect(c.thresholds.copy_window_hours).toBe(4);
    expect(DEFAULT_CONFIG.thresholds.sla_hours.server).toBe(12);
  });
});
