import { Anchor, Box, Button, Drawer, Group, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, type Grid as GridData, unwrap } from '../api/client';
import { EmptyState, ErrorNote, FirstJobHint, PageTitle, StatusBadge, useClients } from '../components/common';
import { colorOf, dateTime, label } from '../components/format';
import { TagFilter } from './tags/Tags';

type Row = GridData['items'][number];
/** Whether a day's failed and warning runs are all reviewed; null: nothing to review that day. */
const reviewedOf = (row: Row, i: number): boolean | null => row.reviewed[i] ?? null;
const ROLLUPS = ['warning_if_mixed', 'last', 'worst', 'best'];

/** What a cell's colour means, in the order a reader looks for them. */
const LEGEND: Array<{ cell: Row['cells'][number]; text: string }> = [
  { cell: 'succeeded', text: 'succeeded' },
  { cell: 'warning', text: 'warning' },
  { cell: 'partial', text: 'partial' },
  { cell: 'failed', text: 'failed' },
  { cell: 'no_result', text: 'no result (missed)' },
  { cell: 'running', text: 'running' },
  { cell: null, text: 'nothing expected' },
];

function cellBackground(c: Row['cells'][number]): string {
  return c ? `var(--mantine-color-${colorOf(c)}-${c === 'no_result' ? 3 : 6})` : 'var(--mantine-color-default-border)';
}

function Legend() {
  return (
    <Group gap="sm" mb="xs" data-testid="grid-legend" aria-label="Legend">
      {LEGEND.map((l) => (
        <Group key={l.text} gap={4} wrap="nowrap">
          <Box style={{ width: 12, height: 12, borderRadius: 3, background: cellBackground(l.cell) }} />
          <Text size="xs" c="dimmed">{l.text}</Text>
        </Group>
      ))}
      <Group gap={4} wrap="nowrap">
        <Box style={{ width: 12, height: 12, borderRadius: 3, background: cellBackground('failed'), display: 'grid', placeItems: 'center' }}><IconCheck size={9} color="white" stroke={3} /></Box>
        <Text size="xs" c="dimmed">reviewed</Text>
      </Group>
    </Group>
  );
}

/** `2026-11-20` → day `20` over month `Nov`, so a grid across a month end reads unambiguously. */
function DayLabel({ day, today }: { day: string; today: boolean }) {
  const month = new Date(`${day}T00:00:00Z`).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return (
    <Stack gap={0} align="center" title={today ? `${day} (today)` : day}>
      <Text size="xs" fw={today ? 700 : 400} c={today ? 'blue' : 'dimmed'} lh={1.2}>{day.slice(8)}</Text>
      <Text fz={10} fw={today ? 700 : 400} c={today ? 'blue' : 'dimmed'} lh={1.2}>{month}</Text>
    </Stack>
  );
}

function DayJobs({ cell, onClose }: { cell: { row: Row; day: string } | null; onClose: () => void }) {
  const q = useQuery({
    queryKey: ['grid-day', cell?.row.check_id, cell?.day],
    enabled: cell !== null,
    queryFn: () => unwrap(api.GET('/api/v1/devices/{id}/jobs', { params: { path: { id: cell!.row.device_id }, query: { check: cell!.row.check_id, limit: 200 } } })),
  });
  const jobs = (q.data?.items ?? []).filter((j) => (j.ended_at ?? j.started_at ?? '').startsWith(cell?.day ?? '-'));
  return (
    <Drawer opened={cell !== null} onClose={onClose} title={cell ? `${cell.row.device_name} · ${cell.row.check_name} · ${cell.day}` : ''} position="right">
      <Stack gap="xs">
        {jobs.length === 0 && <Text size="sm" c="dimmed">No job ended on this day (UTC).</Text>}
        {jobs.map((j) => (
          <Group key={j.id} gap="xs"><StatusBadge status={j.status} /><Text size="sm">{dateTime(j.ended_at ?? j.started_at)}</Text><Text size="xs" c="dimmed" lineClamp={1}>{j.message ?? ''}</Text>{j.review && <Text size="xs" c="teal">reviewed by {j.review.by}</Text>}</Group>
        ))}
        {cell && <Anchor component={Link} to={`/devices/${cell.row.device_id}`} size="sm">Open the device</Anchor>}
      </Stack>
    </Drawer>
  );
}

