// One place maps errors to RFC 9457 problem+json. Domain errors carry their meaning; Fastify's own
// 4xx errors keep their status; anything else is a logged 500 that shows no internals.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Api } from '../types.js';
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamError,
  ValidationError,
} from '../../domain/errors.js';
import { isDatabaseBusy } from '../../db/errors.js';
import { toFieldProblems } from '../validation.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  /** Extension members (RFC 9457 §3.2) a domain error carries in `problem`: e.g. `code`, `mfa_required`. */
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, status: number, detail: string, extra: Partial<Problem> = {}) {
  const problem: Problem = {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: reply.request.url,
    ...extra,
  };
  return reply.code(status).type('application/problem+json').send(problem);
}

function classify(error: unknown): { status: number; detail: string; errors?: FieldProblem[]; retryAfter?: number } | null {
  if (error instanceof ValidationError) return { status: 400, detail: error.message, errors: error.problems };
  if (error instanceof NotFoundError) return { status: 404, detail: error.message };
  if (error instanceof UnauthenticatedError) return { status: 401, detail: error.message };
  if (error instanceof ForbiddenError) return { status: 403, detail: error.message };
  if (error instanceof ConflictError) return { status: 409, detail: error.message };
  if (error instanceof UpstreamError) return { status: 502, detail: error.message };
  if (error instanceof RateLimitedError) return { status: 429, detail: error.message, retryAfter: error.retryAfterSeconds };
  if (isDatabaseBusy(error)) return { status: 503, detail: 'the database is busy (another writer held it too long); send the request again shortly', retryAfter: 1 };
  const fe = error as FastifyError;
  if (fe.validation) {
    const errors = toFieldProblems(fe.validation as never, fe.validationContext);
    return { status: 400, detail: errors.map((e) => `${e.field} ${e.message}`).join('; '), errors };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, detail: 'the request body is larger than this endpoint accepts' };
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, detail: 'send application/json' };
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { status: 400, detail: 'the JSON body is empty', errors: [{ field: 'body', message: 'is required' }] };
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && error instanceof SyntaxError)) {
    return { status: 400, detail: 'the body is not valid JSON', errors: [{ field: 'body', message: 'is not valid JSON' }] };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, detail: fe.message };
  }
  return null;
}

/** Answers a request no route took (the console's pages); false to fall through to a 404 problem. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

export function registerErrorHandling(app: Api, notFound?: () => NotFoundFallback | null): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = classify(error);
    if (known) {
      if (known.status === 503) request.log.warn({ err: error, url: request.url, method: request.method }, 'database busy: answered 503');
      if (known.retryAfter !== undefined) void reply.header('Retry-After', String(known.retryAfter));
      const extension = (error as { problem?: Record<string, unknown> }).problem;
      return sendProblem(reply, known.status, known.detail, { ...(known.errors && { errors: known.errors }), ...extension });
    }
    request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return sendProblem(reply, 500, 'an internal error occurred; it has been logged');
  });
  app.setNotFoundHandler(async (request, reply) => {
    const fallback = notFound?.();
    if (fallback && (await fallback(request, reply))) return reply;
    return sendProblem(reply, 404, `no route for ${request.method} ${request.url.split('?')[0]}`);
  });
}
