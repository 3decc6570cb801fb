// Typed domain errors. They know nothing of HTTP; one plugin maps them to problem+json.

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `jobs[3].status`. */
  field: string;
  message: string;
}

export class DomainError extends Error {}

export class ValidationError extends DomainError {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'ValidationError';
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'a valid API token or session is required') {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/** A service Keepwatch depends on (a PSA, a paging service) failed or refused the call. */
export class UpstreamError extends DomainError {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}
