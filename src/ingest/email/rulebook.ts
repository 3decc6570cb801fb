// The checks that carry e-mail rules, compiled once and kept for a couple of seconds: matching
// runs every message against all of them, so they must not be read and compiled per message.
// Changes made through this instance apply at once (invalidate); other instances' within the TTL.
import type { MailRoutingRepository } from '../../db/repositories/mail-routing.js';
import { parseStoredRules } from '../../domain/email-rules.js';
import type { CheckForMail } from './jobs.js';

const TTL_MS = 2000;

export class RuleBook {
  private loaded: { at: number; checks: CheckForMail[]; byId: Map<string, CheckForMail> } | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly repo: MailRoutingRepository) {}

  invalidate(): void {
    this.loaded = null;
  }

  async all(): Promise<CheckForMail[]> {
    return (await this.current()).checks;
  }

  async byId(id: string): Promise<CheckForMail | undefined> {
    return (await this.current()).byId.get(id);
  }

  private async current(): Promise<{ checks: CheckForMail[]; byId: Map<string, CheckForMail> }> {
    while (this.loaded === null || Date.now() - this.loaded.at > TTL_MS) {
      this.loading ??= this.load().finally(() => {
        this.loading = null;
      });
      await this.loading;
    }
    return this.loaded;
  }

  private async load(): Promise<void> {
    const rows = await this.repo.checksWithRules();
    const checks = rows.map((r) => ({ id: r.id, device_id: r.device_id, client_id: r.client_id, kind: r.kind, rules: parseStoredRules(r.email_rules) }));
    this.loaded = { at: Date.now(), checks, byId: new Map(checks.map((c) => [c.id, c])) };
  }
}
