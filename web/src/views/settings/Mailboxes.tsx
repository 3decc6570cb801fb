// Settings → Mailboxes: IMAP and Microsoft 365 mailboxes Keepwatch polls for status mail —
// create, test the connection step by step, poll now with the count, the poll history, health.
import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type Mailbox, unwrap } from '../../api/client';
import { ago, dateTime } from '../../components/format';
import { type CardProps, HealthBadge, HistoryDrawer, IntegrationCard, IntegrationSettings } from './IntegrationParts';

const OUTCOME_COLORS: Record<string, string> = { ok: 'teal', auth: 'red', other: 'orange' };

function History({ mailbox, onClose }: { mailbox: Mailbox | null; onClose: () => void }) {
  const q = useQuery({
    queryKey: ['mailbox', mailbox?.id, 'polls'],
    queryFn: () => unwrap(api.GET('/api/v1/mailboxes/{id}/polls', { params: { path: { id: mailbox!.id }, query: { limit: 100 } } })),
    enabled: mailbox !== null,
    refetchInterval: 15_000,
  });
  return (
    <HistoryDrawer
      opened={mailbox !== null}
      onClose={onClose}
      title={`Poll history: ${mailbox?.name ?? ''}`}
      intro="The last 100 polls, newest first."
      error={q.error}
      testId="poll-history"
      columns={['When', 'Result', 'Stored']}
      rows={q.data?.items.map((p) => (
        <Table.Tr key={p.id}>
          <Table.Td><Text size="xs" title={dateTime(p.started_at)}>{ago(p.started_at)}</Text><Text size="xs" c="dimmed">{p.trigger}</Text></Table.Td>
          <Table.Td><Badge size="xs" variant="light" color={OUTCOME_COLORS[p.outcome]}>{p.outcome === 'auth' ? 'refused' : p.outcome === 'ok' ? 'ok' : 'failed'}</Badge>{p.error && <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>{p.error}</Text>}</Table.Td>
          <Table.Td><Text size="sm">{p.stored}</Text></Table.Td>
        </Table.Tr>
      ))}
    />
  );
}

function where(m: Mailbox): string {
  const c = m.config as Record<string, unknown>;
  return m.type === 'imap' ? `${String(c.user ?? '')} at ${String(c.host ?? '')}:${String(c.port ?? '')} · ${String(c.folder ?? 'INBOX')}` : `${String(c.mailbox ?? '')} · ${String(c.folder ?? 'inbox')}`;
}

function MailboxCard({ m, ...card }: { m: Mailbox } & CardProps) {
  const path = { params: { path: { id: m.id } } };
  return (
    <IntegrationCard
      {...card}
      kind="mailbox"
      name={m.name}
      item={m}
      typeLabel={m.type === 'graph' ? 'Microsoft 365' : 'IMAP'}
      state={
        <>
          <HealthBadge item={m} alerts={card.health} />
          {!m.enabled && <Badge size="xs" color="gray">disabled</Badge>}
        </>
      }
      test={() => unwrap(api.POST('/api/v1/mailboxes/{id}/test', path))}
      run={{
        label: 'Poll now',
        fn: () => unwrap(api.POST('/api/v1/mailboxes/{id}/poll', path)),
        result: (poll) => <Text size="sm" mt={6} c={poll.error ? 'red' : 'teal'} data-testid="poll-result">{poll.error ? `Poll failed: ${poll.error}` : `Stored ${poll.stored} message${poll.stored === 1 ? '' : 's'}.`}</Text>,
      }}
      remove={() => unwrap(api.DELETE('/api/v1/mailboxes/{id}', path))}
      removeMessage="Keepwatch stops polling it; mail already stored stays."
    >
      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>{where(m)} · every {Math.round(m.interval_seconds / 60)} min</Text>
      <Text size="xs" c="dimmed">last poll {ago(m.last_poll_at)}{m.last_count !== null ? `: ${m.last_count} stored` : ''} · next {ago(m.next_poll_at)}</Text>
    </IntegrationCard>
  );
}

export function Mailboxes() {
  const q = useQuery({ queryKey: ['mailboxes'], queryFn: () => unwrap(api.GET('/api/v1/mailboxes')), refetchInterval: 15_000 });
  const types = useQuery({ queryKey: ['mailbox-types'], queryFn: () => unwrap(api.GET('/api/v1/mailbox-types')), staleTime: Infinity, refetchInterval: false });
  return (
    <IntegrationSettings
      list={q}
      types={types.data?.items}
      refreshes={['mailboxes', 'integrations', 'mailbox']}
      intro="Where a mail server cannot forward to Keepwatch’s SMTP listener, Keepwatch fetches from a mailbox: each message is stored, then moved to a processed folder, and goes through the same rules as mail sent to the listener."
      addLabel="Add a mailbox"
      emptyTitle="No mailboxes"
      emptyText="Add an IMAP mailbox, or a Microsoft 365 one through Microsoft Graph where IMAP is switched off (an Entra ID app with Mail.ReadWrite)."
      intervalLabel="Poll every (seconds)"
      stored={(m) => ({ id: m.id, type: m.type, name: m.name, config: m.config as Record<string, unknown>, enabled: m.enabled, interval: m.interval_seconds })}
      save={(editing, v) =>
        editing
          ? unwrap(api.PATCH('/api/v1/mailboxes/{id}', { params: { path: { id: editing.id } }, body: { name: v.name, enabled: v.enabled, config: v.config, interval_seconds: v.interval } }))
          : unwrap(api.POST('/api/v1/mailboxes', { body: { type: v.type as 'imap', name: v.name, enabled: v.enabled, config: v.config, interval_seconds: v.interval } }))
      }
      card={(m, card) => <MailboxCard m={m} {...card} />}
      history={(m, onClose) => <History mailbox={m} onClose={onClose} />}
    />
  );
}
