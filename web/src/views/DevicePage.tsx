import { BarChart, LineChart } from '@mantine/charts';
import { Anchor, Badge, Button, Code, Drawer, Group, Paper, ScrollArea, SimpleGrid, Stack, Table, Tabs, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { IconCircleCheck, IconCircleDashed, IconCircleX, IconAlertCircle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Check, type Job, unwrap } from '../api/client';
import { ErrorNote, StatCard, StatusBadge, useClients } from '../components/common';
import { ago, bytes, colorOf, dateTime, duration, label } from '../components/format';
import { Loading } from '../components/Loading';
import { CheckEmailDrawer } from './device/CheckEmail';

const GOOD = new Set(['succeeded', 'warning']);

function JobIcon({ job, onClick }: { job: Job; onClick: () => void }) {
  const Icon = job.status === 'succeeded' ? IconCircleCheck : job.status === 'failed' ? IconCircleX : job.status === 'running' || job.status === 'skipped' ? IconCircleDashed : IconAlertCircle;
  return (
    <Tooltip label={`${label(job.status)} · ${dateTime(job.ended_at ?? job.started_at)}`}>
      <UnstyledButton onClick={onClick} aria-label={`job ${job.status} ${job.ended_at ?? ''}`} data-job-status={job.status}>
        <Icon size={22} color={`var(--mantine-color-${colorOf(job.status)}-6)`} />
      </UnstyledButton>
    </Tooltip>
  );
}

function JobDrawer({ jobId, onClose }: { jobId: string | null; onClose: () => void }) {
  const q = useQuery({ queryKey: ['job', jobId], queryFn: () => unwrap(api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId! } } })), enabled: jobId !== null, refetchInterval: false });
  const j = q.data;
  return (
    <Drawer opened={jobId !== null} onClose={onClose} title="Job" position="right" size="lg">
      {j && (
        <Stack gap="xs">
          <Group><StatusBadge status={j.status} size="md" /><Text size="sm" c="dimmed">reported as “{j.raw_status}” by {j.source}</Text></Group>
          <Table>
            <Table.Tbody>
              {[
                ['Operation', `${j.operation} (${j.trigger})`],
                ['Started', dateTime(j.started_at)],
                ['Ended', dateTime(j.ended_at)],
                ['Duration', duration(j.duration_seconds)],
                ['Size', bytes(j.bytes)],
                ['Message', j.message ?? '—'],
                ['Error code', j.error_code ?? '—'],
                ['External id', j.external_id],
              ].map(([k, v]) => (
                <Table.Tr key={k}><Table.Th w={120}>{k}</Table.Th><Table.Td style={{ wordBreak: 'break-word' }}>{v}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {j.log && (<><Text fw={600}>Log</Text><Code block>{j.log}</Code></>)}
          <Text fw={600}>Raw payload, as the source sent it</Text>
          <Code block data-testid="raw-payload">{typeof j.raw === 'string' ? j.raw : JSON.stringify(j.raw, null, 2)}</Code>
        </Stack>
      )}
    </Drawer>
  );
}

function lastGoodOf(checks: Check[], kind: string, tier?: string) {
  const matching = checks.filter((c) => c.kind === kind && (tier === undefined || c.tier === tier));
  if (matching.length === 0) return null;
  return matching.map((c) => c.last_good_at).filter(Boolean).sort().pop() ?? 'never';
}

function Charts({ jobs }: { jobs: Job[] }) {
  const backups = jobs.filter((j) => j.operation === 'backup' && j.ended_at).reverse();
  const points = backups.filter((j) => GOOD.has(j.status)).map((j) => ({ day: j.ended_at!.slice(5, 10), size: j.bytes ? +(j.bytes / 1024 ** 3).toFixed(1) : 0, minutes: j.duration_seconds ? Math.round(j.duration_seconds / 60) : 0 }));
  const perDay = new Map<string, { day: string; good: number; bad: number }>();
  for (const j of backups) {
    const day = j.ended_at!.slice(5, 10);
    const row = perDay.get(day) ?? { day, good: 0, bad: 0 };
    if (GOOD.has(j.status)) row.good++;
    else row.bad++;
    perDay.set(day, row);
  }
  if (backups.length === 0) return <Text size="sm" c="dimmed">No backup jobs yet: charts appear with the first ones.</Text>;
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }}>
      <Paper withBorder p="sm"><Text size="sm" fw={600} mb="xs">Size (GB)</Text><LineChart h={160} data={points} dataKey="day" series={[{ name: 'size', color: 'blue.6' }]} curveType="monotone" withDots={false} /></Paper>
      <Paper withBorder p="sm"><Text size="sm" fw={600} mb="xs">Duration (minutes)</Text><LineChart h={160} data={points} dataKey="day" series={[{ name: 'minutes', color: 'grape.6' }]} curveType="monotone" withDots={false} /></Paper>
      <Paper withBorder p="sm"><Text size="sm" fw={600} mb="xs">Success per day</Text><BarChart h={160} data={[...perDay.values()]} dataKey="day" type="stacked" series={[{ name: 'good', color: 'teal.6' }, { name: 'bad', color: 'red.6' }]} /></Paper>
    </SimpleGrid>
  );
}

