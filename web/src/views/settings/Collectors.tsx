// Settings → Connectors → Collectors: `keepwatch collect` processes at client sites (docs/collector.md),
// with their client, last contact (red once stale: collector_stale is raised) and each connector's
// last outcome as the collector reported it.
import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type paths, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { ago, dateTime } from '../../components/format';

type Collector = paths['/api/v1/collectors']['get']['responses']['200']['content']['application/json']['items'][number];
type CollectorConnector = Collector['connectors'][number];

const OUTCOME_COLORS: Record<string, string> = { ok: 'teal', auth: 'red', quota: 'orange', other: 'red' };

function Outcome({ c }: { c: CollectorConnector }) {
  if (c.outcome === null) return <Badge size="xs" color="gray" variant="light">not run yet</Badge>;
  // A sync that went through but lost a part (a vault) reports ok with the part's error.
  const color = c.outcome === 'ok' && c.error ? 'orange' : (OUTCOME_COLORS[c.outcome] ?? 'gray');
  return <Badge size="xs" color={color} variant="light">{c.outcome === 'ok' && c.error ? 'partial' : c.outcome}</Badge>;
}

function CollectorRow({ c }: { c: Collector }) {
  return (
    <Table.Tr data-testid="collector-row">
      <Table.Td>
        <Text size="sm" fw={600}>{c.name}</Text>
        {c.version && <Text size="xs" c="dimmed">version {c.version}</Text>}
      </Table.Td>
      <Table.Td><Text size="sm">{c.client_name ?? 'every client'}</Text></Table.Td>
      <Table.Td>
        <Text size="sm" c={c.stale ? 'red' : undefined} fw={c.stale ? 600 : undefined} title={dateTime(c.last_contact_at)}>{ago(c.last_contact_at)}</Text>
        {c.stale && <Text size="xs" c="red">silent for over {c.stale_after_minutes} min</Text>}
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          {c.connectors.map((k) => (
            <div key={k.name}>
              <Group gap={6} wrap="nowrap">
                <Text size="sm">{k.name}</Text>
                <Text size="xs" c="dimmed">{k.type}</Text>
                <Outcome c={k} />
                {k.last_run_at && <Text size="xs" c="dimmed" title={dateTime(k.last_run_at)}>{ago(k.last_run_at)}</Text>}
              </Group>
              {k.error && <Text size="xs" c={k.outcome === 'ok' ? 'orange' : 'red'} style={{ wordBreak: 'break-word' }}>{k.error}</Text>}
            </div>
          ))}
          {c.connectors.length === 0 && <Text size="xs" c="dimmed">no connectors</Text>}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

export function Collectors() {
  const q = useQuery({ queryKey: ['collectors'], queryFn: () => unwrap(api.GET('/api/v1/collectors')), refetchInterval: 30_000 });
  const items = q.data?.items ?? [];
  return (
    <Stack gap="xs" mt="lg" data-testid="collectors">
      <Title order={4}>Collectors</Title>
      <Text size="sm" c="dimmed" maw={720}>
        A collector runs connectors inside a client’s network (Veeam B&amp;R, Proxmox Backup Server…) with <code>keepwatch collect</code> and pushes what
        they read here with an ingest token limited to that client. One that stops calling in raises a stale-collector alert.
      </Text>
      <ErrorNote error={q.error} />
      {q.isSuccess && items.length === 0 && <Text size="sm" c="dimmed">No collector has called in yet (see docs/collector.md).</Text>}
      {items.length > 0 && (
        <Paper withBorder>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Collector</Table.Th>
                <Table.Th>Client</Table.Th>
                <Table.Th>Last contact</Table.Th>
                <Table.Th>Connectors (last outcome)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => <CollectorRow key={c.id} c={c} />)}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
