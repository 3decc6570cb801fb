// review_overdue: one workspace problem, not one per run (docs/review.md). Looked at by the
// notification schedule's periodic pass: after today's review_due_hour, a failed or warning run of
// yesterday or earlier (within 7 days) that no one has reviewed raises it; it resolves once those
// days' queue is empty. Scope integration with a fixed id, as channel_failing's, so the alerts'
// "one open per (scope, type)" index keeps it single across instances; routed like every alert.
import type { AlertRepository } from '../db/repositories/alerts.js';
import type { ReviewRepository } from '../db/repositories/reviews.js';
import type { Transactor } from '../db/transaction.js';
import { ConflictError } from '../domain/errors.js';
import type { Condition } from '../domain/history.js';
import { overdueWindowStart, reviewDay, reviewOverdue } from '../domain/review.js';
import { baseSeverity, type EngineConfig } from '../domain/settings.js';
import type { AlertNames, AlertWriter } from '../engine/alert-writer.js';
import type { SettingsService } from '../engine/settings.js';
import type { Clock } from '../lib/clock.js';

/** The integration id review_overdue is filed under. */
export const REVIEW_SCOPE_ID = 'daily-review';
/** The most unreviewed runs the alert's title counts; past it, "more than". */
export const OVERDUE_COUNT_CAP = 1000;

/** The alert's title: `count` unreviewed runs since the day `since`; `capped`, there are more. */
export function overdueTitle(count: number, capped: boolean, since: string): string {
  const runs = capped ? `more than ${count.toLocaleString('en-US')} failed or warning runs` : `${count.toLocaleString('en-US')} failed or warning run${count === 1 ? '' : 's'}`;
  return `Daily review overdue: ${runs} since ${since} not reviewed`;
}

const NAMES: AlertNames = {
  clientId: null,
  clientName: null,
  deviceId: null,
  deviceName: null,
  checkNames: new Map(),
  integrationId: REVIEW_SCOPE_ID,
  integrationName: 'Daily review',
};

export interface ReviewWatchDeps {
  db: Transactor;
  repo: ReviewRepository;
  alerts: AlertRepository;
  writer: AlertWriter;
  settings: SettingsService;
  clock: Clock;
}

export class ReviewWatch {
  constructor(private readonly d: ReviewWatchDeps) {}

  /** Raises, updates or resolves review_overdue; answers 1 when it raised or resolved one. */
  async tick(): Promise<number> {
    const config = await this.d.settings.effective(null);
    const now = this.d.clock.now();
    const tz = config.timezone;
    const oldest = config.categories.review_overdue ? await this.d.repo.oldestUnreviewed(overdueWindowStart(now, tz), OVERDUE_COUNT_CAP) : null;
    const overdue = oldest !== null && reviewOverdue(oldest.at, tz, config.review_due_hour, now);
    try {
      return await this.write(overdue ? oldest : null, config, now);
    } catch (err) {
      // Another instance raised or resolved it between this one's look and its write.
      if (err instanceof ConflictError) return 0;
      throw err;
    }
  }

  private async write(oldest: { at: number; count: number; capped: boolean } | null, config: EngineConfig, now: number): Promise<number> {
    const tz = config.timezone;
    return this.d.db.run(async (tx) => {
      const open = (await this.d.alerts.activeForIntegration(tx, REVIEW_SCOPE_ID)).find((a) => a.type === 'review_overdue');
      if (oldest === null) {
        if (!open) return 0;
        const note = config.categories.review_overdue ? 'every failed and warning run of the past days is reviewed' : 'review_overdue is switched off';
        await this.d.writer.resolve(tx, open, true, NAMES, now, undefined, note);
        return 1;
      }
      const since = reviewDay(oldest.at, tz);
      const condition: Condition = {
        type: 'review_overdue',
        scope: 'integration',
        scopeId: REVIEW_SCOPE_ID,
        checkId: null,
        severity: baseSeverity(config, 'review_overdue', 'warning'),
        title: overdueTitle(oldest.count, oldest.capped, since),
        // unreviewed_capped: there are more than `unreviewed` (the look stops counting there).
        detail: { unreviewed: oldest.count, unreviewed_capped: oldest.capped, oldest_day: since, review_due_hour: config.review_due_hour, timezone: tz },
        since: oldest.at,
        suppressed: false,
        inhibitedBy: null,
      };
      if (!open) {
        await this.d.writer.raise(tx, condition, NAMES, null, now);
        return 1;
      }
      if (open.title !== condition.title) await this.d.writer.update(tx, open, condition, null, false, NAMES, now);
      return 0;
    });
  }
}
