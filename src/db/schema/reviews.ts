// The daily review: one row per reviewed job (docs/review.md).
import type { Selectable } from 'kysely';

export interface JobReviewsTable {
  job_id: string;
  /** user, token or system: who the reviewer was. */
  by_kind: string;
  by_id: string;
  /** The user's name (else e-mail) or the token's name, as it was when the review was made. */
  by_name: string;
  at: number;
  note: string | null;
  ticket: string | null;
}

export type JobReviewRow = Selectable<JobReviewsTable>;
