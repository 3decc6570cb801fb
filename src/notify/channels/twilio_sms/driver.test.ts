import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../domain/notify.js';
import { classifyTwilio, fitLine, smsAlertLine, smsText, twilioSmsDriver } from './driver.js';
import { cutGsm, gsmUnits, toGsm } from './gsm.js';

const answer = (status: number, body = '', retryAfterMs: number | null = null) => ({ status, body, retryAfterMs });
const twilioError = (status: number, code: number, message: string) => answer(status, JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));

function event(over: Partial<AlertEvent['alert']> = {}, topic: AlertEvent['event'] = 'alert.raised'): AlertEvent {
  return {
    event: topic,
    at: '2026-11-20T01:12:00Z',
    alert: {
      id: '0193a5b2-7c1e-7d4f-9a3b-2f6c8e1d0a55', type: 'job_failed', severity: 'critical', state: 'open', scope: 'check', client_id: 'c1', client_name: 'Acme Widgets',
      device_id: 'd1', device_name: 'FILESERVER01', check_id: null, check_name: null, integration_id: null, integration_name: null,
      title: 'Nightly backup failed', detail: null, condition_since: null, raised_at: null, resolved_at: null, ...over,
    },
  };
}
const URL = 'https://keepwatch.example.com';

describe('one SMS line per alert', () => {
  it('says severity, device, client, title, last good backup and the link when they fit', () => {
    expect(smsAlertLine(event(), URL, Date.parse('2026-11-18T22:00:00Z'))).toBe(
      'CRITICAL FILESERVER01 (Acme Widgets): Nightly backup failed. Last good 2026-11-18 https://keepwatch.example.com/alerts/0193a5b2-7c1e-7d4f-9a3b-2f6c8e1d0a55',
    );
  });

  it('drops the last good backup, then the client, then shortens the title, keeping severity, device and link', () => {
    const line = smsAlertLine(event({ title: `Veeam job "Daily SQL" failed: ${'the repository is out of space '.repeat(4)}` }), URL, 0);
    expect(gsmUnits(line)).toBeLessThanOrEqual(160);
    expect(line).toMatch(/^CRITICAL FILESERVER01: Veeam job "Daily SQL" failed: .+\.\. https:\/\/keepwatch\.example\.com\/alerts\/0193a5b2-7c1e-7d4f-9a3b-2f6c8e1d0a55$/);
    expect(line).not.toContain('Acme');
    expect(line).not.toContain('Last good');
  });

  it('drops the link last, when even a short title does not fit beside it', () => {
    const line = fitLine({ head: `CRITICAL ${'D'.repeat(80)}`, title: 'x'.repeat(100), client: null, lastGood: null, url: `${URL}/alerts/${'a'.repeat(40)}` });
    expect(gsmUnits(line)).toBeLessThanOrEqual(160);
    expect(line).not.toContain('https://');
  });

  it('writes resolutions and escalations as such', () => {
    expect(smsAlertLine(event({}, 'alert.resolved'), URL, null)).toMatch(/^RESOLVED FILESERVER01 /);
    expect(smsAlertLine(event({}, 'alert.escalated'), URL, null)).toMatch(/^ESCALATED CRITICAL FILESERVER01 /);
  });

  it('sums a digest up as one line of counts', () => {
    const a = (severity: string, device_id: string) => ({ id: device_id, type: 'job_failed', severity, state: 'open', title: 't', client_name: null, device_id, device_name: null, raised_at: '' });
    const text = smsText({ kind: 'digest', hour_start: '', hour_end: '', timezone: 'UTC', alerts: [a('critical', 'd1'), a('warning', 'd1'), a('warning', 'd2')] }, { publicUrl: URL }, null);
    expect(text).toBe('Keepwatch: 3 alerts in the last hour (1 critical) on 2 devices https://keepwatch.example.com/alerts');
  });
});

describe('GSM-7 text', () => {
  it('folds characters outside the alphabet so one segment holds 160, and counts extension characters twice', () => {
    expect(toGsm('Łódź – Zürich “NAS” 💾')).toBe("Lodz - Zürich \"NAS\" ?");
    expect(gsmUnits('[a]')).toBe(5);
    expect(cutGsm('x'.repeat(200), 160)).toHaveLength(160);
    expect(cutGsm('x'.repeat(200), 160).endsWith('..')).toBe(true);
  });
});

describe("reading Twilio's answers", () => {
  it('breaks the channel on bad credentials and numbers that cannot take SMS', () => {
    expect(classifyTwilio(twilioError(401, 20003, 'Authenticate'), '+447700900123')).toMatchObject({ retry: false, breaksChannel: true, status: 'HTTP 401 20003 +447700900123' });
    for (const code of [21211, 21614, 21610]) expect(classifyTwilio(twilioError(400, code, 'no'), '+1')).toMatchObject({ retry: false, breaksChannel: true, error: expect.stringContaining(`error ${code}`) });
  });

  it('retries 429 / 20429 after Retry-After, and 5xx', () => {
    expect(classifyTwilio({ ...twilioError(429, 20429, 'Too Many Requests'), retryAfterMs: 5000 }, '+1')).toMatchObject({ retry: true, breaksChannel: false, retryAfterMs: 5000 });
    expect(classifyTwilio(answer(503, '<html>'), '+1')).toMatchObject({ retry: true });
    expect(classifyTwilio(answer(201, '{"sid":"SM1"}'), '+1').ok).toBe(true);
  });
});

describe('the SMS config', () => {
  const config = { account_sid: `AC${'a'.repeat(32)}`, auth_token: 'b'.repeat(32), from: '+14155550100', to: ['+447700900123'] };
  it('names each recipient that is not E.164', () => {
    const parsed = twilioSmsDriver.parseConfig({ ...config, to: ['+447700900123', '447700900456', '+44 7700 900789'] });
    expect(parsed).toEqual({ problems: [expect.objectContaining({ field: 'config.to[1]' }), expect.objectContaining({ field: 'config.to[2]' })] });
  });

  it('defaults the API URL to Twilio’s', () => {
    expect(twilioSmsDriver.parseConfig(config)).toEqual({ config: { ...config, api_url: 'https://api.twilio.com' } });
  });
});
