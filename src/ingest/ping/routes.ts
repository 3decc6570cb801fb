// The ping URLs, by check key (`/ping/<key>[/signal]`) and by names under a client's key
// (`/ping/<ping_key>/<device>/<check>[/signal]`); GET, POST and HEAD alike, because monitoring
// agents and RMM tools use whichever their HTTP helper makes easiest, and a HEAD must count.
import { Type } from 'typebox';
import { MAX_LOG_BYTES } from '../../domain/job-build.js';
import { CHECK_KINDS, DEVICE_CLASSES } from '../../domain/job.js';
import { ValidationError } from '../../domain/errors.js';
import type { PingTarget } from '../../db/repositories/ingest.js';
import { keepEnd } from './body.js';
import type { CreateAs, PingNameService } from './names.js';
import { type PingSignal, parseSignal, pingJob } from './ping.js';
import type { Clock } from '../../lib/clock.js';
import type { IngestService } from '../service.js';
import { IdParams, Nullable, Page, PageQuery, ProblemSchema, problemResponses, StringEnum } from '../../http/schemas.js';
import { type CatalogService, cursorOf, DEFAULT_LIMIT } from '../../catalog/catalog.js';
import { clientDto } from '../../catalog/dto.js';
import { ClientSchema } from '../../catalog/schemas.js';
import { toPage } from '../../lib/cursor.js';
import type { Api } from '../../http/types.js';

const Signal = Type.String({ description: 'start, fail, warn, log, or an exit code 0-255; none means success' });
const PingName = (what: string) => Type.String({ minLength: 1, maxLength: 200, description: `the ${what}'s name, matched case- and space-insensitively` });

const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 100 }), signal: Type.Optional(Signal) });
const NameParams = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 100, description: "the client's ping_key" }),
  device: PingName('device'),
  check: PingName('check'),
  signal: Type.Optional(Signal),
});

const RunId = Type.String({ minLength: 1, maxLength: 100, description: 'run id, to pair a start with its end when runs overlap' });
const KeyQuery = Type.Object({ rid: Type.Optional(RunId) });
const NameQuery = Type.Object({
  rid: Type.Optional(RunId),
  create: Type.Optional(StringEnum(['1', 'true', '0', 'false'], { description: '1 or true: create an unknown device or check under the client' })),
  class: Type.Optional(StringEnum(DEVICE_CLASSES, { description: 'class of a device created by create=1 (default server)' })),
  kind: Type.Optional(StringEnum(CHECK_KINDS, { description: 'kind of a check created by create=1 (default backup)' })),
});

const PING_RESPONSES = { 200: Type.String(), 400: ProblemSchema, 404: ProblemSchema, 413: ProblemSchema };
const METHODS = ['GET', 'POST', 'HEAD'];

interface PingDeps {
  ingest: IngestService;
  pings: PingNameService;
  clock: Clock;
}

interface PingInput {
  body: unknown;
  rid: string | undefined;
  userAgent: string | undefined;
}

function signalOf(segment: string | undefined): PingSignal {
  const signal = parseSignal(segment);
  if (signal === null) throw ValidationError.field('signal', 'must be start, fail, warn, log or an exit code 0-255');
  return signal;
}

/** Records one ping for a resolved check: a job, or for `/log` a line on its timeline. */
async function record(deps: PingDeps, target: PingTarget, signal: PingSignal, input: PingInput): Promise<string> {
  const body = typeof input.body === 'string' && input.body !== '' ? keepEnd(input.body, MAX_LOG_BYTES) : null;
  const runId = input.rid ?? null;
  if (signal === 'log') {
    await deps.pings.log(target, { message: body ?? '', runId, userAgent: input.userAgent ?? null });
    return 'OK';
  }
  const job = pingJob(target, signal, { body, runId, now: deps.clock.now(), userAgent: input.userAgent });
  await deps.ingest.recordJobs([job]);
  return 'OK';
}

