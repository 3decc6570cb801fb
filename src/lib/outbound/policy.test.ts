import { describe, expect, it } from 'vitest';
import { type AllowEntry, isInternalAddress, outboundAllowed, parseAllowEntry, parseOutboundAllow, refusalMessage, unmapped } from './policy.js';

const allow = (raw: string): AllowEntry[] => {
  const parsed = parseOutboundAllow(raw);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.entries;
};
const to = (address: string, port = 443, host = address) => ({ host, address, port });

describe('the outbound address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'cloud metadata (link-local)'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex form'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata address'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ])('refuses %s (%s) when nothing allows it', (address) => {
    expect(isInternalAddress(address)).toBe(true);
    expect(outboundAllowed([], to(address))).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(isInternalAddress(address)).toBe(false);
    expect(outboundAllowed([], to(address))).toBe(true);
  });

  it('treats anything that is not an IP address as internal', () => {
    expect(isInternalAddress('localhost')).toBe(true);
  });

  it('reads IPv4-mapped IPv6 addresses as the IPv4 address they carry', () => {
    expect(unmapped('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(unmapped('[::FFFF:127.0.0.1]')).toBe('127.0.0.1');
    expect(unmapped('::1')).toBe('::1');
    expect(refusalMessage('::ffff:a9fe:a9fe')).toBe('outbound address 169.254.169.254 is not allowed; see KEEPWATCH_OUTBOUND_ALLOW');
  });

  it('allows a network given as a CIDR, on any port unless one is given', () => {
    const entries = allow('10.0.0.0/8, 192.168.5.0/24:8443');
    expect(outboundAllowed(entries, to('10.200.0.1', 5432))).toBe(true);
    expect(outboundAllowed(entries, to('::ffff:10.200.0.1', 80))).toBe(true);
    expect(outboundAllowed(entries, to('192.168.5.7', 8443))).toBe(true);
    expect(outboundAllowed(entries, to('192.168.5.7', 443))).toBe(false);
    expect(outboundAllowed(entries, to('192.168.6.7', 8443))).toBe(false);
    expect(outboundAllowed(entries, to('127.0.0.1', 80))).toBe(false);
  });

  it('allows one address, with or without a port', () => {
    const entries = allow('127.0.0.1:8081,169.254.169.254');
    expect(outboundAllowed(entries, to('127.0.0.1', 8081))).toBe(true);
    expect(outboundAllowed(entries, to('127.0.0.1', 5432))).toBe(false);
    expect(outboundAllowed(entries, to('127.0.0.2', 8081))).toBe(false);
    expect(outboundAllowed(entries, to('169.254.169.254', 80))).toBe(true);
  });

  it('allows a host by the name asked for, whatever it resolves to, on its port', () => {
    const entries = allow('psa.internal:443,Mail.Example.LAN');
    expect(outboundAllowed(entries, to('10.9.9.9', 443, 'psa.internal'))).toBe(true);
    expect(outboundAllowed(entries, to('10.9.9.9', 443, 'PSA.internal.'))).toBe(true);
    expect(outboundAllowed(entries, to('10.9.9.9', 80, 'psa.internal'))).toBe(false);
    expect(outboundAllowed(entries, to('10.9.9.9', 993, 'mail.example.lan'))).toBe(true);
    // Another name that resolves to the same internal address is not allowed by it.
    expect(outboundAllowed(entries, to('10.9.9.9', 443, 'rebound.example.com'))).toBe(false);
  });

  it('allows IPv6 addresses and networks, bracketed when a port follows', () => {
    const entries = allow('::1,[fd00::/8]:443,fe80::/10');
    expect(outboundAllowed(entries, to('::1', 1234))).toBe(true);
    expect(outboundAllowed(entries, to('fd12::5', 443))).toBe(true);
    expect(outboundAllowed(entries, to('fd12::5', 80))).toBe(false);
    expect(outboundAllowed(entries, to('fc00::5', 443))).toBe(false);
    expect(outboundAllowed(entries, to('fe80::abcd', 80))).toBe(true);
    // An IPv6 entry does not open the IPv4 address space, nor the reverse.
    expect(outboundAllowed(allow('127.0.0.0/8'), to('::1'))).toBe(false);
    expect(parseAllowEntry('[::1]:8081')).toMatchObject({ kind: 'net', address: '::1', prefix: 128, port: 8081 });
  });

  it('names each entry it cannot read', () => {
    const parsed = parseOutboundAllow('10.0.0.0/33,psa.internal:99999,[::1,host name,10.0.0.0/8,/8,1.2.3');
    expect(parsed).toEqual({
      problems: [
        expect.stringContaining('"10.0.0.0/33"'),
        expect.stringContaining('"psa.internal:99999"'),
        expect.stringContaining('"[::1"'),
        expect.stringContaining('"host name"'),
        expect.stringContaining('"/8"'),
        expect.stringContaining('"1.2.3"'),
      ],
    });
  });

  it('reads an empty list, and ignores blanks between commas', () => {
    expect(parseOutboundAllow('')).toEqual({ entries: [] });
    expect(allow(' 127.0.0.1 , ,localhost:8080 ')).toEqual([
      { kind: 'net', address: '127.0.0.1', prefix: 32, family: 'ipv4', port: null, text: '127.0.0.1' },
      { kind: 'host', host: 'localhost', port: 8080, text: 'localhost:8080' },
    ]);
  });
});
