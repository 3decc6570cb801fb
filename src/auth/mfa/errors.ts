// The answers of a sign-in that needs, or got a wrong, second factor, and of a session that may
// only enrol one. Each carries `problem`: fields the error handler adds to the problem+json answer.
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors.js';

export type MfaMethod = 'totp' | 'passkey';
export type MfaFactor = 'totp' | 'recovery_code' | 'passkey';

/** The password was right; a second factor is needed (`code` or `passkey`). Not a failed attempt. */
export class MfaRequiredError extends UnauthenticatedError {
  readonly problem: Record<string, unknown>;
  constructor(methods: MfaMethod[], passkeyOptions: unknown) {
    super('a second factor is required: send "code" (from your authenticator app, or a recovery code) or "passkey"');
    this.name = 'MfaRequiredError';
    this.problem = { code: 'mfa_required', mfa_required: true, methods, ...(passkeyOptions !== null && { passkey_options: passkeyOptions }) };
  }
}

/** The second factor given was wrong, used already, or expired: counts as a failed sign-in. */
export class MfaRejectedError extends UnauthenticatedError {
  readonly problem: Record<string, unknown>;
  constructor(
    readonly factor: MfaFactor,
    reason: string,
    methods: MfaMethod[],
  ) {
    super(reason);
    this.name = 'MfaRejectedError';
    this.problem = { code: 'mfa_rejected', mfa_required: true, methods };
  }
}

/** The workspace makes MFA mandatory and this user has none yet: the session may only enrol. */
export class MfaEnrolmentRequiredError extends ForbiddenError {
  readonly problem = { code: 'mfa_enrolment_required' };
  constructor() {
    super('multi-factor sign-in is required in this workspace: set up an authenticator app or a passkey first (Settings → Security)');
    this.name = 'MfaEnrolmentRequiredError';
  }
}
