// Beside the queue: the current run's message, log and raw status, the device's recent history
// strip (the device page's), and the device's open alerts.
import { Anchor, Code, Group, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorNote, StatusBadge } from '../../components/common';
import { dateTime } from '../../components/format';
import { HistoryStrip } from '../device/HistoryStrip';
import type { ReviewedJob } from './api';

export function RunPane({ job, device, client }: { job: ReviewedJob; device: string; client: string }) {
  const detail = useQuery({ queryKey: ['job', job.id], queryFn: () => unwrap(api.GET('/api/v1/jobs/{id}', { params: { path: { id: job.id } } })), refetchInterval: false });
  const history = useQuery({ queryKey: ['device', job.device_id, 'jobs', 'recent'], queryFn: () => unwrap(api.GET('/api/v1/devices/{id}/jobs', { params: { path: { id: job.device_id }, query: { limit: 30 } } })) });
  const alerts = useQuery({ queryKey: ['alerts', { device: job.device_id, state: 'open' }], queryFn: () => unwrap(api.GET('/api/v1/alerts', { params: { query: { device: job.device_id, state: 'open' } } })) });
  const d = detail.data;
  return (
    <Stack gap="sm" data-testid="run-pane" data-job-id={job.id}>
      <div>
        <Group gap="xs">
          <StatusBadge status={job.status} size="md" />
          <Text fw={700}>{device}</Text>
          {job.check_name && <Text c="dimmed" size="sm">· {job.check_name}</Text>}
        </Group>
        <Text size="sm" c="dimmed">{client} · ended {dateTime(job.ended_at ?? job.started_at)} · reported as “<span data-testid="raw-status">{job.raw_status}</span>” by {job.source}</Text>
      </div>
      <Paper withBorder p="xs" radius="md">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>Message</Text>
        <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="run-message">{job.message ?? job.reason ?? '—'}</Text>
        {job.error_code && <Text size="xs" c="dimmed">error code {job.error_code}</Text>}
      </Paper>
      <ErrorNote error={detail.error} />
      {d?.log && (
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={2}>Log</Text>
          <ScrollArea.Autosize mah={260}>
            <Code block data-testid="run-log">{d.log}</Code>
          </ScrollArea.Autosize>
        </div>
      )}
      {d && !d.log && <Text size="xs" c="dimmed">The source sent no log with this run.</Text>}
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={2}>Recent runs of the device (newest first)</Text>
        <div data-testid="run-history">
          <HistoryStrip jobs={history.data?.items ?? []} max={30} currentId={job.id} />
        </div>
      </div>
      <div data-testid="run-alerts">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={2}>Open alerts of the device</Text>
        {alerts.data && alerts.data.items.length === 0 && <Text size="sm" c="dimmed">None.</Text>}
        {alerts.data?.items.map((a) => (
          <Group key={a.id} gap="xs" wrap="nowrap" align="flex-start"><StatusBadge status={a.severity} /><Anchor component={Link} to={`/alerts/${a.id}`} size="sm">{a.title}</Anchor></Group>
        ))}
      </div>
      {d && (
        <details>
          <summary style={{ cursor: 'pointer', fontSize: 'var(--mantine-font-size-sm)' }}>Raw payload, as the source sent it</summary>
          <Code block>{typeof d.raw === 'string' ? d.raw : JSON.stringify(d.raw, null, 2)}</Code>
        </details>
      )}
      <Anchor component={Link} to={`/devices/${job.device_id}`} size="sm">Open the device</Anchor>
    </Stack>
  );
}
