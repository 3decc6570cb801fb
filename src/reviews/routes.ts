// The daily review's routes (docs/review.md): review and undo one run, review many, the queue,
// statistics, a PSA ticket for a run, and the evidence report.
import { Type } from 'typebox';
import { IdParams, ProblemSchema, problemResponses } from '../http/schemas.js';
import type { Api } from '../http/types.js';
import { jobDetailDto, jobDto } from '../ingest/api/dto.js';
import { JobDetailSchema } from '../ingest/api/schemas.js';
import { inThread } from '../lib/in-thread.js';
import { renderReviewPdf, reviewReportCsv } from './report.js';
import { BulkReviewBody, BulkReviewResponse, QueueQuery, QueueSchema, ReportQuery, ReviewBody, StatsQuery, StatsSchema, TicketBody, TicketResponse } from './schemas.js';
import type { ReviewService } from './service.js';
import type { ReviewTickets } from './ticket.js';

export interface ReviewRouteDeps {
  reviews: ReviewService;
  reviewTickets: ReviewTickets;
}

export function reviewRoutes(app: Api, deps: ReviewRouteDeps): void {
  const { reviews, reviewTickets } = deps;
  const tags = ['reviews'];

  app.post(
    '/api/v1/jobs/:id/review',
    {
      config: { ability: 'operate' },
      schema: {
        tags,
        summary: 'Mark a run reviewed, with an optional note and PSA ticket reference (again: replaces the review, time included)',
        params: IdParams,
        body: Type.Optional(ReviewBody),
        response: { 200: JobDetailSchema, ...problemResponses },
      },
    },
    async (req) => jobDetailDto(await reviews.review(req.principal, req.params.id, req.body ?? {})),
  );

  app.delete(
    '/api/v1/jobs/:id/review',
    {
      config: { ability: 'operate' },
      schema: { tags, summary: "Undo a run's review (audited)", params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
    },
    async (req, reply) => {
      await reviews.unreview(req.principal, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/reviews',
    {
      config: { ability: 'operate' },
      schema: { tags, summary: 'Mark a list of runs reviewed (1–500) with one note and ticket; a result per id', body: BulkReviewBody, response: { 200: BulkReviewResponse, ...problemResponses } },
    },
    async (req) => ({ items: await reviews.reviewMany(req.principal, req.body.job_ids, { note: req.body.note, ticket: req.body.ticket }) }),
  );

  app.get(
    '/api/v1/reviews/queue',
    {
      config: { ability: 'read' },
      schema: { tags, summary: 'Failed and warning runs not yet reviewed, oldest first, by client and device', querystring: QueueQuery, response: { 200: QueueSchema, ...problemResponses } },
    },
    async (req) => {
      const q = await reviews.queue(req.principal, req.query);
      return {
        total: q.total,
        since: new Date(q.since).toISOString(),
        truncated: q.truncated,
        clients: q.clients.map((c) => ({ ...c, devices: c.devices.map((d) => ({ ...d, jobs: d.jobs.map((j) => ({ ...jobDto(j), check_name: j.check_name })) })) })),
      };
    },
  );

  app.get(
    '/api/v1/reviews/stats',
    {
      config: { ability: 'read' },
      schema: { tags, summary: 'Per client and day: runs needing review, reviewed, median minutes to review', querystring: StatsQuery, response: { 200: StatsSchema, ...problemResponses } },
    },
    async (req) => ({ items: await reviews.stats(req.principal, req.query) }),
  );

  app.post(
    '/api/v1/jobs/:id/ticket',
    {
      config: { ability: 'operate' },
      schema: {
        tags,
        summary: 'Open a ticket about this run in a PSA channel (the only one, or channel_id); answers the ticket id',
        params: IdParams,
        body: Type.Optional(TicketBody),
        response: { 200: TicketResponse, ...problemResponses, 502: ProblemSchema },
      },
    },
    async (req) => reviewTickets.open(req.principal, req.params.id, req.body?.channel_id),
  );

  app.get(
    '/api/v1/reports/reviews',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['reports', ...tags],
        summary: 'The review evidence report: each day, each failed or warning run, who reviewed it, when; late and missing days (PDF or CSV)',
        querystring: ReportQuery,
        response: { 200: Type.String({ description: 'application/pdf or text/csv' }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const report = await reviews.report(req.principal, req.query);
      // The CSV lists at most the report's cap of runs: these say whether all are there.
      reply.header('x-keepwatch-runs-total', String(report.runsTotal)).header('x-keepwatch-runs-listed', String(report.runs.length));
      const name = `reviews-${report.clientName ? `${report.clientName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-` : ''}${report.from}-${report.to}`;
      if (req.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .serializer((x: unknown) => x as string)
          .send(reviewReportCsv(report) as never);
      }
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}.pdf"`)
        .send((await inThread(new URL('./report.js', import.meta.url), 'renderReviewPdf', renderReviewPdf, report)) as never);
    },
  );
}
