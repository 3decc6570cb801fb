// `/log` pings on the device page (issue #20): messages a script sent along its checks' timeline,
// e.g. progress of a long run. They are no runs: nothing here changes a status or an alert.
import { Code, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type Device, unwrap } from '../../api/client';
import { dateTime } from '../../components/format';

export function DevicePingLogs({ device }: { device: Device }) {
  const logs = useQuery({
    queryKey: ['device', device.id, 'ping-logs'],
    queryFn: () => unwrap(api.GET('/api/v1/devices/{id}/ping-logs', { params: { path: { id: device.id }, query: { limit: 20 } } })),
  });
  const items = logs.data?.items ?? [];
  // Most devices never get a /log ping: show nothing rather than an empty panel.
  if (items.length === 0) return null;
  const checkName = (id: string) => device.checks.find((c) => c.id === id)?.name ?? 'check';
  return (
    <Paper withBorder p="sm" radius="md" data-testid="ping-logs">
      <Text fw={600} size="sm" mb="xs">Log messages (/log pings, newest first)</Text>
      <Stack gap={4}>
        {items.map((l) => (
          <Group key={l.id} gap="xs" wrap="nowrap" align="flex-start">
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>{dateTime(l.received_at)} · {checkName(l.check_id)}</Text>
            <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{l.message.length > 500 ? `…${l.message.slice(-500)}` : l.message || '(empty)'}</Code>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
