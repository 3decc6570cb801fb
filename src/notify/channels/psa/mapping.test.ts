import { describe, expect, it } from 'vitest';
import type { AlertEventAlert } from '../../../domain/notify.js';
import { companyFor, mappingFor, meetsMapping } from './mapping.js';
import { markerOf, SUMMARY_MAX, ticketDescription, ticketSummary } from './ticket-text.js';

const alert: AlertEventAlert = {
  id: '01937b2c-0000-7000-8000-000000000001',
  type: 'job_failed',
  severity: 'warning',
  state: 'open',
  scope: 'check',
  client_id: 'c1',
  client_name: 'Contoso Ltd',
  device_id: 'd1',
  device_name: 'CT-DC01',
  check_id: 'k1',
  check_name: 'Nightly backup',
  integration_id: null,
  integration_name: null,
  title: 'Nightly backup: failed 3 times in a row',
  detail: { message: 'VSS snapshot failed' },
  condition_since: '2026-11-02T07:00:00.000Z',
  raised_at: '2026-11-02T07:00:00.000Z',
  resolved_at: null,
};

describe('ticket mapping', () => {
  it('defaults to the spec: job_failed from critical, overdue high, DR test high, consent critical', () => {
    const jf = mappingFor({}, 'job_failed')!;
    expect(jf).toMatchObject({ priority: 'critical', title: 'Backup Failure', min_severity: 'critical' });
    expect(meetsMapping(jf, alert)).toBe(false);
    expect(meetsMapping(jf, { severity: 'critical' })).toBe(true);
    expect(mappingFor({}, 'backup_overdue')).toMatchObject({ priority: 'high', title: 'Backup Overdue' });
    expect(mappingFor({}, 'verification_failed')).toMatchObject({ priority: 'high', title: 'DR Test Failure' });
    expect(mappingFor({}, 'integration_auth')).toMatchObject({ priority: 'critical', title: 'SaaS Connection Error' });
    expect(mappingFor({}, 'size_anomaly')).toBeNull();
  });

  it('never tickets integration problems such as a failing channel, whatever the mapping says', () => {
    expect(mappingFor({ mapping: { channel_failing: { ticket: true } } }, 'channel_failing')).toBeNull();
    expect(mappingFor({ mapping: { integration_quota: { ticket: true } } }, 'integration_quota')).toBeNull();
  });

  it("takes the channel's entries over the defaults, and can switch one off", () => {
    expect(mappingFor({ mapping: { job_failed: { ticket: true, min_severity: 'warning' } } }, 'job_failed')).toMatchObject({ title: 'Backup Failure', min_severity: 'warning' });
    expect(mappingFor({ mapping: { backup_overdue: { ticket: false } } }, 'backup_overdue')).toBeNull();
    expect(mappingFor({ mapping: { size_anomaly: { ticket: true } } }, 'size_anomaly')).toMatchObject({ priority: 'medium', title: 'size anomaly' });
  });

  it("files an alert under its client's company, or the MSP's own when it has no client", () => {
    expect(companyFor({ companies: { c1: 23 } }, alert)).toBe(23);
    expect(companyFor({ companies: {} }, alert)).toBeNull();
    expect(companyFor({ msp_company_id: 1 }, { client_id: null, scope: 'integration' })).toBe(1);
  });
});

describe('ticket text', () => {
  it('fits ConnectWise’s 100 characters and always keeps the marker', () => {
    const long = ticketSummary('Backup Failure', { ...alert, title: 'x'.repeat(300) });
    expect(long.length).toBe(SUMMARY_MAX);
    expect(long.endsWith(markerOf(alert.id))).toBe(true);
    expect(ticketSummary('Backup Failure', { ...alert, title: 'Nightly backup failed' })).toBe(`Backup Failure: CT-DC01: Nightly backup failed ${markerOf(alert.id)}`);
    expect(ticketSummary('Backup Failure', alert)).toBe(`Backup Failure: CT-DC01: Nightly backup: failed 3 times i… ${markerOf(alert.id)}`);
  });

  it('says where, since when, the last good backup, and links back', () => {
    const d = ticketDescription(alert, 'https://kw.example', Date.parse('2026-11-01T01:12:00Z'));
    expect(d).toContain('Client: Contoso Ltd');
    expect(d).toContain('Device: CT-DC01');
    expect(d).toContain('Last good backup: 2026-11-01 01:12 UTC');
    expect(d).toContain('https://kw.example/alerts/01937b2c-0000-7000-8000-000000000001');
    expect(d).toContain('https://kw.example/devices/d1');
    expect(ticketDescription(alert, 'https://kw.example', null)).toContain('Last good backup: never');
  });
});
