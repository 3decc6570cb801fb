// Inbound addresses. `<check ping key>@<domain>` reports to that check; `<anything>+<client
// inbound key>@<domain>` to that client; the configured inbox addresses (`backups@…` by default,
// `*` for every address) accept anything and rely on the checks' matching rules. Any other
// address is refused at RCPT (550), so a typo bounces to the sender instead of vanishing.
import type { CheckTargetRow, MailRoutingRepository } from '../../db/repositories/mail-routing.js';
import { BoundedCache } from '../../lib/bounded-cache.js';

export type Recipient =
  | { kind: 'check'; address: string; check: CheckTargetRow }
  | { kind: 'client'; address: string; clientId: string }
  | { kind: 'inbox'; address: string };

export interface AddressOptions {
  /** Lower-case domains accepted; null: any domain. */
  domains: readonly string[] | null;
  /** Lower-case local parts or full addresses that accept anything; `*` accepts every address. */
  inboxes: readonly string[];
}

export function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  if (at < 0) return { local: address, domain: '' };
  return { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

export class AddressBook {
  // Short-lived: a check or client deleted elsewhere stops resolving within a minute.
  private readonly checks = new BoundedCache<string, { row: CheckTargetRow | null; at: number }>(100_000);
  private readonly clients = new BoundedCache<string, { id: string | null; at: number }>(10_000);
  private static readonly TTL_MS = 60_000;

  constructor(
    private readonly repo: MailRoutingRepository,
    readonly options: AddressOptions,
  ) {}

  acceptsDomain(address: string): boolean {
    const { domain } = splitAddress(address);
    return this.options.domains === null || this.options.domains.includes(domain);
  }

  /** What an address reports to, or null when no one receives mail there. */
  async resolve(address: string): Promise<Recipient | null> {
    const addr = address.trim();
    if (!this.acceptsDomain(addr)) return null;
    const { local } = splitAddress(addr);
    const plus = local.indexOf('+');
    const base = plus < 0 ? local : local.slice(0, plus);
    const tag = plus < 0 ? null : local.slice(plus + 1);
    if (tag) {
      const clientId = await this.client(tag);
      if (clientId) return { kind: 'client', address: addr, clientId };
    }
    const check = await this.check(base);
    if (check) return { kind: 'check', address: addr, check };
    const inboxes = this.options.inboxes;
    if (inboxes.includes('*') || inboxes.includes(base.toLowerCase()) || inboxes.includes(`${base}@${splitAddress(addr).domain}`.toLowerCase())) {
      return { kind: 'inbox', address: addr };
    }
    return null;
  }

  /** Forget cached lookups (a check's rules or address changed here). */
  forget(): void {
    this.checks.clear();
    this.clients.clear();
  }

  private async check(key: string): Promise<CheckTargetRow | null> {
    if (key === '' || key.length > 64) return null;
    const now = Date.now();
    const hit = this.checks.get(key);
    if (hit && now - hit.at < AddressBook.TTL_MS) return hit.row;
    const row = (await this.repo.checkByPingKey(key)) ?? null;
    this.checks.set(key, { row, at: now });
    return row;
  }

  private async client(key: string): Promise<string | null> {
    if (key.length > 64) return null;
    const now = Date.now();
    const hit = this.clients.get(key);
    if (hit && now - hit.at < AddressBook.TTL_MS) return hit.id;
    const id = (await this.repo.clientByInboundKey(key))?.id ?? null;
    this.clients.set(key, { id, at: now });
    return id;
  }
}
