import { Type } from 'typebox';
import type { FastifySchemaCompiler } from 'fastify';
import { ValidationError, type FieldProblem } from '../../domain/errors.js';
import type { JobReport, NormalisedJob } from '../../domain/job.js';
import { normaliseJob } from '../../domain/job-report.js';
import type { CatalogService } from '../../catalog/catalog.js';
import type { IngestService } from '../service.js';
import { jobDetailDto } from './dto.js';
import { JobBatchSchema, JobDetailSchema, JobReportSchema, RecordedJobsSchema } from './schemas.js';
import { IdParams, ProblemSchema, problemResponses } from '../../http/schemas.js';
import type { Api } from '../../http/types.js';
import { compileBody } from '../../http/validation.js';
import type { Clock } from '../../lib/clock.js';

const validateOne = compileBody(JobReportSchema);
const validateBatch = compileBody(JobBatchSchema);

/** One job or `{ "jobs": [...] }`: pick the schema by shape, so errors name the real field. */
const singleOrBatch: FastifySchemaCompiler<unknown> = () => {
  const validate = (data: unknown) => {
    const isBatch = typeof data === 'object' && data !== null && !Array.isArray(data) && 'jobs' in data;
    const v = isBatch ? validateBatch : validateOne;
    const ok = v(data);
    validate.errors = v.errors;
    return ok;
  };
  validate.errors = null as unknown;
  return validate as never;
};

function normaliseAll(reports: JobReport[], batch: boolean, now: number): NormalisedJob[] {
  const problems: FieldProblem[] = [];
  const jobs: NormalisedJob[] = [];
  reports.forEach((report, i) => {
    try {
      jobs.push(normaliseJob(report, batch ? `jobs[${i}]` : '', now));
    } catch (err) {
      if (err instanceof ValidationError) problems.push(...err.problems);
      else throw err;
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return jobs;
}

export function jobRoutes(app: Api, deps: { ingest: IngestService; catalog: CatalogService; clock: Clock }): void {
  app.post(
    '/api/v1/jobs',
    {
      config: { ability: 'ingest' },
      bodyLimit: 16 * 1024 * 1024,
      validatorCompiler: singleOrBatch,
      schema: {
        tags: ['jobs'],
        summary: 'Report one job, or up to 1,000 as { "jobs": [...] }',
        description:
          'Idempotent on (source, external_id): reporting the same job again updates it. Unknown clients, devices and ' +
          'checks are created. Answers 202 once the jobs are durably stored. A started_at or ended_at more than 10 minutes ' +
          "ahead of the server's clock is refused (400 naming the field).",
        body: Type.Union([JobReportSchema, JobBatchSchema]),
        response: { 202: RecordedJobsSchema, ...problemResponses, 413: ProblemSchema, 415: ProblemSchema },
      },
    },
    async (req, reply) => {
      const body = req.body as JobReport | { jobs: JobReport[] };
      const batch = 'jobs' in body && Array.isArray(body.jobs);
      const jobs = normaliseAll(batch ? (body as { jobs: JobReport[] }).jobs : [body as JobReport], batch, deps.clock.now());
      const items = await deps.ingest.recordJobs(jobs, { clientIds: req.principal.clientIds });
      return reply.code(202).send({ items });
    },
  );

  app.get(
    '/api/v1/jobs/:id',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['jobs'],
        summary: 'One job, with its log and the raw report',
        params: IdParams,
        response: { 200: JobDetailSchema, ...problemResponses },
      },
    },
    async (req) => jobDetailDto(await deps.catalog.getJob(req.principal, req.params.id)),
  );
}
