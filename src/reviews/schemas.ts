// The daily review as the API takes and answers it (routes.ts, docs/review.md).
import { Type } from 'typebox';
import { Id, Nullable, StringEnum } from '../http/schemas.js';
import { JobSchema } from '../ingest/api/schemas.js';

export const MAX_NOTE = 2000;
export const MAX_TICKET = 100;
/** The most runs one bulk review takes. */
export const MAX_BULK_REVIEW = 500;

export const ReviewBody = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE, description: 'what was found or done (up to 2,000 characters)' })),
    ticket: Type.Optional(Type.String({ maxLength: MAX_TICKET, description: 'a PSA ticket reference (up to 100 characters)' })),
  },
  { additionalProperties: false },
);

export const BulkReviewBody = Type.Object(
  {
    job_ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BULK_REVIEW, description: `run (job) ids, 1–${MAX_BULK_REVIEW}` }),
    ...ReviewBody.properties,
  },
  { additionalProperties: false },
);

export const BulkReviewResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      job_id: Type.String(),
      ok: Type.Boolean(),
      error: Type.Optional(Type.String({ description: 'why this run was not reviewed (not_found: no such run, or not one of your clients)' })),
    }),
  ),
});

export const TicketBody = Type.Object(
  { channel_id: Type.Optional(Id) },
  { additionalProperties: false, description: 'channel_id: the PSA channel; none: the only enabled PSA channel' },
);

export const TicketResponse = Type.Object({
  ticket: Type.String({ description: "the PSA's ticket id" }),
  channel_id: Type.String(),
  created: Type.Boolean({ description: 'false: an open ticket for this run already existed in the PSA, and is answered' }),
});

const QueueJob = Type.Object({
  ...JobSchema.properties,
  check_name: Nullable(Type.String()),
});

export const QueueSchema = Type.Object({
  total: Type.Integer({ description: 'runs to review, all clients of the answer together' }),
  since: Type.String({ format: 'date-time' }),
  truncated: Type.Boolean({ description: 'true: more runs wait than are listed (the oldest are listed; the counts are complete)' }),
  clients: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      count: Type.Integer(),
      devices: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), count: Type.Integer(), jobs: Type.Array(QueueJob) })),
    }),
  ),
});

export const QueueQuery = Type.Object({
  client: Type.Optional(Type.String({ description: 'client id' })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'runs from this moment on (default: 7 days ago)' })),
});

const DateQuery = (description: string) => Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description });

export const StatsQuery = Type.Object({
  from: Type.Optional(DateQuery('first day, YYYY-MM-DD (default: 29 days before to)')),
  to: Type.Optional(DateQuery('last day, YYYY-MM-DD (default: today)')),
  client: Type.Optional(Type.String({ description: 'client id' })),
});

export const StatsSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      client_id: Type.String(),
      client_name: Type.String(),
      day: Type.String({ description: "YYYY-MM-DD in the workspace's timezone" }),
      needing_review: Type.Integer({ description: 'failed and warning runs of the day' }),
      reviewed: Type.Integer(),
      median_minutes_to_review: Nullable(Type.Number({ description: 'from the run (its end, else its start) to its review' })),
    }),
  ),
});

export const ReportQuery = Type.Object({
  from: Type.Optional(DateQuery('first day, YYYY-MM-DD (default: 6 days before to)')),
  to: Type.Optional(DateQuery('last day, YYYY-MM-DD (default: yesterday)')),
  client: Type.Optional(Type.String({ description: 'client id' })),
  format: Type.Optional(StringEnum(['pdf', 'csv'] as const, { description: 'pdf (default) or csv' })),
});
