// Pages, queued by the schedule: for every pager (PagerDuty, Opsgenie), the open alerts for which one
// of its escalation rules holds now — type, device class, severity, open long enough, inside or
// outside the business hours of the alert's client (else the workspace's). A condition that becomes
// true with time ("overdue by more than 6 h outside business hours") is seen on the next look, as
// repeats are. Each page has the key `page:<alert>:<channel>`: with several instances, one page.
import type { DeliveryRepository } from '../db/repositories/deliveries.js';
import type { NotifyReadRepository } from '../db/repositories/notify-reads.js';
import type { DeliveryRow } from '../db/schema.js';
import { inBusinessHours } from '../domain/business-hours.js';
import { matchesFilters } from '../domain/notify.js';
import { DEFAULT_RULES, type PageRule, pagingRule } from '../domain/paging.js';
import type { Severity } from '../domain/settings.js';
import { newId } from '../lib/ids.js';
import { type ChannelView, routable } from './channel-model.js';
import { deliveryRow } from './router.js';
import { eventOf } from './events.js';
import type { SettingsService } from '../engine/settings.js';

export class NotifyPaging {
  constructor(
    private readonly reads: NotifyReadRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly settings: SettingsService,
  ) {}

  /** Queues the pages that fell due; answers how many. */
  async tick(views: ChannelView[], now: number): Promise<number> {
    const pagers = views.filter((v) => v.driver.pages === true);
    if (pagers.length === 0) return 0;
    const alerts = await this.reads.openForPaging(Math.min(...pagers.map((v) => v.row.created_at)));
    if (alerts.length === 0) return 0;
    const told = await this.deliveries.channelsNotified(alerts.map((a) => a.id));
    const business = this.businessHours(now);
    const rows: DeliveryRow[] = [];
    for (const v of pagers) {
      const target = routable(v);
      const rules = (v.stored.rules as PageRule[] | undefined) ?? DEFAULT_RULES;
      for (const a of alerts) {
        if (a.raised_at < v.row.created_at || told.get(a.id)?.has(v.row.id)) continue;
        const severity = a.severity as Severity;
        if (!matchesFilters(target, { client_id: a.client_id, severity, type: a.type })) continue;
        const candidate = { type: a.type, severity, device_class: a.device_class, condition_since: Number(a.condition_since) };
        if (!(await pagingRuleAsync(rules, candidate, now, () => business(a.client_id)))) continue;
        rows.push(deliveryRow(v.row.id, a.id, 'alert.raised', newId(now), `page:${a.id}:${v.row.id}`, { kind: 'alert', event: eventOf(a, 'alert.raised', now) }, now));
      }
    }
    if (rows.length === 0) return 0;
    // A page that failed for good is not "told" but its key is taken: count only what is new, so
    // a schedule run until idle sees nothing left to do.
    const taken = await this.deliveries.existingKeys(rows.map((r) => r.idempotency_key));
    const fresh = rows.filter((r) => !taken.has(r.idempotency_key));
    if (fresh.length > 0) await this.deliveries.insertAll(fresh);
    return fresh.length;
  }

  /** Whether now is inside a client's business hours (its own, else the workspace's), asked once per client per look. */
  private businessHours(now: number): (clientId: string | null) => Promise<boolean> {
    const memo = new Map<string | null, Promise<boolean>>();
    return (clientId) => {
      let hit = memo.get(clientId);
      if (!hit) {
        hit = this.settings.effective(clientId).then((c) => inBusinessHours(c.business_hours, c.timezone, now));
        memo.set(clientId, hit);
      }
      return hit;
    };
  }
}

/** pagingRule with the business-hours question answered only for rules that ask it. */
async function pagingRuleAsync(rules: readonly PageRule[], a: Parameters<typeof pagingRule>[1], now: number, business: () => Promise<boolean>): Promise<boolean> {
  const needs = rules.some((r) => (r.hours ?? 'any') !== 'any');
  const inside = needs ? await business() : false;
  return pagingRule(rules, a, now, () => inside) !== null;
}
