// What a client can be shown (issue #20): its badge, with a preview and the URL to copy, and its
// public status page, switched on and off, with the link. Each key can be regenerated, which
// breaks the old URL at once (anyone who had it loses it).
import { Anchor, Button, Code, CopyButton, Group, Image, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ConfirmButton, ErrorNote } from '../../components/common';
import { useSession } from '../../session';

/** The badge image from the server the console was loaded from, so the preview works wherever the public URL points. */
export const previewSrc = (url: string) => new URL(url).pathname;

export function CopyUrl({ value, label }: { value: string; label: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Code style={{ overflowWrap: 'anywhere' }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => <Button size="compact-xs" variant="subtle" onClick={copy} aria-label={`Copy ${label}`}>{copied ? 'Copied' : 'Copy'}</Button>}
      </CopyButton>
    </Group>
  );
}

export function ClientSharing({ clientId }: { clientId: string }) {
  const { can } = useSession();
  const qc = useQueryClient();
  const path = { params: { path: { id: clientId } } };
  const client = useQuery({ queryKey: ['client', clientId], queryFn: () => unwrap(api.GET('/api/v1/clients/{id}', path)) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['client', clientId] });
  const toggle = useMutation({
    mutationFn: (on: boolean) => unwrap(api.PATCH('/api/v1/clients/{id}', { ...path, body: { status_page: on } })),
    onSuccess: (data) => qc.setQueryData(['client', clientId], data),
  });
  const c = client.data;
  if (!c) return <ErrorNote error={client.error} />;
  const operator = can('operate');
  return (
    <Paper withBorder p="md" radius="md" data-testid="client-sharing">
      <Stack gap="sm">
        <Title order={5}>Badge and status page</Title>
        <Text size="sm" c="dimmed">Anyone with these links sees this client’s health without signing in. Regenerating a key breaks the old link.</Text>
        <Group gap="sm">
          <Image src={previewSrc(c.badge_url)} alt={`${c.name} badge`} h={20} w="auto" fit="contain" />
        </Group>
        <CopyUrl value={c.badge_url} label="badge URL" />
        <Text size="xs" c="dimmed">Replace .svg with .json for {'{status, label}'} or .shields for a Shields.io endpoint.</Text>
        <Switch
          label="Public status page"
          disabled={!operator}
          // Shows the asked-for state while the change is on its way; the answer then confirms or reverts it.
          checked={toggle.isPending ? toggle.variables : c.status_page}
          onChange={(e) => toggle.mutate(e.currentTarget.checked)}
        />
        {c.status_page_url && (
          <Group gap="xs">
            <Anchor href={c.status_page_url} target="_blank" rel="noreferrer">Open status page</Anchor>
            <CopyUrl value={c.status_page_url} label="status page URL" />
          </Group>
        )}
        <ErrorNote error={toggle.error} />
        {operator && (
          <Group>
            <ConfirmButton
              label="New badge key"
              title="Regenerate the badge key?"
              message="The current badge URL stops working at once, wherever it is embedded."
              variant="light"
              size="xs"
              onConfirm={async () => {
                await unwrap(api.POST('/api/v1/clients/{id}/badge-key', path));
                await refresh();
              }}
            />
            {c.status_page_url && (
              <ConfirmButton
                label="New status page link"
                title="Regenerate the status page link?"
                message="The current link stops working at once; send the new one to whoever should see it."
                variant="light"
                size="xs"
                onConfirm={async () => {
                  await unwrap(api.POST('/api/v1/clients/{id}/status-page-key', path));
                  await refresh();
                }}
              />
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
