// A check's ping URLs in its editor (issue #20): by the check's own key, and by names under its
// client's ping key; each takes /start, /fail, /warn, /log or /<exit code> after it.
import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type Check, unwrap } from '../../api/client';
import { CopyLine } from './CopyLine';

/** The name-addressed URL; names are encoded, so spaces and slashes in them survive. */
export function namedPingUrl(base: string, pingKey: string, device: string, check: string): string {
  return `${base}/ping/${pingKey}/${encodeURIComponent(device)}/${encodeURIComponent(check)}`;
}

export function CheckPingUrls({ check }: { check: Check }) {
  const device = useQuery({ queryKey: ['device', check.device_id], queryFn: () => unwrap(api.GET('/api/v1/devices/{id}', { params: { path: { id: check.device_id } } })) });
  const client = useQuery({ queryKey: ['client', check.client_id], queryFn: () => unwrap(api.GET('/api/v1/clients/{id}', { params: { path: { id: check.client_id } } })) });
  // The API's public URL, as the check's own ping URL carries it.
  const base = check.ping_url.slice(0, check.ping_url.indexOf('/ping/'));
  return (
    <Stack gap={6} data-testid="check-ping-urls">
      <Title order={6}>Ping URLs</Title>
      <CopyLine label="By check key" value={check.ping_url} testId="ping-url-by-key" />
      {device.data && client.data && (
        <CopyLine label="By name" value={namedPingUrl(base, client.data.ping_key, device.data.name, check.name)} testId="ping-url-by-name" />
      )}
      <Text size="xs" c="dimmed">GET, POST or HEAD. Add /start, /fail, /warn, /log or an exit code (/0 … /255); the body (its last 100 kB) becomes the log.</Text>
    </Stack>
  );
}
