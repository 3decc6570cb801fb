// Which addresses an outbound connection may reach: the pure rule, no I/O. Public addresses are
// always allowed; loopback, private, link-local, unique-local, CGNAT, unspecified, multicast and
// reserved ones (and their IPv4-mapped IPv6 forms) only when an entry of KEEPWATCH_OUTBOUND_ALLOW
// names the host, the address or a network holding it, and, when the entry has one, the port.
import { BlockList, isIP, isIPv4 } from 'node:net';

export type AllowEntry =
  | { readonly kind: 'host'; readonly host: string; readonly port: number | null; readonly text: string }
  | { readonly kind: 'net'; readonly address: string; readonly prefix: number; readonly family: 'ipv4' | 'ipv6'; readonly port: number | null; readonly text: string };

/** Where a connection goes: the name asked for (host or IP literal), the address connected to, the port. */
export interface Destination {
  host: string;
  address: string;
  port: number;
}

const BLOCKED: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", 0.0.0.0 unspecified
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // CGNAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'], // unspecified
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64: an IPv4 address inside
  ['fc00::', 7, 'ipv6'], // unique-local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['ff00::', 8, 'ipv6'], // multicast
];

const blocked = new BlockList();
for (const [address, prefix, family] of BLOCKED) blocked.addSubnet(address, prefix, family);

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` as the IPv4 address they carry; anything else as is. */
export function unmapped(address: string): string {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/.exec(a);
  if (m === null || isIP(a) !== 6) return a;
  const tail = m[1]!;
  if (isIPv4(tail)) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  if (hex === null) return a;
  const hi = Number.parseInt(hex[1]!, 16);
  const lo = Number.parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an IP address is one of the internal kinds that need an allow entry. */
export function isInternalAddress(address: string): boolean {
  const a = unmapped(address);
  const family = isIP(a);
  if (family === 0) return true; // not an address: never connect to it unchecked
  return blocked.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

const normalHost = (host: string) => host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

function entryHolds(entry: AllowEntry, d: Destination): boolean {
  if (entry.port !== null && entry.port !== d.port) return false;
  if (entry.kind === 'host') return entry.host === normalHost(d.host);
  const a = unmapped(d.address);
  const family = isIP(a) === 4 ? 'ipv4' : 'ipv6';
  if (family !== entry.family) return false;
  const list = new BlockList();
  list.addSubnet(entry.address, entry.prefix, entry.family);
  return list.check(a, family);
}

/** Whether a connection to `d` may be made under `allow`. */
export function outboundAllowed(allow: readonly AllowEntry[], d: Destination): boolean {
  if (!isInternalAddress(d.address)) return true;
  return allow.some((e) => entryHolds(e, d));
}

export function refusalMessage(address: string): string {
  return `outbound address ${unmapped(address)} is not allowed; see KEEPWATCH_OUTBOUND_ALLOW`;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/;

function parsePort(raw: string): number | null {
  if (!/^\d{1,5}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= 65535 ? n : null;
}

/** One entry: a host, an IP or a CIDR, optionally `:port` (IPv6 in brackets when a port follows). */
export function parseAllowEntry(text: string): AllowEntry | string {
  const t = text.trim().toLowerCase();
  let target = t;
  let portText: string | null = null;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return `"${text}": missing "]"`;
    target = t.slice(1, close);
    const rest = t.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return `"${text}": expected ":port" after "]"`;
      portText = rest.slice(1);
    }
  } else if ((t.match(/:/g) ?? []).length === 1) {
    const at = t.lastIndexOf(':');
    target = t.slice(0, at);
    portText = t.slice(at + 1);
  }
  const port = portText === null ? null : parsePort(portText);
  if (portText !== null && port === null) return `"${text}": "${portText}" is not a port (1-65535)`;
  const slash = target.indexOf('/');
  const address = slash < 0 ? target : target.slice(0, slash);
  const family = isIP(address);
  if (family !== 0) {
    const max = family === 4 ? 32 : 128;
    const prefixText = slash < 0 ? String(max) : target.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
    if (prefix < 0 || prefix > max) return `"${text}": "/${prefixText}" is not a prefix length (0-${max})`;
    return { kind: 'net', address, prefix, family: family === 4 ? 'ipv4' : 'ipv6', port, text: t };
  }
  if (slash >= 0) return `"${text}": a network must be an IP address with a prefix length, such as 10.0.0.0/8`;
  const host = normalHost(target);
  if (/^[\d.]+$/.test(host) || !HOSTNAME.test(host)) return `"${text}": not a host name, IP address or CIDR`;
  return { kind: 'host', host, port, text: t };
}

/** A comma-separated list; the entries, or what is wrong with each bad one. */
export function parseOutboundAllow(raw: string): { entries: AllowEntry[] } | { problems: string[] } {
  const entries: AllowEntry[] = [];
  const problems: string[] = [];
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const e = parseAllowEntry(part);
    if (typeof e === 'string') problems.push(e);
    else entries.push(e);
  }
  return problems.length > 0 ? { problems } : { entries };
}
