// Settings → Sessions: where you are signed in; end any of your other sessions.
import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ConfirmButton, ErrorNote } from '../../components/common';

const when = (iso: string) => new Date(iso).toLocaleString();

export function Sessions() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['sessions'], queryFn: () => unwrap(api.GET('/api/v1/session/sessions')) });
  const revoke = (id: string) => unwrap(api.DELETE('/api/v1/session/sessions/{id}', { params: { path: { id } } })).then(() => qc.invalidateQueries({ queryKey: ['sessions'] }));
  return (
    <Paper withBorder p="md" radius="md" data-testid="sessions">
      <Stack gap="xs">
        <Title order={5}>Your sessions</Title>
        <Text size="sm" c="dimmed">Everywhere you are signed in to this console. Revoking a session signs that browser out at once.</Text>
        <ErrorNote error={q.error} />
        <Table.ScrollContainer minWidth={320}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Browser</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th visibleFrom="sm">Last seen</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((s) => (
                <Table.Tr key={s.id} data-testid="session-row">
                  <Table.Td>
                    <Text size="sm">{s.user_agent ?? 'unknown browser'}</Text>
                    <Text size="xs" c="dimmed">
                      {s.method === 'oidc' ? 'single sign-on' : 'password'}
                      {s.ip ? ` · ${s.ip}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{when(s.created_at)}</Text>
                  </Table.Td>
                  <Table.Td visibleFrom="sm">
                    <Text size="sm">{when(s.last_seen_at)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {s.current ? (
                      <Badge variant="light">this browser</Badge>
                    ) : (
                      <ConfirmButton label="Revoke" variant="subtle" title="Revoke this session?" message="That browser is signed out at once." onConfirm={() => revoke(s.id)} />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}
