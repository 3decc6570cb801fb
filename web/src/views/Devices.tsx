import { Anchor, Button, Group, Progress, Select, Table, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronUp, IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type Device, type paths, unwrap } from '../api/client';
import { EmptyState, ErrorNote, FirstJobHint, PageTitle, StatusBadge, useClients } from '../components/common';
import { ago, bytes, colorOf } from '../components/format';

type Query = NonNullable<paths['/api/v1/devices']['get']['parameters']['query']>;
type Sort = NonNullable<Query['sort']>;
const PAGE = 50;

function SortHeader({ label, field, sort, onSort }: { label: string; field: 'name' | 'score' | 'last_good_at'; sort: Sort; onSort: (s: Sort) => void }) {
  const active = sort.replace('-', '') === field;
  const desc = sort.startsWith('-');
  return (
    <UnstyledButton onClick={() => onSort(active && !desc ? (`-${field}` as Sort) : (field as Sort))} fw={600} fz="sm">
      <Group gap={2} wrap="nowrap">
        {label}
        {active && (desc ? <IconChevronDown size={14} /> : <IconChevronUp size={14} />)}
      </Group>
    </UnstyledButton>
  );
}

function CheckDots({ device }: { device: Device }) {
  return (
    <Group gap={4} wrap="nowrap">
      {device.checks.map((c) => (
        <Tooltip key={c.id} label={`${c.name}: ${c.state}`}>
          <span style={{ width: 10, height: 10, borderRadius: 5, display: 'inline-block', background: `var(--mantine-color-${colorOf(c.state)}-6)` }} />
        </Tooltip>
      ))}
    </Group>
  );
}

function Storage({ d }: { d: Device }) {
  if (d.storage_used_bytes === null) return <Text size="sm" c="dimmed">—</Text>;
  const pct = d.storage_quota_bytes ? (100 * d.storage_used_bytes) / d.storage_quota_bytes : null;
  return (
    <Tooltip label={pct === null ? bytes(d.storage_used_bytes) : `${bytes(d.storage_used_bytes)} of ${bytes(d.storage_quota_bytes)}`}>
      {pct === null ? <Text size="sm">{bytes(d.storage_used_bytes)}</Text> : <Progress value={pct} color={pct > 95 ? 'red' : pct > 80 ? 'yellow' : 'teal'} w={70} />}
    </Tooltip>
  );
}

export default function Devices() {
  const [params, setParams] = useSearchParams();
  const { clients, nameOf } = useClients();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search, 250);

  const filters = { client: params.get('client') ?? undefined, status: (params.get('status') ?? undefined) as Query['status'], class: (params.get('class') ?? undefined) as Query['class'] };
  const sort = (params.get('sort') ?? 'name') as Sort;
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  // Pages belong to one set of filters: a new filter starts again at page 1.
  const pageKey = JSON.stringify([filters, q, sort]);
  const [pager, setPager] = useState<{ key: string; cursors: string[] }>({ key: pageKey, cursors: [] });
  const cursors = pager.key === pageKey ? pager.cursors : [];
  const setCursors = (next: string[]) => setPager({ key: pageKey, cursors: next });
  const cursor = cursors[cursors.length - 1];
  const query = useQuery({
    queryKey: ['devices', filters, q, sort, cursor],
    queryFn: () => unwrap(api.GET('/api/v1/devices', { params: { query: { ...filters, q: q || undefined, sort, cursor, limit: PAGE } } })),
    placeholderData: keepPreviousData,
  });
  const items = query.data?.items ?? [];
  const filtered = Boolean(filters.client || filters.status || filters.class || q);
  return (
    <>
      <PageTitle title="Devices" />
      <Group mb="md" gap="sm" align="flex-end">
        <TextInput placeholder="Search by name" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={{ base: '100%', sm: 220 }} aria-label="Search devices" />
        <Select placeholder="All clients" aria-label="Client" clearable searchable data={clients.map((c) => ({ value: c.id, label: c.name }))} value={filters.client ?? null} onChange={(v) => set('client', v)} w={{ base: '100%', sm: 200 }} />
        <Select placeholder="Any status" aria-label="Status" clearable data={['critical', 'warning', 'healthy', 'unknown', 'retired']} value={filters.status ?? null} onChange={(v) => set('status', v)} w={{ base: '48%', sm: 150 }} />
        <Select placeholder="Any class" aria-label="Class" clearable data={['server', 'workstation', 'saas']} value={filters.class ?? null} onChange={(v) => set('class', v)} w={{ base: '48%', sm: 150 }} />
      </Group>
      <ErrorNote error={query.error} />
      {query.isSuccess && items.length === 0 && !cursor ? (
        filtered ? (
          <EmptyState title="No device matches these filters">
            <Button variant="light" size="xs" onClick={() => { setSearch(''); setParams(new URLSearchParams(), { replace: true }); }}>
              Clear filters
            </Button>
          </EmptyState>
        ) : (
          <EmptyState title="No devices yet">
            <FirstJobHint />
          </EmptyState>
        )
      ) : (
        <Table.ScrollContainer minWidth={320}>
          <Table highlightOnHover verticalSpacing="xs" data-testid="devices-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th><SortHeader label="Device" field="name" sort={sort} onSort={(s) => set('sort', s)} /></Table.Th>
                <Table.Th><SortHeader label="Status" field="score" sort={sort} onSort={(s) => set('sort', s)} /></Table.Th>
                <Table.Th visibleFrom="sm">Client</Table.Th>
                <Table.Th visibleFrom="md">Class</Table.Th>
                <Table.Th visibleFrom="sm"><SortHeader label="Last good backup" field="last_good_at" sort={sort} onSort={(s) => set('sort', s)} /></Table.Th>
                <Table.Th visibleFrom="md">Checks</Table.Th>
                <Table.Th visibleFrom="lg">Storage</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/devices/${d.id}`} fw={500} size="sm">{d.name}</Anchor>
                    <Text size="xs" c="dimmed" hiddenFrom="sm">{nameOf(d.client_id)} · {ago(d.last_good_at)}</Text>
                  </Table.Td>
                  {/* A badge's label may ellipsize: give the cell room for the longest ("CRITICAL" + score). */}
                  <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 128 }}>
                    <Group gap={6} wrap="nowrap">
                      <StatusBadge status={d.status} />
                      <Text size="xs" c="dimmed">{d.score}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td visibleFrom="sm"><Text size="sm">{nameOf(d.client_id)}</Text></Table.Td>
                  <Table.Td visibleFrom="md"><Text size="sm">{d.class}</Text></Table.Td>
                  <Table.Td visibleFrom="sm"><Text size="sm">{ago(d.last_good_at)}</Text></Table.Td>
                  <Table.Td visibleFrom="md"><CheckDots device={d} /></Table.Td>
                  <Table.Td visibleFrom="lg"><Storage d={d} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between" mt="md">
        <Text size="sm" c="dimmed">{items.length > 0 && `Page ${cursors.length + 1} · ${items.length} devices`}</Text>
        <Group gap="xs">
          <Button variant="default" size="xs" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</Button>
          <Button variant="default" size="xs" disabled={!query.data?.next_cursor} onClick={() => setCursors([...cursors, query.data!.next_cursor!])}>Next</Button>
        </Group>
      </Group>
    </>
  );
}
