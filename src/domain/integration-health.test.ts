import { describe, expect, it } from 'vitest';
import { type ChannelFacts, channelHealth, connectorHealth, mailboxHealth, NO_RELAY_HEALTH } from './integration-health.js';
import { HOUR, T0 } from './test-factories.js';

describe('connector health, from the last sync', () => {
  it('is unknown when it never synced', () => {
    expect(connectorHealth({ status: null, error: null, at: null })).toEqual({ health: 'unknown', detail: null, checkedAt: null });
  });

  it('is ok after a sync that succeeded, failing after one that failed or partly failed', () => {
    expect(connectorHealth({ status: 'succeeded', error: null, at: T0 })).toEqual({ health: 'ok', detail: null, checkedAt: T0 });
    expect(connectorHealth({ status: 'failed', error: 'AADSTS7000222: expired', at: T0 })).toEqual({ health: 'failing', detail: 'AADSTS7000222: expired', checkedAt: T0 });
    expect(connectorHealth({ status: 'partial', error: 'vault a: 500', at: T0 })).toMatchObject({ health: 'failing', detail: 'vault a: 500' });
    expect(connectorHealth({ status: 'failed', error: null, at: T0 }).detail).toBe('the last sync failed');
  });

  it('is unknown after a sync stopped by a shutdown: it proved nothing either way', () => {
    expect(connectorHealth({ status: 'abandoned', error: null, at: T0 })).toMatchObject({ health: 'unknown', detail: 'the last sync did not finish' });
  });
});

describe('mailbox health, from the last poll', () => {
  it('is unknown, ok or failing', () => {
    expect(mailboxHealth({ at: null, error: null }).health).toBe('unknown');
    expect(mailboxHealth({ at: T0, error: null })).toEqual({ health: 'ok', detail: null, checkedAt: T0 });
    expect(mailboxHealth({ at: T0, error: 'invalid_client' })).toEqual({ health: 'failing', detail: 'invalid_client', checkedAt: T0 });
  });
});

describe('channel health, from the last delivery attempt or test', () => {
  const facts = (overrides: Partial<ChannelFacts> = {}): ChannelFacts => ({
    type: 'webhook',
    relay: false,
    brokenAt: null,
    brokenReason: null,
    failingSince: null,
    lastAttempt: null,
    lastFailure: null,
    ...overrides,
  });
  const sent = { at: T0, sent: true, status: 'HTTP 200', response: 'ok' };
  const refused = { at: T0 + HOUR, sent: false, status: 'HTTP 500', response: 'the receiver answered 500\nboom' };

  it('is unknown before any attempt, ok after one that went through, failing after one that did not', () => {
    expect(channelHealth(facts())).toEqual({ health: 'unknown', detail: null, checkedAt: null });
    expect(channelHealth(facts({ lastAttempt: sent }))).toEqual({ health: 'ok', detail: null, checkedAt: T0 });
    expect(channelHealth(facts({ lastAttempt: refused }))).toEqual({ health: 'failing', detail: 'the receiver answered 500\nboom', checkedAt: T0 + HOUR });
  });

  it('is failing for an e-mail channel without a relay, whatever it sent before', () => {
    expect(channelHealth(facts({ type: 'email' }))).toMatchObject({ health: 'failing', detail: NO_RELAY_HEALTH });
    expect(channelHealth(facts({ type: 'email', lastAttempt: sent }))).toMatchObject({ health: 'failing', detail: NO_RELAY_HEALTH, checkedAt: T0 });
    expect(channelHealth(facts({ type: 'email', relay: true, lastAttempt: sent })).health).toBe('ok');
  });

  it('is failing while broken or backing off, even when a later attempt went through', () => {
    expect(channelHealth(facts({ brokenAt: T0, brokenReason: 'HTTP 404: no such webhook' }))).toMatchObject({ health: 'failing', detail: 'HTTP 404: no such webhook', checkedAt: T0 });
    expect(channelHealth(facts({ failingSince: T0, lastAttempt: { ...sent, at: T0 + 2 * HOUR }, lastFailure: refused }))).toMatchObject({
      health: 'failing',
      detail: 'the receiver answered 500\nboom',
      checkedAt: T0 + 2 * HOUR,
    });
  });
});
