// Settings → Connectors: pull connectors (Azure Backup and Site Recovery first) — create, test the
// connection step by step, sync now with the counts, the sync history, and their health.
import { Badge, Button, Drawer, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, type Connector, type ConnectorRun, type Integration, unwrap } from '../../api/client';
import { ConfirmButton, EmptyState, ErrorNote, StatusBadge } from '../../components/common';
import { ago, dateTime, duration } from '../../components/format';
import { EditDrawer, Health, HealthDetail, type SaveInput, Steps } from './IntegrationParts';

const RUN_COLORS: Record<string, string> = { succeeded: 'teal', partial: 'orange', failed: 'red', abandoned: 'gray', running: 'blue' };

function Counts({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return <Text size="xs" c="dimmed">nothing new</Text>;
  return <Text size="xs">{entries.map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(' · ')}</Text>;
}

function RunRow({ r }: { r: ConnectorRun }) {
  return (
    <Table.Tr>
      <Table.Td><Text size="xs" title={dateTime(r.started_at)}>{ago(r.started_at)}</Text><Text size="xs" c="dimmed">{r.trigger}</Text></Table.Td>
      <Table.Td><Badge size="xs" variant="light" color={RUN_COLORS[r.status] ?? 'gray'}>{r.status}</Badge><Text size="xs" c="dimmed">{duration(r.duration_ms === null ? null : r.duration_ms / 1000)}</Text></Table.Td>
      <Table.Td><Counts counts={r.counts} />{r.error && <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>{r.error}</Text>}{r.errors.map((e) => <Text key={e.scope + e.message} size="xs" c="orange" style={{ wordBreak: 'break-word' }}>{e.scope}: {e.message}</Text>)}</Table.Td>
    </Table.Tr>
  );
}

function History({ connector, onClose }: { connector: Connector | null; onClose: () => void }) {
  const q = useQuery({
    queryKey: ['connector', connector?.id, 'runs'],
    queryFn: () => unwrap(api.GET('/api/v1/connectors/{id}/runs', { params: { path: { id: connector!.id }, query: { limit: 100 } } })),
    enabled: connector !== null,
    refetchInterval: 10_000,
  });
  return (
    <Drawer opened={connector !== null} onClose={onClose} title={`Sync history: ${connector?.name ?? ''}`} position="right" size="lg">
      <ErrorNote error={q.error} />
      {q.data && (
        <Table.ScrollContainer minWidth={300}>
          <Table verticalSpacing={4} data-testid="sync-history">
            <Table.Thead><Table.Tr><Table.Th>Started</Table.Th><Table.Th>Result</Table.Th><Table.Th>What it found</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>{q.data.items.map((r) => <RunRow key={r.id} r={r} />)}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Drawer>
  );
}

function ConnectorCard({ c, health, highlighted, onEdit, onHistory, onChanged }: { c: Connector; health: Integration | undefined; highlighted: boolean; onEdit: () => void; onHistory: () => void; onChanged: () => void }) {
  const test = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/connectors/{id}/test', { params: { path: { id: c.id } } })) });
  const sync = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/connectors/{id}/sync', { params: { path: { id: c.id } } })), onSettled: onChanged });
  const remove = () => unwrap(api.DELETE('/api/v1/connectors/{id}', { params: { path: { id: c.id } } })).then(onChanged);
  const last = useQuery({
    queryKey: ['connector', c.id, 'runs', 'last', c.last_run?.id],
    queryFn: () => unwrap(api.GET('/api/v1/connectors/{id}/runs', { params: { path: { id: c.id }, query: { limit: 1 } } })),
    enabled: c.last_run !== null,
    refetchInterval: false,
  });
  const lastCounts = last.data?.items[0]?.counts;
  return (
    <Paper withBorder p="sm" radius="md" data-connector={c.name} style={highlighted ? { borderColor: 'var(--mantine-color-blue-6)' } : undefined}>
      <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
        <div style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Group gap={6} wrap="wrap">
            <Text fw={600}>{c.name}</Text>
            <Badge size="xs" variant="outline" color="gray">{c.type}</Badge>
            {c.enabled ? <Health health={health} /> : <Badge size="xs" color="gray">disabled</Badge>}
            {c.running && <Badge size="xs" color="blue" variant="dot">syncing</Badge>}
          </Group>
          <Text size="xs" c="dimmed">every {c.interval_minutes} min · next {ago(c.next_run_at)}</Text>
          {c.last_run && (
            <Group gap={4}>
              <Text size="xs" c="dimmed">last sync {ago(c.last_run.finished_at)}:</Text>
              <StatusBadge status={c.last_run.status === 'partial' ? 'warning' : c.last_run.status} />
              {lastCounts && <Counts counts={lastCounts} />}
            </Group>
          )}
          {c.last_run?.error && !health?.auth_error && !health?.quota_error && <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>{c.last_run.error}</Text>}
          <HealthDetail health={health} />
        </div>
        <Group gap={6} wrap="wrap">
          <Button size="xs" variant="light" loading={test.isPending} onClick={() => test.mutate()}>Test connection</Button>
          <Button size="xs" variant="light" loading={sync.isPending} onClick={() => sync.mutate()}>Sync now</Button>
          <Button size="xs" variant="default" onClick={onHistory}>History</Button>
          <Button size="xs" variant="default" onClick={onEdit}>Edit</Button>
          <ConfirmButton label="Delete" variant="subtle" title={`Delete ${c.name}?`} message="Its sync history goes; the devices, checks and jobs it found stay, and its integration alerts resolve." onConfirm={remove} />
        </Group>
      </Group>
      <ErrorNote error={test.error ?? sync.error} />
      {test.data && <Steps report={test.data} />}
      {sync.data && (
        <Paper withBorder p="xs" mt={6} data-testid="sync-result">
          <Group gap={6}><Text size="sm" fw={600}>Sync {sync.data.status}</Text><Counts counts={sync.data.counts} /></Group>
          {sync.data.error && <Text size="xs" c="red">{sync.data.error}</Text>}
        </Paper>
      )}
    </Paper>
  );
}

export function Connectors() {
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const q = useQuery({ queryKey: ['connectors'], queryFn: () => unwrap(api.GET('/api/v1/connectors', { params: { query: { limit: 500 } } })), refetchInterval: 15_000 });
  const types = useQuery({ queryKey: ['connector-types'], queryFn: () => unwrap(api.GET('/api/v1/connector-types')), staleTime: Infinity, refetchInterval: false });
  const health = useQuery({ queryKey: ['integrations'], queryFn: () => unwrap(api.GET('/api/v1/integrations')) });
  const [editing, setEditing] = useState<Connector | 'new' | null>(null);
  const [history, setHistory] = useState<Connector | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['connectors'] });
    void qc.invalidateQueries({ queryKey: ['integrations'] });
  };
  const save = useMutation({
    mutationFn: (v: SaveInput) =>
      editing && editing !== 'new'
        ? unwrap(api.PATCH('/api/v1/connectors/{id}', { params: { path: { id: editing.id } }, body: { name: v.name, enabled: v.enabled, config: v.config } }))
        : unwrap(api.POST('/api/v1/connectors', { body: { type: v.type as 'azure', name: v.name, enabled: v.enabled, config: v.config } })),
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
        <Text size="sm" c="dimmed" maw={720}>Connectors fetch backup results from a product’s API on a schedule, where the product does not push them. Refused credentials and throttling raise an alert; the devices they feed are held back meanwhile.</Text>
        <Button onClick={() => { save.reset(); setEditing('new'); }}>Add a connector</Button>
      </Group>
      <ErrorNote error={q.error} />
      {q.isSuccess && items.length === 0 && (
        <EmptyState title="No connectors yet">
          <Text size="sm">Azure Backup sends no e-mail for a failed job: add an Azure connector with an Entra ID app registration that has Reader on the subscription, test the connection, and its vaults’ jobs appear within minutes.</Text>
        </EmptyState>
      )}
      {items.map((c) => (
        <ConnectorCard key={c.id} c={c} health={byId.get(c.id)} highlighted={params.get('id') === c.id} onEdit={() => { save.reset(); setEditing(c); }} onHistory={() => setHistory(c)} onChanged={refresh} />
      ))}
      <EditDrawer
        opened={editing !== null}
        title={editing === 'new' ? 'Add a connector' : `Edit ${editing?.name ?? ''}`}
        types={types.data?.items}
        stored={editing && editing !== 'new' ? { id: editing.id, type: editing.type, name: editing.name, config: editing.config, enabled: editing.enabled } : null}
        onClose={() => setEditing(null)}
        save={(v) => save.mutate(v)}
        error={save.error}
        pending={save.isPending}
      />
      <History connector={history} onClose={() => setHistory(null)} />
    </Stack>
  );
}
