// The client's ping key (issue #20): what one script deployed by an RMM tool to all of a client's
// machines puts in its URL, `/ping/<ping_key>/<device>/<check>`. Operators and up may replace it;
// the old key stops working at once, so the page says so before it does it.
import { Alert, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { useSession } from '../../session';
import { CopyLine } from './CopyLine';

export function ClientPingKey({ clientId }: { clientId: string }) {
  const { can } = useSession();
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const path = { params: { path: { id: clientId } } };
  // The same query as the client page's, so both show the key a regeneration answers.
  const client = useQuery({ queryKey: ['client', clientId], queryFn: () => unwrap(api.GET('/api/v1/clients/{id}', path)) });
  const regenerate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/clients/{id}/ping-key', path)),
    onSuccess: (data) => {
      qc.setQueryData(['client', clientId], data);
      setConfirm(false);
    },
  });
  if (!client.data) return <ErrorNote error={client.error} />;
  const key = client.data.ping_key;
  const example = `${window.location.origin}/ping/${key}/<device>/<check>?create=1`;
  return (
    <Paper withBorder p="md" radius="md" data-testid="client-ping-key">
      <Title order={5}>Ping key</Title>
      <Text size="sm" c="dimmed" mb={6}>
        Scripts ping a check by its device and check names under this key: one line for every machine of {client.data.name}, e.g. from an RMM tool.
        With <code>?create=1</code> an unknown device or check is created.
      </Text>
      <Stack gap={6}>
        <CopyLine label="Ping key" value={key} testId="ping-key" />
        <CopyLine label="Name-addressed ping URL" value={example} />
      </Stack>
      {can('operate') && (
        <Group mt="sm">
          <Button size="xs" variant="light" color="red" onClick={() => setConfirm(true)}>Regenerate ping key</Button>
        </Group>
      )}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title="Regenerate the ping key?" centered>
        <Stack>
          <Text size="sm">Every script that pings with the current key gets 404 from now on, until it is given the new one. Pings by check key are not affected.</Text>
          {regenerate.error && <Alert color="red" role="alert">{regenerate.error.message}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>Cancel</Button>
            <Button color="red" loading={regenerate.isPending} onClick={() => regenerate.mutate()}>Regenerate</Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