function createAs(query: { create?: string; class?: CreateAs['deviceClass']; kind?: CreateAs['kind'] }): CreateAs | null {
  if (query.create !== '1' && query.create !== 'true') return null;
  return { deviceClass: query.class ?? 'server', kind: query.kind ?? 'backup' };
}

export function pingRoutes(app: Api, deps: PingDeps): void {
  // Scripts send whatever they have (text, JSON, form data): every body is kept as text.
  app.register(async (scope: Api) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    for (const url of ['/ping/:key', '/ping/:key/:signal']) {
      scope.route({
        method: METHODS,
        url,
        schema: {
          tags: ['ping'],
          summary: "Ping a check by its own key (no token: the key is the secret). The body's last 100 kB become the job log.",
          params: KeyParams,
          querystring: KeyQuery,
          response: PING_RESPONSES,
        },
        handler: async (req) => {
          const signal = signalOf(req.params.signal);
          const target = await deps.ingest.pingTarget(req.params.key);
          return record(deps, target, signal, { body: req.body, rid: req.query.rid, userAgent: req.headers['user-agent'] });
        },
      });
    }
    for (const url of ['/ping/:key/:device/:check', '/ping/:key/:device/:check/:signal']) {
      scope.route({
        method: METHODS,
        url,
        schema: {
          tags: ['ping'],
          summary: "Ping a check by device and check name under a client's ping_key; create=1 creates what is unknown",
          params: NameParams,
          querystring: NameQuery,
          response: PING_RESPONSES,
        },
        handler: async (req) => {
          const signal = signalOf(req.params.signal);
          const target = await deps.pings.target(req.params.key, req.params.device, req.params.check, createAs(req.query));
          return record(deps, target, signal, { body: req.body, rid: req.query.rid, userAgent: req.headers['user-agent'] });
        },
      });
    }
  });
}

const CheckLogSchema = Type.Object({
  id: Type.String(),
  check_id: Type.String(),
  message: Type.String({ description: 'the body of the /log ping (its end when long), possibly empty' }),
  run_id: Nullable(Type.String()),
  received_at: Type.String({ format: 'date-time' }),
});

interface PingAdminDeps {
  pings: PingNameService;
  catalog: CatalogService;
  publicUrl: string;
  mailDomain?: string;
}

/** The client's ping key (regenerate) and a device's `/log` lines: routes for people and tokens. */
export function pingAdminRoutes(app: Api, deps: PingAdminDeps): void {
  const mailDomain = deps.mailDomain ?? new URL(deps.publicUrl).hostname;
  app.post(
    '/api/v1/clients/:id/ping-key',
    {
      config: { ability: 'operate' },
      schema: {
        tags: ['clients', 'ping'],
        summary: "Give the client a new ping_key; name-addressed ping URLs with the old one answer 404 from now on. Answers the client",
        params: IdParams,
        response: { 200: ClientSchema, ...problemResponses },
      },
    },
    async (req) => {
      await deps.pings.regenerateKey(req.principal, req.params.id);
      return clientDto(await deps.catalog.getClient(req.principal, req.params.id), mailDomain, deps.publicUrl);
    },
  );
  app.get(
    '/api/v1/devices/:id/ping-logs',
    {
      config: { ability: 'read' },
      schema: {
        tags: ['devices', 'ping'],
        summary: "A device's /log ping lines, newest first: messages on its checks' timeline that are no runs",
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, check: Type.Optional(Type.String({ maxLength: 100, description: 'check id' })) }),
        response: { 200: Page(CheckLogSchema), ...problemResponses },
      },
    },
    async (req) => {
      await deps.catalog.getDevice(req.principal, req.params.id);
      const limit = req.query.limit ?? DEFAULT_LIMIT;
      const rows = await deps.pings.logs({ deviceId: req.params.id, checkId: req.query.check, after: cursorOf(req.query, 2), limit });
      return toPage(rows, limit, (r) => [r.received_at, r.id], (r) => ({
        id: r.id,
        check_id: r.check_id,
        message: r.message,
        run_id: r.run_id,
        received_at: new Date(Number(r.received_at)).toISOString(),
      }));
    },
  );
}
