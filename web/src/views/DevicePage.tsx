import { BarChart, LineChart } from '@mantine/charts';
import { Anchor, Badge, Button, Code, Drawer, Group, Paper, SimpleGrid, Stack, Table, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Check, type Job, unwrap } from '../api/client';
import { ErrorNote, StatCard, StatusBadge, useClients } from '../components/common';
import { ago, bytes, colorOf, dateTime, duration, label } from '../components/format';
import { Loading } from '../components/Loading';
import { CheckEditButton } from './device/CheckEditor';
import { CheckEmailDrawer } from './device/CheckEmail';
import { HistoryStrip } from './device/HistoryStrip';
import { DevicePingLogs } from './ping/DevicePingLogs';
import { ReviewLine, reviewText } from './review/ReviewLine';
import { DeviceTags, TagChips } from './tags/Tags';

const GOOD = new Set(['succeeded', 'warning']);

function JobDrawer({ jobId, onClose }: { jobId: string | null; onClose: () => void }) {
  const q = useQuery({ queryKey: ['job', jobId], queryFn: () => unwrap(api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId! } } })), enabled: jobId !== null, refetchInterval: false });
  const j = q.data;
  return (
    <Drawer opened={jobId !== null} onClose={onClose} title="Job" position="right" size="lg">
      {j && (
        <Stack gap="xs">
          <Group><StatusBadge status={j.status} size="md" /><Text size="sm" c="dimmed">reported as “{j.raw_status}” by {j.source}</Text></Group>
          {(j.review || j.status === 'failed' || j.status === 'warning' || j.status === 'partial') && <ReviewLine jobId={j.id} review={j.review} />}
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

const dayMonth = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });

/** A line over real time: x is when the job ended (a numeric time axis, so a missed week is a week
 * wide), and a point without a value is a gap in the line, never a zero. */
function TimeLine({ points, name, color, title, unit }: { points: Array<{ at: number } & Record<string, number | null>>; name: string; color: string; title: string; unit: string }) {
  const first = points[0]!.at;
  const last = points[points.length - 1]!.at;
  const pad = first === last ? 12 * 3_600_000 : 0;
  return (
    <Paper withBorder p="sm" data-testid={`chart-${name}`}>
      <Text size="sm" fw={600} mb="xs">{title}</Text>
      <LineChart
        h={160}
        data={points}
        dataKey="at"
        series={[{ name, color, label: unit }]}
        curveType="linear"
        connectNulls={false}
        withDots
        dotProps={{ r: 2 }}
        xAxisProps={{ type: 'number', scale: 'time', domain: [first - pad, last + pad], tickFormatter: dayMonth }}
        tooltipProps={{ labelFormatter: (at) => (typeof at === 'number' ? dateTime(new Date(at).toISOString()) : at) }}
      />
    </Paper>
  );
}

function Charts({ jobs }: { jobs: Job[] }) {
  const backups = jobs.filter((j) => j.operation === 'backup' && j.ended_at).reverse();
  // Every finished backup is a moment on the axis; a failed one, or a good one that reported no
  // size, has no size there (null), so the line breaks instead of dropping to 0.
  const points = backups.map((j) => ({
    at: Date.parse(j.ended_at!),
    size: GOOD.has(j.status) && j.bytes ? +(j.bytes / 1024 ** 3).toFixed(1) : null,
    minutes: j.duration_seconds !== null && j.duration_seconds !== undefined ? Math.round(j.duration_seconds / 60) : null,
  }));
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
      <TimeLine points={points} name="size" color="blue.6" title="Size (GB)" unit="GB" />
      <TimeLine points={points} name="minutes" color="grape.6" title="Duration (minutes)" unit="minutes" />
      <Paper withBorder p="sm"><Text size="sm" fw={600} mb="xs">Success per day</Text><BarChart h={160} data={[...perDay.values()]} dataKey="day" type="stacked" series={[{ name: 'good', color: 'teal.6' }, { name: 'bad', color: 'red.6' }]} /></Paper>
    </SimpleGrid>
  );
}

/** Why the score is what it is: the points each factor took off 100 (docs/health-score.md). */
function ScoreBreakdown({ score, items }: { score: number; items: Array<{ factor: string; impact: number; detail: string }> }) {
  if (items.length === 0) return score === 100 ? null : <Text size="xs" c="dimmed">Score {score}: not yet explained (evaluated before this version).</Text>;
  return (
    <Stack gap={0} mt={4} data-testid="score-breakdown" aria-label="Score breakdown">
      <Text size="xs" c="dimmed">Why {score} and not 100:</Text>
      {items.map((b) => (
        <Text key={`${b.factor}-${b.detail}`} size="xs">
          <Text span fw={700} c="red.7" size="xs">{`−${-b.impact}`}</Text> {label(b.factor)}: {b.detail}
        </Text>
      ))}
    </Stack>
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
        <Text size="sm" c="dimmed">{d.class} · {d.type}</Text>
        <DeviceTags device={d} />
        <ScoreBreakdown score={d.score} items={d.score_breakdown} />
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
        <HistoryStrip jobs={list} max={90} onOpen={setJobId} />
        {list.length === 0 && <Text size="sm" c="dimmed">No jobs reported yet.</Text>}
      </Paper>
      <DevicePingLogs device={d} />
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
                    <Table.Td><Text size="sm" fw={500}>{c.name}</Text><Text size="xs" c="dimmed">{c.kind}{c.tier ? ` (${c.tier})` : ''}{c.consecutive_failures > 0 ? ` · ${c.consecutive_failures} failures in a row` : ''}</Text><TagChips tags={c.tags} /></Table.Td>
                    <Table.Td><StatusBadge status={c.state} /></Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="sm">{c.schedule ? (c.schedule.type === 'cron' ? c.schedule.cron : `every ${duration(c.schedule.interval_seconds)}`) : 'learning'}{c.schedule?.inferred ? ' (inferred)' : ''}</Text></Table.Td>
                    <Table.Td><Text size="sm">{ago(c.last_good_at)}</Text></Table.Td>
                    <Table.Td visibleFrom="md"><Code>{c.ping_url}</Code></Table.Td>
                    <Table.Td><Button size="compact-xs" variant="light" onClick={() => setMailCheckId(c.id)} aria-label={`E-mail for ${c.name}`}>{c.email ? 'Rules' : 'Address'}</Button> <CheckEditButton check={c} /></Table.Td>
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
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm">{dateTime(j.ended_at ?? j.started_at)}</Text>
                        {j.clock_skew && (
                          <Tooltip multiline w={260} label="The reported time was more than 10 minutes ahead of this server's clock, so the time it was received is shown instead. Check the sender's clock and time zone.">
                            <Badge size="xs" variant="light" color="orange" data-testid="clock-skew">clock skew</Badge>
                          </Tooltip>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <StatusBadge status={j.status} />
                        {j.review && <Tooltip multiline w={280} label={reviewText(j.review)}><Badge size="xs" variant="light" color="teal" data-testid="reviewed-badge">reviewed</Badge></Tooltip>}
                      </Group>
                    </Table.Td>
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
