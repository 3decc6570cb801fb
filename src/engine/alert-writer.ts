// Every alert transition goes through here: the alert row, its history event (with the actor)
// and a domain event in the outbox, all in the caller's transaction.
import { actorColumns } from '../db/repositories/actor.js';
import type { Tx } from '../db/transaction.js';
import type { AlertRepository } from '../db/repositories/alerts.js';
import type { AlertRow } from '../db/schema.js';
import type { Principal } from '../domain/access.js';
import type { Condition } from '../domain/history.js';
import { newId } from '../lib/ids.js';
import { toIso } from '../lib/time.js';


/** Names for the outbox payload, so a notifier never has to look anything up. */
export interface AlertNames {
  clientId: string | null;
  clientName: string | null;
  deviceId: string | null;
  deviceName: string | null;
  checkNames: Map<string, string>;
  integrationId: string | null;
  integrationName: string | null;
}

export type Topic = 'alert.raised' | 'alert.escalated' | 'alert.deescalated' | 'alert.resolved' | 'alert.acknowledged' | 'alert.dismissed';

const SYSTEM_ACTOR = { kind: 'system', id: 'engine', name: 'engine' } as const;
type Actor = Pick<Principal, 'kind' | 'id' | 'name'>;

export class AlertWriter {
  constructor(private readonly repo: AlertRepository) {}

  async raise(tx: Tx, c: Condition, names: AlertNames, replaces: string | null, now: number): Promise<AlertRow> {
    const row: AlertRow = {
      id: newId(now),
      type: c.type,
      scope: c.scope,
      scope_id: c.scopeId,
      client_id: names.clientId,
      device_id: names.deviceId,
      check_id: c.checkId,
      integration_id: c.scope === 'integration' ? c.scopeId : null,
      severity: c.severity,
      state: 'open',
      active: 1,
      title: c.title,
      detail: JSON.stringify(c.detail),
      condition_since: c.since,
      covers_until: c.coversUntil ?? null,
      raised_at: now,
      updated_at: now,
      acknowledged_at: null,
      acknowledged_by: null,
      ack_note: null,
      dismissed_at: null,
      dismissed_by: null,
      dismissed_until: null,
      resolved_at: null,
      resolved_by: null,
      replaces_id: replaces,
    };
    await this.repo.insert(tx, row);
    await this.event(tx, row, 'raised', SYSTEM_ACTOR, now, { to: row.severity, note: replaces ? `raised again: ${replaces} was dismissed and still holds` : null });
    await this.publish(tx, 'alert.raised', row, names, now, {});
    return row;
  }

  async update(tx: Tx, a: AlertRow, c: Condition, change: 'up' | 'down' | null, notify: boolean, names: AlertNames, now: number): Promise<void> {
    const cols: Partial<AlertRow> = { severity: c.severity, title: c.title, detail: JSON.stringify(c.detail), updated_at: now, covers_until: c.coversUntil ?? a.covers_until };
    await this.repo.update(tx, a.id, cols);
    if (change === null) return;
    const row = { ...a, ...cols };
    await this.event(tx, row, change === 'up' ? 'escalated' : 'deescalated', SYSTEM_ACTOR, now, { from: a.severity, to: c.severity });
    if (notify) await this.publish(tx, change === 'up' ? 'alert.escalated' : 'alert.deescalated', row, names, now, { previous_severity: a.severity });
  }

  async resolve(tx: Tx, a: AlertRow, notify: boolean, names: AlertNames, now: number, actor: Actor = SYSTEM_ACTOR, note: string | null = null): Promise<void> {
    const cols: Partial<AlertRow> = { state: 'resolved', active: 0, resolved_at: now, resolved_by: actor.name, updated_at: now };
    await this.repo.update(tx, a.id, cols);
    const row = { ...a, ...cols };
    await this.event(tx, row, 'resolved', actor, now, { note });
    if (notify) await this.publish(tx, 'alert.resolved', row, names, now, { was: a.state });
  }

  /** A dismissed alert that is raised again: it gives up its slot and stays dismissed. */
  async close(tx: Tx, a: AlertRow, now: number): Promise<void> {
    await this.repo.update(tx, a.id, { active: 0, updated_at: now });
    await this.event(tx, a, 'superseded', SYSTEM_ACTOR, now, { note: 'still holds after the dismissal ran out; raised again' });
  }

  async acknowledge(tx: Tx, a: AlertRow, actor: Actor, note: string | null, names: AlertNames, now: number): Promise<AlertRow> {
    const cols: Partial<AlertRow> = { state: 'acknowledged', acknowledged_at: now, acknowledged_by: actor.name, ack_note: note, updated_at: now };
    await this.repo.update(tx, a.id, cols);
    const row = { ...a, ...cols };
    await this.event(tx, row, 'acknowledged', actor, now, { note });
    await this.publish(tx, 'alert.acknowledged', row, names, now, { note, by: actor.name });
    return row;
  }

  async dismiss(tx: Tx, a: AlertRow, actor: Actor, until: number, note: string | null, names: AlertNames, now: number): Promise<AlertRow> {
    const cols: Partial<AlertRow> = { state: 'dismissed', dismissed_at: now, dismissed_by: actor.name, dismissed_until: until, updated_at: now };
    await this.repo.update(tx, a.id, cols);
    const row = { ...a, ...cols };
    await this.event(tx, row, 'dismissed', actor, now, { note });
    await this.publish(tx, 'alert.dismissed', row, names, now, { note, by: actor.name, until: toIso(until) });
    return row;
  }

  private async event(
    tx: Tx,
    a: AlertRow,
    kind: string,
    actor: Actor,
    now: number,
    extra: { from?: string; to?: string; note?: string | null },
  ): Promise<void> {
    await this.repo.addEvent(tx, {
      id: newId(now),
      alert_id: a.id,
      at: now,
      kind,
      ...actorColumns(actor),
      from_severity: extra.from ?? null,
      to_severity: extra.to ?? null,
      note: extra.note ?? null,
    });
  }

  private async publish(tx: Tx, topic: Topic, a: AlertRow, names: AlertNames, now: number, extra: Record<string, unknown>): Promise<void> {
    const payload = {
      event: topic,
      at: new Date(now).toISOString(),
      alert: {
        id: a.id,
        type: a.type,
        severity: a.severity,
        state: a.state,
        scope: a.scope,
        client_id: a.client_id,
        client_name: names.clientName,
        device_id: a.device_id,
        device_name: names.deviceName,
        check_id: a.check_id,
        check_name: a.check_id ? (names.checkNames.get(a.check_id) ?? null) : null,
        integration_id: a.integration_id,
        integration_name: names.integrationName,
        title: a.title,
        detail: JSON.parse(a.detail) as unknown,
        condition_since: toIso(a.condition_since),
        raised_at: toIso(a.raised_at),
        resolved_at: toIso(a.resolved_at),
      },
      ...extra,
    };
    await this.repo.addOutbox(tx, { id: newId(now), topic, alert_id: a.id, payload: JSON.stringify(payload), created_at: now });
  }
}
