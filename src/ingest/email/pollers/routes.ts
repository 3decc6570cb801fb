// Polled mailboxes (admin): IMAP and Microsoft 365 through Graph (docs/email.md).
import { type Static, type TOptional, type TSchema, Type } from 'typebox';
import type { MailboxPollRow } from '../../../db/schema.js';
import { describeType } from '../../../lib/config-fields.js';
import { MAILBOX_SECRETS, MAILBOX_TYPES, type MailboxService, type MailboxView } from './mailboxes.js';
import { resourceRoutes } from '../../../http/resource-routes.js';
import { HealthFields, healthDto, Name, Nullable, StringEnum } from '../../../http/schemas.js';
import { TypeListSchema } from '../../../http/type-schemas.js';
import type { Api } from '../../../http/types.js';

// The API accepts the union of the types' fields (MAILBOX_TYPES); the service checks what each type requires.
const ConfigSchema = Type.Object(
  Object.fromEntries(
    Object.values(MAILBOX_TYPES)
      .flatMap((t) => Object.entries(t.properties))
      .map(([k, v]) => [k, Type.Optional(v as TSchema)]),
  ) as Record<string, TOptional<TSchema>>,
  { additionalProperties: false, description: "the type's fields (GET /api/v1/mailbox-types); secrets are write-only, answered as ***" },
);

const MailboxSchema = Type.Object({
  id: Type.String(),
  type: StringEnum(['imap', 'graph'] as const),
  name: Type.String(),
  config: Type.Unknown({ description: 'secrets answered as ***' }),
  enabled: Type.Boolean(),
  interval_seconds: Type.Integer(),
  next_poll_at: Type.String({ format: 'date-time' }),
  last_poll_at: Nullable(Type.String({ format: 'date-time' })),
  last_success_at: Nullable(Type.String({ format: 'date-time' })),
  last_error: Nullable(Type.String()),
  last_count: Nullable(Type.Integer()),
  ...HealthFields,
});

const Interval = Type.Integer({ minimum: 30, maximum: 86_400, description: 'seconds between polls (default 300)' });
const NewMailbox = Type.Object(
  { type: StringEnum(['imap', 'graph'] as const), name: Name, config: ConfigSchema, interval_seconds: Type.Optional(Interval), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const MailboxPatch = Type.Object(
  { name: Type.Optional(Name), config: Type.Optional(ConfigSchema), interval_seconds: Type.Optional(Interval), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

const PollSchema = Type.Object({
  id: Type.String(),
  trigger: StringEnum(['schedule', 'manual'] as const),
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Type.String({ format: 'date-time' }),
  duration_ms: Type.Integer(),
  stored: Type.Integer({ description: 'messages fetched and stored' }),
  outcome: StringEnum(['ok', 'auth', 'other'] as const, { description: 'auth: credentials refused (an integration_auth alert)' }),
  error: Nullable(Type.String()),
});

const TestSchema = Type.Object({ ok: Type.Boolean(), steps: Type.Array(Type.Object({ step: Type.String(), ok: Type.Boolean(), message: Type.String() })) });
const PollNowSchema = Type.Object({ stored: Type.Integer(), error: Nullable(Type.String()) });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function dto({ row, config, health }: MailboxView): Static<typeof MailboxSchema> {
  return {
    id: row.id,
    type: row.type as 'imap',
    name: row.name,
    config,
    enabled: row.enabled === 1,
    interval_seconds: row.interval_ms / 1000,
    next_poll_at: iso(row.next_poll_at)!,
    last_poll_at: iso(row.last_poll_at),
    last_success_at: iso(row.last_success_at),
    last_error: row.last_error,
    last_count: row.last_count,
    ...healthDto(health),
  };
}

function pollDto(p: MailboxPollRow): Static<typeof PollSchema> {
  return { ...p, trigger: p.trigger as 'manual', outcome: p.outcome as 'ok', started_at: iso(p.started_at)!, finished_at: iso(p.finished_at)!, duration_ms: p.finished_at - p.started_at };
}

export function mailboxRoutes(app: Api, deps: { mailboxes: MailboxService }): void {
  const { mailboxes } = deps;
  const r = resourceRoutes(app, { path: '/api/v1/mailboxes', tags: ['mailboxes'], ability: 'admin', scope: 'workspace' }); // they feed every client, like connectors

  r.types('/api/v1/mailbox-types', { summary: 'Every mailbox type with the fields of its config (for forms)', answer: TypeListSchema }, () =>
    (['imap', 'graph'] as const).map((t) => describeType(t, MAILBOX_TYPES[t], MAILBOX_SECRETS[t])),
  );
  r.list({ summary: 'Polled mailboxes', item: MailboxSchema, query: null }, async () => ({ items: await mailboxes.list(), next_cursor: null }), dto);
  r.create({ summary: 'Add a mailbox to poll (IMAP or Microsoft 365 through Graph)', body: NewMailbox, item: MailboxSchema }, async (p, body) => dto(await mailboxes.create(p, body)));
  r.get({ summary: 'One mailbox', item: MailboxSchema }, async (_p, id) => dto(await mailboxes.get(id)));
  r.update({ summary: 'Change a mailbox; secrets left out or sent as *** are kept', body: MailboxPatch, item: MailboxSchema }, async (p, id, body) => dto(await mailboxes.update(p, id, body)));
  r.remove({ summary: 'Stop polling and forget a mailbox' }, (p, id) => mailboxes.delete(p, id));
  r.action(
    'POST',
    'test',
    { summary: 'Check the connection step by step (connect, login, folder; token, folder for Graph) without fetching or moving mail', answer: TestSchema },
    (_p, id) => mailboxes.test(id),
  );
  r.history('polls', { summary: "A mailbox's polls, newest first (the last 100 are kept)", item: PollSchema }, (_p, id, query) => mailboxes.polls(id, query), pollDto);
  r.action('POST', 'poll', { summary: 'Poll now; answers once the fetched messages are stored', answer: PollNowSchema, problems: [409] }, (_p, id) => mailboxes.pollNow(id));
}
