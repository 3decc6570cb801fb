// Schemas of the e-mail routes: stored messages, the unmatched inbox, rule trials, mailboxes.
import { Type } from 'typebox';
import { RULE_STATUSES, STATUS_FIELDS } from '../../domain/email-rules.js';
import { CHECK_KINDS, DEVICE_CLASSES, JOB_STATUSES } from '../../domain/job.js';
import { CheckSchema, EmailRulesSchema } from '../../catalog/schemas.js';
import { Id, Name, Nullable, StringEnum } from '../../http/schemas.js';

export const EMAIL_STATES = ['pending', 'processed', 'unmatched', 'ignored', 'error'] as const;
const Time = Nullable(Type.String({ format: 'date-time' }));

export const SuggestionSchema = Type.Object(
  {
    device: Type.String(),
    check: Type.String(),
    status: Nullable(StringEnum(RULE_STATUSES)),
    bytes: Nullable(Type.Number()),
    duration_ms: Nullable(Type.Number()),
    why: Nullable(Type.Object({ word: Type.String(), field: StringEnum(STATUS_FIELDS) }, { description: 'the status word that decided and where' })),
  },
  { description: 'what the generic recogniser reads from a mail no product template recognised: a check to create' },
);

export const EmailSummarySchema = Type.Object({
  id: Type.String(),
  received_at: Type.String({ format: 'date-time' }),
  transport: StringEnum(['smtp', 'imap', 'graph'] as const),
  mailbox_id: Nullable(Type.String()),
  envelope_from: Nullable(Type.String()),
  envelope_to: Type.Array(Type.String()),
  size: Type.Integer(),
  state: StringEnum(EMAIL_STATES),
  attempts: Type.Integer(),
  processed_at: Time,
  message_id: Nullable(Type.String()),
  from: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  subject_pattern: Nullable(Type.String({ description: 'the subject with dates, times, numbers and status words generalised' })),
  template: Nullable(Type.String({ description: 'the product template that recognised it' })),
  client_id: Nullable(Type.String()),
  check_ids: Type.Array(Type.String()),
  job_count: Type.Integer(),
  error: Nullable(Type.String()),
  suggestion: Nullable(SuggestionSchema),
});

const TemplateJobSchema = Type.Object({
  device: Type.String(),
  check: Type.String(),
  kind: Type.String(),
  status: StringEnum(JOB_STATUSES),
  raw_status: Type.String(),
  started_at: Time,
  ended_at: Time,
  duration_seconds: Nullable(Type.Number()),
  bytes: Nullable(Type.Number()),
  message: Nullable(Type.String()),
  unread: Type.Array(Type.String(), { description: 'what the template found but could not read (e.g. `size: "1,2 To"`, `end time`)' }),
});

export const EmailDetailSchema = Type.Object({
  ...EmailSummarySchema.properties,
  parsed: Type.Object({
    from_name: Nullable(Type.String()),
    to: Type.Array(Type.String()),
    date: Time,
    text: Type.String(),
    has_html: Type.Boolean(),
    attachments: Type.Array(Type.Object({ filename: Nullable(Type.String()), content_type: Type.String(), size: Type.Integer() })),
  }),
  recognised: Nullable(Type.Object({ template: Type.String(), product: Type.String(), jobs: Type.Array(TemplateJobSchema) })),
  routing: Type.Object(
    {
      state: Type.String({ description: 'what processing it now would do' }),
      checks: Type.Array(Type.Object({ check_id: Type.String(), status: Type.String(), reason: Type.String() })),
      client_id: Nullable(Type.String()),
    },
    { description: 'where the message would go if processed now' },
  ),
});

export const UnmatchedGroupSchema = Type.Object({
  from: Nullable(Type.String()),
  subject_pattern: Nullable(Type.String()),
  count: Type.Integer(),
  last_received_at: Type.String({ format: 'date-time' }),
  last_id: Type.String({ description: 'the newest message of the group' }),
  suggestion: Nullable(SuggestionSchema),
});

export const CheckDraftSchema = Type.Object({
  name: Type.String(),
  kind: StringEnum(CHECK_KINDS),
  client: Type.Optional(Type.String()),
  device: Type.Object({ name: Type.String() }),
  email: EmailRulesSchema,
});

export const CheckFromEmailBody = Type.Object(
  {
    name: Type.Optional(Name),
    kind: Type.Optional(StringEnum(CHECK_KINDS)),
    client: Type.Optional(Name),
    device_id: Type.Optional(Id),
    device: Type.Optional(Type.Object({ name: Name, class: Type.Optional(StringEnum(DEVICE_CLASSES)) }, { additionalProperties: false })),
    email: Type.Optional(EmailRulesSchema),
  },
  { additionalProperties: false },
);

export const CheckFromEmailSchema = Type.Object({ check: CheckSchema, reprocessed: Type.Integer() });

export const RuleTrialBody = Type.Object(
  { email: EmailRulesSchema, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'how many recent messages (default 100)' })) },
  { additionalProperties: false },
);

export const RuleTrialSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      received_at: Type.String({ format: 'date-time' }),
      from: Type.String(),
      subject: Type.String(),
      matched: Type.Boolean(),
      status: Nullable(Type.String()),
      reason: Nullable(Type.String()),
      template: Nullable(Type.String()),
    }),
  ),
  matched: Type.Integer(),
});

export const RequeueBody = Type.Object(
  {
    state: Type.Optional(StringEnum(['processed', 'unmatched', 'ignored', 'error'] as const)),
    since: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

const CorrectionFields = {
  client: Type.Optional(Name),
  device: Name,
  check: Name,
  status: StringEnum(RULE_STATUSES, { description: 'the status the message really reports' }),
  kind: Type.Optional(StringEnum(CHECK_KINDS)),
};

export const CorrectionBody = Type.Object(CorrectionFields, { additionalProperties: false });

export const CorrectionApplyBody = Type.Object(
  { ...CorrectionFields, rules: Type.Optional(EmailRulesSchema) },
  { additionalProperties: false, description: 'the correction, with the proposed rules as the user edited them (default: proposed again)' },
);

export const CorrectionSchema = Type.Object({
  rules: EmailRulesSchema,
  trial: Type.Array(
    Type.Object({
      id: Type.String(),
      received_at: Type.String({ format: 'date-time' }),
      subject: Type.String(),
      matched: Type.Boolean(),
      status: Nullable(Type.String()),
      reason: Nullable(Type.String()),
    }),
    { description: 'the same sender’s stored messages, newest first, and what the rules would make of them' },
  ),
  summary: Type.Object({ matched: Type.Integer(), by_status: Type.Record(Type.String(), Type.Integer()) }),
});

export const CorrectionAppliedSchema = Type.Object({ check: CheckSchema, created: Type.Boolean(), reprocessed: Type.Integer() });
