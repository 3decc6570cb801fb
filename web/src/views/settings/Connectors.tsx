// Settings → Connectors: pull connectors (Azure Backup and Site Recovery first) — create, test the
// connection step by step, sync now with the counts, the sync history, and their health.
import { Badge, Group, Paper, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type Connector, type ConnectorRun, unwrap } from '../../api/client';
import { StatusBadge } from '../../components/common';
import { ago, dateTime, duration } from '../../components/format';
import { Collectors } from './Collectors';
import { ConnectorTenants } from './ConnectorTenants';
import { type CardProps, HealthBadge, HistoryDrawer, IntegrationCard, IntegrationSettings } from './IntegrationParts';

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
    <HistoryDrawer
      opened={connector !== null}
      onClose={onClose}
      title={`Sync history: ${connector?.name ?? ''}`}
      error={q.error}
      testId="sync-history"
      columns={['Started', 'Result', 'What it found']}
      rows={q.data?.items.map((r) => <RunRow key={r.id} r={r} />)}
    />
  );
}

function ConnectorCard({ c, ...card }: { c: Connector } & CardProps) {
  const path = { params: { path: { id: c.id } } };
  const last = useQuery({
    queryKey: ['connector', c.id, 'runs', 'last', c.last_run?.id],
    queryFn: () => unwrap(api.GET('/api/v1/connectors/{id}/runs', { params: { path: { id: c.id }, query: { limit: 1 } } })),
    enabled: c.last_run !== null,
    refetchInterval: false,
  });
  const lastCounts = last.data?.items[0]?.counts;
  return (
    <IntegrationCard
      {...card}
      kind="connector"
      name={c.name}
      item={c}
      typeLabel={c.type}
      state={
        <>
          <HealthBadge item={c} alerts={card.health} />
          {!c.enabled && <Badge size="xs" color="gray">disabled</Badge>}
          {c.running && <Badge size="xs" color="blue" variant="dot">syncing</Badge>}
        </>
      }
      test={() => unwrap(api.POST('/api/v1/connectors/{id}/test', path))}
      run={{
        label: 'Sync now',
        fn: () => unwrap(api.POST('/api/v1/connectors/{id}/sync', path)),
        result: (sync) => (
          <Paper withBorder p="xs" mt={6} data-testid="sync-result">
            <Group gap={6}><Text size="sm" fw={600}>Sync {sync.status}</Text><Counts counts={sync.counts} /></Group>
            {sync.error && <Text size="xs" c="red">{sync.error}</Text>}
          </Paper>
        ),
      }}
      remove={() => unwrap(api.DELETE('/api/v1/connectors/{id}', path))}
      removeMessage="Its sync history goes; the devices, checks and jobs it found stay, and its integration alerts resolve."
    >
      <Text size="xs" c="dimmed">every {c.interval_minutes} min · next {ago(c.next_run_at)}</Text>
      <ConnectorTenants connector={c} />
      {c.last_run && (
        <Group gap={4}>
          <Text size="xs" c="dimmed">last sync {ago(c.last_run.finished_at)}:</Text>
          <StatusBadge status={c.last_run.status} />
          {lastCounts && <Counts counts={lastCounts} />}
        </Group>
      )}
    </IntegrationCard>
  );
}

export function Connectors() {
  const q = useQuery({ queryKey: ['connectors'], queryFn: () => unwrap(api.GET('/api/v1/connectors', { params: { query: { limit: 500 } } })), refetchInterval: 15_000 });
  const types = useQuery({ queryKey: ['connector-types'], queryFn: () => unwrap(api.GET('/api/v1/connector-types')), staleTime: Infinity, refetchInterval: false });
  return (
    <>
    <IntegrationSettings
      list={q}
      types={types.data?.items}
      refreshes={['connectors', 'integrations']}
      intro="Connectors fetch backup results from a product’s API on a schedule, where the product does not push them. Refused credentials and throttling raise an alert; the devices they feed are held back meanwhile."
      addLabel="Add a connector"
      emptyTitle="No connectors yet"
      emptyText="Azure Backup sends no e-mail for a failed job: add an Azure connector with an Entra ID app registration that has Reader on the subscription, test the connection, and its vaults’ jobs appear within minutes."
      stored={(c) => ({ id: c.id, type: c.type, name: c.name, config: c.config, enabled: c.enabled })}
      save={(editing, v) =>
        editing
          ? unwrap(api.PATCH('/api/v1/connectors/{id}', { params: { path: { id: editing.id } }, body: { name: v.name, enabled: v.enabled, config: v.config } }))
          : unwrap(api.POST('/api/v1/connectors', { body: { type: v.type as 'azure', name: v.name, enabled: v.enabled, config: v.config } }))
      }
      card={(c, card) => <ConnectorCard c={c} {...card} />}
      history={(c, onClose) => <History connector={c} onClose={onClose} />}
    />
    <Collectors />
    </>
  );
}
