// The unmatched inbox: status e-mails no check took, grouped by sender and subject pattern, each
// with what the generic recogniser suggests and one click from a check (pre-filled from it) that
// catches it and its siblings.
import { Alert, Anchor, Button, Code, CopyButton, Group, List, Table, Text } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type Inbound, unwrap } from '../api/client';
import { EmptyState, ErrorNote, PageTitle, StatusBadge } from '../components/common';
import { ago, dateTime } from '../components/format';
import { useSession } from '../session';
import { type Created, CreateCheckDrawer } from './inbox/CreateCheck';
import { MessageDrawer } from './inbox/MessageDrawer';

function Copyable({ value }: { value: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Code onClick={copy} style={{ cursor: 'pointer', wordBreak: 'break-all' }} title="Click to copy">
          {value}
          {copied ? ' ✓' : ''}
        </Code>
      )}
    </CopyButton>
  );
}

/** Where to point a backup product: the inbox addresses and the SMTP listener. */
export function InboundHint({ inbound }: { inbound: Inbound | undefined }) {
  if (!inbound) return null;
  const s = inbound.smtp;
  if (inbound.inboxes.length === 0 && !inbound.any_address) {
    return <Text size="sm">Mail sent to the shared inbox address is for users not limited to clients. Your client’s own address, where its backup products can report, is on its page under Clients.</Text>;
  }
  return (
    <>
      <Text size="sm">Point a backup product’s status e-mail at {inbound.any_address ? <>any address <Code>…@{inbound.domain}</Code></> : inbound.inboxes.length > 1 ? 'one of these addresses' : 'this address'}:</Text>
      <Group gap="xs">{inbound.inboxes.map((a) => <Copyable key={a} value={a} />)}</Group>
      <Text size="sm">
        SMTP server <Code>{s.host}</Code> port <Code>{s.port}</Code>
        {s.auth ? ', with the SMTP user and password set in KEEPWATCH_SMTP_USER / KEEPWATCH_SMTP_PASSWORD' : ', no authentication'}
        {s.starttls ? ', STARTTLS offered' : ''}. Or relay to it from your mail server, or let Keepwatch poll a mailbox (Settings → Mailboxes).
      </Text>
      <List size="sm" spacing={2}>
        <List.Item>Mail matching a check’s rules reports to that check; the rest waits here.</List.Item>
        <List.Item>Each check also has its own address (on its device page), and each client one (on Clients) where recognised products — Veeam, Acronis, Synology … — create that client’s devices by themselves.</List.Item>
      </List>
    </>
  );
}

export default function Inbox() {
  const { id } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { can } = useSession();
  const [createFor, setCreateFor] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const groups = useQuery({ queryKey: ['inbox', 'groups'], queryFn: () => unwrap(api.GET('/api/v1/emails/unmatched', { params: { query: { limit: 200 } } })) });
  const inbound = useQuery({ queryKey: ['inbox', 'inbound'], queryFn: () => unwrap(api.GET('/api/v1/emails/inbound')), staleTime: Infinity, refetchInterval: false });
  const items = groups.data?.items ?? [];
  const onCreated = (c: Created) => {
    setCreated(c);
    setCreateFor(null);
    navigate('/inbox');
    void qc.invalidateQueries({ queryKey: ['inbox'] });
  };
  return (
    <>
      <PageTitle title="Inbox" />
      <Text size="sm" c="dimmed" mb="md">Status e-mails that no check took, grouped by sender and subject pattern. Create a check from one and the whole group reports to it.</Text>
      {created && (
        <Alert color="teal" icon={<IconCircleCheck />} mb="md" withCloseButton onClose={() => setCreated(null)} data-testid="check-created">
          Created “{created.checkName}”: {created.reprocessed} message{created.reprocessed === 1 ? '' : 's'} now report{created.reprocessed === 1 ? 's' : ''} to it. <Anchor component={Link} to={`/devices/${created.deviceId}`}>Open {created.deviceName}</Anchor>
        </Alert>
      )}
      <ErrorNote error={groups.error} />
      {groups.isSuccess && items.length === 0 && (
        <EmptyState title="No unmatched e-mail">
          <InboundHint inbound={inbound.data} />
        </EmptyState>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={320}>
          <Table highlightOnHover verticalSpacing="sm" data-testid="inbox-groups">
            <Table.Thead>
              <Table.Tr><Table.Th>Sender and subject</Table.Th><Table.Th visibleFrom="sm">Messages</Table.Th><Table.Th visibleFrom="sm">Last seen</Table.Th><Table.Th visibleFrom="sm" /></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((g) => (
                <Table.Tr key={g.last_id} data-group-from={g.from ?? ''}>
                  <Table.Td style={{ maxWidth: 520 }}>
                    <Anchor component={Link} to={`/inbox/${g.last_id}`} size="sm" fw={500} style={{ wordBreak: 'break-word' }}>{g.subject_pattern || '(no subject)'}</Anchor>
                    <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>{g.from ?? 'unknown sender'}</Text>
                    {g.suggestion && (
                      <Text size="xs" data-testid="group-suggestion">
                        Suggested: {g.suggestion.device} · {g.suggestion.check}
                        {g.suggestion.status && <> · <StatusBadge status={g.suggestion.status} size="xs" /></>}
                      </Text>
                    )}
                    {/* On a phone the other columns fold in here. */}
                    <Group hiddenFrom="sm" gap="xs" mt={4} justify="space-between">
                      <Text size="xs">{g.count} message{g.count === 1 ? '' : 's'} · {ago(g.last_received_at)}</Text>
                      {can('operate') && <Button size="compact-xs" variant="light" onClick={() => setCreateFor(g.last_id)}>Create check</Button>}
                    </Group>
                  </Table.Td>
                  <Table.Td visibleFrom="sm" data-testid="group-count"><Text size="sm" fw={600}>{g.count}</Text></Table.Td>
                  <Table.Td visibleFrom="sm"><Text size="sm" title={dateTime(g.last_received_at)}>{ago(g.last_received_at)}</Text></Table.Td>
                  <Table.Td visibleFrom="sm">{can('operate') && <Button size="xs" variant="light" onClick={() => setCreateFor(g.last_id)}>Create check</Button>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {items.length > 0 && inbound.data && inbound.data.inboxes.length > 0 && (
        <Text size="xs" c="dimmed" mt="md">Inbox address{inbound.data.inboxes.length > 1 ? 'es' : ''}: {inbound.data.inboxes.join(', ')} · SMTP {inbound.data.smtp.host}:{inbound.data.smtp.port}</Text>
      )}
      <MessageDrawer id={id} onClose={() => navigate('/inbox')} onCreateCheck={(mid) => { navigate('/inbox'); setCreateFor(mid); }} />
      <CreateCheckDrawer emailId={createFor} onClose={() => setCreateFor(null)} onCreated={onCreated} />
    </>
  );
}