export default function Grid() {
  const { clients, nameOf } = useClients();
  const [client, setClient] = useState<string | null>(null);
  const [rollup, setRollup] = useState<string | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [days, setDays] = useState('14');
  const [cursors, setCursors] = useState<string[]>([]);
  const [cell, setCell] = useState<{ row: Row; day: string } | null>(null);
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - (Number(days) - 1) * 86_400_000).toISOString().slice(0, 10);
  const cursor = cursors[cursors.length - 1];
  const q = useQuery({
    queryKey: ['grid', client, rollup, tags, from, to, cursor],
    placeholderData: keepPreviousData,
    queryFn: () => unwrap(api.GET('/api/v1/grid', { params: { query: { client: client ?? undefined, rollup: (rollup ?? undefined) as never, tag: tags.length ? tags : undefined, from, to, cursor, limit: 100 } } })),
  });
  const g = q.data;
  // Today is the last column: scroll it into view on a narrow screen (375 px shows about 8 days).
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = scroller.current?.querySelector('.mantine-ScrollArea-viewport, .mantine-Table-scrollContainer');
    if (el && g) el.scrollLeft = el.scrollWidth;
  }, [g]);
  return (
    <>
      <PageTitle title="Daily status grid" />
      <Group mb="md" gap="sm">
        <Select placeholder="All clients" aria-label="Client" clearable searchable data={clients.map((c) => ({ value: c.id, label: c.name }))} value={client} onChange={(v) => { setClient(v); setCursors([]); }} w={{ base: '100%', sm: 200 }} />
        <Select aria-label="Days" data={[{ value: '7', label: '7 days' }, { value: '14', label: '14 days' }, { value: '30', label: '30 days' }]} value={days} onChange={(v) => setDays(v ?? '14')} w={120} />
        <Select placeholder="Roll-up (settings)" aria-label="Roll-up" clearable data={ROLLUPS.map((r) => ({ value: r, label: label(r) }))} value={rollup} onChange={setRollup} w={190} />
        <TagFilter value={tags} onChange={(t) => { setTags(t); setCursors([]); }} />
      </Group>
      <ErrorNote error={q.error} />
      {g && g.items.length === 0 && !cursor && (
        <EmptyState title="No checks to show">
          <FirstJobHint />
        </EmptyState>
      )}
      {g && g.items.length > 0 && (
        <div ref={scroller}>
        <Legend />
        <Table.ScrollContainer minWidth={320}>
          <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing={4} data-testid="grid">
            <Table.Thead>
              <Table.Tr>
                <Table.Th miw={{ base: 110, sm: 160 }} style={{ position: 'sticky', left: 0, zIndex: 1, background: 'var(--mantine-color-body)' }}>Check</Table.Th>
                {g.days.map((d) => <Table.Th key={d} ta="center" data-day={d} data-today={d === to || undefined}><DayLabel day={d} today={d === to} /></Table.Th>)}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {g.items.map((row) => (
                <Table.Tr key={row.check_id}>
                  <Table.Td maw={{ base: 110, sm: 'none' }} style={{ position: 'sticky', left: 0, zIndex: 1, background: 'var(--mantine-color-body)' }}>
                    <Text size="sm" fw={500} lineClamp={1}>{row.device_name}</Text>
                    <Text size="xs" c="dimmed" lineClamp={1}>{row.check_name} · {nameOf(row.client_id)}</Text>
                  </Table.Td>
                  {row.cells.map((c, i) => {
                    const reviewed = reviewedOf(row, i) === true;
                    return (
                      <Table.Td key={g.days[i]} ta="center">
                        <Tooltip label={`${g.days[i]}: ${c ? label(c) : 'nothing expected'}${reviewed ? ' · reviewed' : ''}`}>
                          <Box
                            component="button"
                            aria-label={`${row.device_name} ${g.days[i]} ${c ?? 'blank'}${reviewed ? ' reviewed' : ''}`}
                            data-reviewed={reviewed || undefined}
                            onClick={() => setCell({ row, day: g.days[i]! })}
                            style={{ width: 18, height: 18, borderRadius: 4, border: 0, padding: 0, cursor: 'pointer', background: cellBackground(c), display: 'grid', placeItems: 'center' }}
                          >
                            {reviewed && <IconCheck size={12} color="white" stroke={3} aria-hidden />}
                          </Box>
                        </Tooltip>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        </div>
      )}
      <Group justify="flex-end" mt="md" gap="xs">
        <Button variant="default" size="xs" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</Button>
        <Button variant="default" size="xs" disabled={!g?.next_cursor} onClick={() => setCursors([...cursors, g!.next_cursor!])}>Next</Button>
      </Group>
      <DayJobs cell={cell} onClose={() => setCell(null)} />
    </>
  );
}
