// Settings → Mailboxes: IMAP and Microsoft 365 mailboxes Keepwatch polls for status mail —
// create, test the connection step by step, poll now with the count, the poll history, health.
import { Badge, Button, Drawer, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, type Integration, type Mailbox, unwrap } from '../../api/client';
import { ConfirmButton, EmptyState, ErrorNote } from '../../components/common';
import { ago, dateTime } from '../../components/format';
import { EditDrawer, Health, HealthDetail, type SaveInput, Steps } from './IntegrationParts';

const OUTCOME_COLORS: Record<string, string> = { ok: 'teal', auth: 'red', other: 'orange' };

function History({ mailbox, onClose }: { mailbox: Mailbox | null; onClose: () => void }) {
  const q = useQuery({
    queryKey: ['mailbox', mailbox?.id, 'polls'],
    queryFn: () => unwrap(api.GET('/api/v1/mailboxes/{id}/polls', { params: { path: { id: mailbox!.id }, query: { limit: 100 } } })),
    enabled: mailbox !== null,
    refetchInterval: 15_000,
  });
  return (
    <Drawer opened={mailbox !== null} onClose={onClose} title={`Poll history: ${mailbox?.name ?? ''}`} position="right" size="lg">
      <Text size="sm" c="dimmed" mb="sm">The last 100 polls, newest first.</Text>
      <ErrorNote error={q.error} />
      {q.data && (
        <Table.ScrollContainer minWidth={300}>
          <Table verticalSpacing={4} data-testid="poll-history">
            <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Result</Table.Th><Table.Th>Stored</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {q.data.items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td><Text size="xs" title={dateTime(p.started_at)}>{ago(p.started_at)}</Text><Text size="xs" c="dimmed">{p.trigger}</Text></Table.Td>
                  <Table.Td><Badge size="xs" variant="light" color={OUTCOME_COLORS[p.outcome]}>{p.outcome === 'auth' ? 'refused' : p.outcome === 'ok' ? 'ok' : 'failed'}</Badge>{p.error && <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>{p.error}</Text>}</Table.Td>
                  <Table.Td><Text size="sm">{p.stored}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Drawer>
  );
}

function where(m: Mailbox): string {
  const c = m.config as Record<string, unknown>;
  return m.type === 'imap' ? `${String(c.user ?? '')} at ${String(c.host ?? '')}:${String(c.port ?? '')} · ${String(c.folder ?? 'INBOX')}` : `${String(c.mailbox ?? '')} · ${String(c.folder ?? 'inbox')}`;
}

function MailboxCard({ m, health, highlighted, onEdit, onHistory, onChanged }: { m: Mailbox; health: Integration | undefined; highlighted: boolean; onEdit: () => void; onHistory: () => void; onChanged: () => void }) {
  const test = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/mailboxes/{id}/test', { params: { path: { id: m.id } } })) });
  const poll = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/mailboxes/{id}/poll', { params: { path: { id: m.id } } })), onSettled: onChanged });
  const remove = () => unwrap(api.DELETE('/api/v1/mailboxes/{id}', { params: { path: { id: m.id } } })).then(onChanged);
  return (
    <Paper withBorder p="sm" radius="md" data-mailbox={m.name} style={highlighted ? { borderColor: 'var(--mantine-color-blue-6)' } : undefined}>
      <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
        <div style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Group gap={6} wrap="wrap">
            <Text fw={600}>{m.name}</Text>
            <Badge size="xs" variant="outline" color="gray">{m.type === 'graph' ? 'Microsoft 365' : 'IMAP'}</Badge>
            {!m.enabled ? <Badge size="xs" color="gray">disabled</Badge> : m.last_error && !health?.auth_error ? <Badge size="xs" variant="light" color="orange">failing</Badge> : <Health health={health} />}
          </Group>
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>{where(m)} · every {Math.round(m.interval_seconds / 60)} min</Text>
          <Text size="xs" c="dimmed">last poll {ago(m.last_poll_at)}{m.last_count !== null ? `: ${m.last_count} stored` : ''} · next {ago(m.next_poll_at)}</Text>
          {m.last_error && <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>{m.last_error}</Text>}
          <HealthDetail health={health} />
        </div>
        <Group gap={6} wrap="wrap">
          <Button size="xs" variant="light" loading={test.isPending} onClick={() => test.mutate()}>Test connection</Button>
          <Button size="xs" variant="light" loading={poll.isPending} onClick={() => poll.mutate()}>Poll now</Button>
          <Button size="xs" variant="default" onClick={onHistory}>History</Button>
          <Button size="xs" variant="default" onClick={onEdit}>Edit</Button>
          <ConfirmButton label="Delete" variant="subtle" title={`Delete ${m.name}?`} message="Keepwatch stops polling it; mail already stored stays." onConfirm={remove} />
        </Group>
      </Group>
      <ErrorNote error={test.error ?? poll.error} />
      {test.data && <Steps report={test.data} />}
      {poll.data && <Text size="sm" mt={6} c={poll.data.error ? 'red' : 'teal'} data-testid="poll-result">{poll.data.error ? `Poll failed: ${poll.data.error}` : `Stored ${poll.data.stored} message${poll.data.stored === 1 ? '' : 's'}.`}</Text>}
    </Paper>
  );
}

export function Mailboxes() {
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const q = useQuery({ queryKey: ['mailboxes'], queryFn: () => unwrap(api.GET('/api/v1/mailboxes')), refetchInterval: 15_000 });
  const types = useQuery({ queryKey: ['mailbox-types'], queryFn: () => unwrap(api.GET('/api/v1/mailbox-types')), staleTime: Infinity, refetchInterval: false });
  const health = useQuery({ queryKey: ['integrations'], queryFn: () => unwrap(api.GET('/api/v1/integrations')) });
  const [editing, setEditing] = useState<Mailbox | 'new' | null>(null);
  const [history, setHistory] = useState<Mailbox | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['mailboxes'] });
    void qc.invalidateQueries({ queryKey: ['integrations'] });
    void qc.invalidateQueries({ queryKey: ['mailbox'] });
  };
  const save = useMutation({
    mutationFn: (v: SaveInput) =>
      editing && editing !== 'new'
        ? unwrap(api.PATCH('/api/v1/mailboxes/{id}', { params: { path: { id: editing.id } }, body: { name: v.name, enabled: v.enabled, config: v.config, interval_seconds: v.interval } }))
        : unwrap(api.POST('/api/v1/mailboxes', { body: { type: v.type as 'imap', name: v.name, enabled: v.enabled, config: v.config, interval_seconds: v.interval } })),
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
  });
  const items = q.data?.items ?? [];
  const byId = new Map((health.data?.items ?? []).map((h) => [h.id, h]));
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={720}>Where a mail server cannot forward to Keepwatch’s SMTP listener, Keepwatch fetches from a mailbox: each message is stored, then moved to a processed folder, and goes through the same rules as mail sent to the listener.</Text>
        <Button onClick={() => { save.reset(); setEditing('new'); }}>Add a mailbox</Button>
      </Group>
      <ErrorNote error={q.error} />
      {q.isSuccess && items.length === 0 && (
        <EmptyState title="No mailboxes">
          <Text size="sm">Add an IMAP mailbox, or a Microsoft 365 one through Microsoft Graph where IMAP is switched off (an Entra ID app with Mail.ReadWrite).</Text>
        </EmptyState>
      )}
      {items.map((m) => (
        <MailboxCard key={m.id} m={m} health={byId.get(m.id)} highlighted={params.get('id') === m.id} onEdit={() => { save.reset(); setEditing(m); }} onHistory={() => setHistory(m)} onChanged={refresh} />
      ))}
      <EditDrawer
        opened={editing !== null}
        title={editing === 'new' ? 'Add a mailbox' : `Edit ${editing?.name ?? ''}`}
        types={types.data?.items}
        intervalLabel="Poll every (seconds)"
        stored={editing && editing !== 'new' ? { id: editing.id, type: editing.type, name: editing.name, config: editing.config as Record<string, unknown>, enabled: editing.enabled, interval: editing.interval_seconds } : null}
        onClose={() => setEditing(null)}
        save={(v) => save.mutate(v)}
        error={save.error}
        pending={save.isPending}
      />
      <History mailbox={history} onClose={() => setHistory(null)} />
    </Stack>
  );
}
