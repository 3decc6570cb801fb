import { Alert, Button, Code, CopyButton, Group, MultiSelect, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ConfirmButton, ErrorNote, StatusBadge, useClients } from '../../components/common';
import { ago } from '../../components/format';

const SCOPES = [
  { value: 'ingest', label: 'ingest — write jobs only (scripts, connectors)' },
  { value: 'read', label: 'read — see everything' },
  { value: 'admin', label: 'admin — everything' },
];

export function Tokens() {
  const qc = useQueryClient();
  const { clients, nameOf } = useClients();
  const q = useQuery({ queryKey: ['tokens'], queryFn: () => unwrap(api.GET('/api/v1/tokens')) });
  const [form, setForm] = useState({ name: '', scope: 'ingest', clients: [] as string[], limit: '' as number | '' });
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tokens', { body: { name: form.name || undefined, scope: form.scope as 'ingest', client_ids: form.clients.length ? form.clients : null, daily_limit: form.limit === '' ? null : form.limit } })),
    onSuccess: (t) => {
      setCreated(t.token);
      setForm({ name: '', scope: 'ingest', clients: [], limit: '' });
      void qc.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const revoke = (id: string) => unwrap(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })).then(() => qc.invalidateQueries({ queryKey: ['tokens'] }));
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">New API token</Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <TextInput label="Name" placeholder="veeam-prod" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          <Select label="Scope" data={SCOPES} value={form.scope} onChange={(v) => setForm({ ...form, scope: v ?? 'ingest' })} />
          <MultiSelect label="Limit to clients" placeholder="every client" data={clients.map((c) => ({ value: c.id, label: c.name }))} value={form.clients} onChange={(v) => setForm({ ...form, clients: v })} searchable />
          <NumberInput label="Calls a day" placeholder="no limit" min={1} value={form.limit} onChange={(v) => setForm({ ...form, limit: v === '' ? '' : Number(v) })} />
        </SimpleGrid>
        <ErrorNote error={create.error} />
        <Button mt="sm" loading={create.isPending} onClick={() => create.mutate()}>Create token</Button>
        {created && (
          <Alert mt="sm" color="teal" title="Copy the token now: it is shown only once" withCloseButton onClose={() => setCreated(null)}>
            <Group gap="xs" wrap="nowrap">
              <Code data-testid="new-token" style={{ wordBreak: 'break-all' }}>{created}</Code>
              <CopyButton value={created}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
            </Group>
          </Alert>
        )}
      </Paper>
      <ErrorNote error={q.error} />
      <Table.ScrollContainer minWidth={320}>
        <Table>
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Scope</Table.Th><Table.Th visibleFrom="sm">Clients</Table.Th><Table.Th visibleFrom="sm">Last used</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {(q.data?.items ?? []).map((t) => (
              <Table.Tr key={t.id} opacity={t.revoked_at ? 0.5 : 1}>
                <Table.Td><Text size="sm" fw={500}>{t.name}</Text><Text size="xs" c="dimmed">{t.prefix}…{t.daily_limit ? ` · ${t.daily_limit}/day` : ''}</Text></Table.Td>
                <Table.Td>{t.scope}</Table.Td>
                <Table.Td visibleFrom="sm"><Text size="sm">{t.client_ids ? t.client_ids.map(nameOf).join(', ') : 'all'}</Text></Table.Td>
                <Table.Td visibleFrom="sm"><Text size="sm">{ago(t.last_used_at)}</Text></Table.Td>
                <Table.Td>{t.revoked_at ? <StatusBadge status="dismissed" /> : <ConfirmButton label="Revoke" variant="subtle" title={`Revoke ${t.name}?`} message="Anything using this token stops working at once." onConfirm={() => revoke(t.id)} />}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
