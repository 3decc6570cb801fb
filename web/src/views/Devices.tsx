import { ActionIcon, Anchor, Button, Group, Menu, Progress, Select, Table, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronUp, IconDots, IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type Device, type paths, unwrap } from '../api/client';
import { EmptyState, ErrorNote, FirstJobHint, PageTitle, StatusBadge, useClients } from '../components/common';
import { ago, bytes, colorOf } from '../components/format';
import { useSession } from '../session';
import { ConfirmDialog, RenameDialog } from './device/CheckEditor';
import { TagChips, TagFilter } from './tags/Tags';

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

type Dialog = { kind: 'rename' | 'delete' | 'merge'; device: Device } | null;

/** A device's lifecycle from its row (issue #16): rename, retire or bring back, merge, delete. */
function DeviceMenu({ device, onOpen, onRetire }: { device: Device; onOpen: (d: Dialog) => void; onRetire: (d: Device) => void }) {
  const { can } = useSession();
  if (!can('operate')) return null;
  const retired = device.retired_manually_at !== null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${device.name}`}><IconDots size={16} /></ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onOpen({ kind: 'rename', device })}>Rename…</Menu.Item>
        <Menu.Item onClick={() => onRetire(device)}>{retired ? 'Bring back (monitor again)' : 'Retire (stop its alerts)'}</Menu.Item>
        {can('admin') && <Menu.Item onClick={() => onOpen({ kind: 'merge', device })}>Merge into…</Menu.Item>}
        {can('admin') && <Menu.Item color="red" onClick={() => onOpen({ kind: 'delete', device })}>Delete…</Menu.Item>}
      </Menu.Dropdown>
    </Menu>
  );
}

function MergeDialog({ device, onClose, onMerge }: { device: Device; onClose: () => void; onMerge: (into: string) => Promise<unknown> }) {
  const [into, setInto] = useState<string | null>(null);
  const others = useQuery({
    queryKey: ['devices', 'merge-targets', device.client_id],
    queryFn: () => unwrap(api.GET('/api/v1/devices', { params: { query: { client: device.client_id, limit: 500 } } })),
  });
  const data = (others.data?.items ?? []).filter((d) => d.id !== device.id).map((d) => ({ value: d.id, label: d.name }));
  return (
    <ConfirmDialog
      opened
      onClose={onClose}
      color="blue"
      label="Merge"
      title={`Merge ${device.name} into another device`}
      message={`One machine under two names: ${device.name}'s checks and jobs move to the device you choose (a check of the same name is merged into its own), then ${device.name} is deleted.`}
      onConfirm={() => (into ? onMerge(into) : Promise.reject(new Error('choose the device to merge into')))}
    >
      <Select label="Merge into" placeholder="Device of the same client" searchable data={data} value={into} onChange={setInto} />
    </ConfirmDialog>
  );
}

export default function Devices() {
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['devices'] });
  const path = (d: Device) => ({ params: { path: { id: d.id } } });
  const retire = (d: Device) => unwrap(api.PATCH('/api/v1/devices/{id}', { ...path(d), body: { retired: d.retired_manually_at === null } })).then(refresh);
  const [params, setParams] = useSearchParams();
  const { clients, nameOf } = useClients();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search, 250);

  const filters = { client: params.get('client') ?? undefined, status: (params.get('status') ?? undefined) as Query['status'], class: (params.get('class') ?? undefined) as Query['class'], tag: params.getAll('tag').length ? params.getAll('tag') : undefined };
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
  const filtered = Boolean(filters.client || filters.status || filters.class || filters.tag || q);
  const setTags = (tags: string[]) => {
    const next = new URLSearchParams(params);
    next.delete('tag');
    for (const t of tags) next.append('tag', t);
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageTitle title="Devices" />
      <Group mb="md" gap="sm" align="flex-end">
        <TextInput placeholder="Search by name" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={{ base: '100%', sm: 220 }} aria-label="Search devices" />
        <Select placeholder="All clients" aria-label="Client" clearable searchable data={clients.map((c) => ({ value: c.id, label: c.name }))} value={filters.client ?? null} onChange={(v) => set('client', v)} w={{ base: '100%', sm: 200 }} />
        <Select placeholder="Any status" aria-label="Status" clearable data={['critical', 'warning', 'healthy', 'unknown', 'retired']} value={filters.status ?? null} onChange={(v) => set('status', v)} w={{ base: '48%', sm: 150 }} />
        <Select placeholder="Any class" aria-label="Class" clearable data={['server', 'workstation', 'saas']} value={filters.class ?? null} onChange={(v) => set('class', v)} w={{ base: '48%', sm: 150 }} />
        <TagFilter value={filters.tag ?? []} onChange={setTags} />
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
                <Table.Th w={40} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/devices/${d.id}`} fw={500} size="sm">{d.name}</Anchor>
                    <Text size="xs" c="dimmed" hiddenFrom="sm">{nameOf(d.client_id)} · {ago(d.last_good_at)}</Text>
                    <TagChips tags={d.tags} />
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
                  <Table.Td><DeviceMenu device={d} onOpen={setDialog} onRetire={(x) => void retire(x)} /></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {dialog?.kind === 'rename' && (
        <RenameDialog opened onClose={() => setDialog(null)} what="device" name={dialog.device.name} onRename={(name) => unwrap(api.PATCH('/api/v1/devices/{id}', { ...path(dialog.device), body: { name } })).then(refresh)} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          opened
          onClose={() => setDialog(null)}
          label="Delete device"
          title={`Delete ${dialog.device.name}?`}
          message={`${dialog.device.name} is deleted with its ${dialog.device.checks.length} check(s), their jobs and alerts. This cannot be undone; a source that reports it again creates it anew (retire it instead to keep its history).`}
          onConfirm={() => unwrap(api.DELETE('/api/v1/devices/{id}', path(dialog.device))).then(refresh)}
        />
      )}
      {dialog?.kind === 'merge' && (
        <MergeDialog device={dialog.device} onClose={() => setDialog(null)} onMerge={(into) => unwrap(api.POST('/api/v1/devices/{id}/merge', { ...path(dialog.device), body: { into } })).then(refresh)} />
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