export default function DevicePage() {
  const { id } = useParams();
  const { nameOf } = useClients();
  const [jobId, setJobId] = useState<string | null>(null);
  const [mailCheckId, setMailCheckId] = useState<string | null>(null);
  const device = useQuery({ queryKey: ['device', id], queryFn: () => unwrap(api.GET('/api/v1/devices/{id}', { params: { path: { id: id! } } })) });
  const jobs = useQuery({ queryKey: ['device', id, 'jobs'], queryFn: () => unwrap(api.GET('/api/v1/devices/{id}/jobs', { params: { path: { id: id! }, query: { limit: 500 } } })) });
  const alerts = useQuery({ queryKey: ['alerts', { device: id }], queryFn: () => unwrap(api.GET('/api/v1/alerts', { params: { query: { device: id, state: 'open,acknowledged' } } })) });
  if (device.isPending) return <Loading />;
  if (device.error || !device.data) return <ErrorNote error={device.error} />;
  const d = device.data;
  const list = jobs.data?.items ?? [];
  const lastFull = list.find((j) => j.operation === 'backup' && GOOD.has(j.status) && j.bytes);
  const verified = lastGoodOf(d.checks, 'verification');
  const hot = lastGoodOf(d.checks, 'copy', 'hot');
  const cold = lastGoodOf(d.checks, 'copy', 'cold');
  return (
    <Stack>
      <div>
        <Anchor component={Link} to={`/devices?client=${d.client_id}`} size="sm">{nameOf(d.client_id)}</Anchor>
        <Group gap="sm" align="center">
          <Title order={2}>{d.name}</Title>
          <StatusBadge status={d.status} size="md" />
          <Badge variant="outline" color={colorOf(d.status)}>score {d.score}</Badge>
        </Group>
        <Text size="sm" c="dimmed">{d.class} · {d.type}{d.tags.length ? ` · ${d.tags.join(', ')}` : ''}</Text>
      </div>
      {(alerts.data?.items.length ?? 0) > 0 && (
        <Paper withBorder p="sm" radius="md" bg="var(--mantine-color-red-light)">
          <Text fw={600} size="sm" mb={4}>Open alerts</Text>
          {alerts.data!.items.map((a) => (
            <Group key={a.id} gap="xs" wrap="nowrap" align="flex-start"><StatusBadge status={a.severity} /><Anchor component={Link} to={`/alerts/${a.id}`} size="sm">{a.title}</Anchor></Group>
          ))}
        </Paper>
      )}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
        <StatCard title="Last good backup" value={ago(d.last_good_at)} note={dateTime(d.last_good_at)} />
        <StatCard title="Last full size" value={bytes(lastFull?.bytes)} note={lastFull ? dateTime(lastFull.ended_at) : undefined} />
        <StatCard title="Last copy (hot)" value={hot === null ? 'none' : ago(hot === 'never' ? null : hot)} />
        <StatCard title="Last copy (cold)" value={cold === null ? 'none' : ago(cold === 'never' ? null : cold)} />
        <StatCard title="Last verified restore" value={verified === null ? 'no test' : ago(verified === 'never' ? null : verified)} />
        <StatCard title="Storage" value={bytes(d.storage_used_bytes)} note={d.storage_quota_bytes ? `of ${bytes(d.storage_quota_bytes)}` : undefined} />
      </SimpleGrid>
      <Paper withBorder p="sm" radius="md">
        <Text fw={600} size="sm" mb="xs">Recovery points (newest first; click one for the job)</Text>
        <ScrollArea>
          <Group gap={2} wrap="nowrap" data-testid="timeline">
            {list.slice(0, 90).map((j) => <JobIcon key={j.id} job={j} onClick={() => setJobId(j.id)} />)}
          </Group>
        </ScrollArea>
        {list.length === 0 && <Text size="sm" c="dimmed">No jobs reported yet.</Text>}
      </Paper>
      <Tabs defaultValue="checks">
        <Tabs.List>
          <Tabs.Tab value="checks">Checks</Tabs.Tab>
          <Tabs.Tab value="charts">Charts</Tabs.Tab>
          <Tabs.Tab value="jobs">Jobs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="checks" pt="sm">
          <Table.ScrollContainer minWidth={320}>
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Check</Table.Th><Table.Th>State</Table.Th><Table.Th visibleFrom="sm">Schedule</Table.Th><Table.Th>Last good</Table.Th><Table.Th visibleFrom="md">Ping URL</Table.Th><Table.Th>E-mail</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {d.checks.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td><Text size="sm" fw={500}>{c.name}</Text><Text size="xs" c="dimmed">{c.kind}{c.tier ? ` (${c.tier})` : ''}{c.consecutive_failures > 0 ? ` · ${c.consecutive_failures} failures in a row` : ''}</Text></Table.Td>
                    <Table.Td><StatusBadge status={c.state} /></Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="sm">{c.schedule ? (c.schedule.type === 'cron' ? c.schedule.cron : `every ${duration(c.schedule.interval_seconds)}`) : 'learning'}{c.schedule?.inferred ? ' (inferred)' : ''}</Text></Table.Td>
                    <Table.Td><Text size="sm">{ago(c.last_good_at)}</Text></Table.Td>
                    <Table.Td visibleFrom="md"><Code>{c.ping_url}</Code></Table.Td>
                    <Table.Td><Button size="compact-xs" variant="light" onClick={() => setMailCheckId(c.id)} aria-label={`E-mail for ${c.name}`}>{c.email ? 'Rules' : 'Address'}</Button></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
        <Tabs.Panel value="charts" pt="sm"><Charts jobs={list} /></Tabs.Panel>
        <Tabs.Panel value="jobs" pt="sm">
          <Table.ScrollContainer minWidth={320}>
            <Table highlightOnHover>
              <Table.Thead><Table.Tr><Table.Th>Ended</Table.Th><Table.Th>Status</Table.Th><Table.Th visibleFrom="sm">Operation</Table.Th><Table.Th visibleFrom="sm">Size</Table.Th><Table.Th visibleFrom="md">Message</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {list.slice(0, 100).map((j) => (
                  <Table.Tr key={j.id} onClick={() => setJobId(j.id)} style={{ cursor: 'pointer' }}>
                    <Table.Td><Text size="sm">{dateTime(j.ended_at ?? j.started_at)}</Text></Table.Td>
                    <Table.Td><StatusBadge status={j.status} /></Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="sm">{j.operation}</Text></Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="sm">{bytes(j.bytes)}</Text></Table.Td>
                    <Table.Td visibleFrom="md"><Text size="sm" lineClamp={1}>{j.message ?? ''}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
      </Tabs>
      <JobDrawer jobId={jobId} onClose={() => setJobId(null)} />
      <CheckEmailDrawer check={d.checks.find((c) => c.id === mailCheckId) ?? null} onClose={() => setMailCheckId(null)} />
    </Stack>
  );
}
