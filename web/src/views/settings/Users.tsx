import { Button, MultiSelect, Paper, PasswordInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ConfirmButton, ErrorNote, useClients } from '../../components/common';
import { useSession } from '../../session';
import { UserSignIn } from './UserSignIn';

const ROLES = [
  { value: 'owner', label: 'owner — everything' },
  { value: 'admin', label: 'admin — all but users' },
  { value: 'operator', label: 'operator — acknowledge, dismiss, edit checks' },
  { value: 'viewer', label: 'viewer — read only' },
];
type Role = 'owner' | 'admin' | 'operator' | 'viewer';

export function Users() {
  const qc = useQueryClient();
  const { session } = useSession();
  const { clients, nameOf } = useClients();
  const q = useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/v1/users')) });
  const [form, setForm] = useState({ email: '', name: '', password: '', role: 'viewer', clients: [] as string[] });
  const refresh = () => qc.invalidateQueries({ queryKey: ['users'] });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users', { body: { email: form.email, name: form.name || null, password: form.password, role: form.role as Role, client_ids: form.clients.length ? form.clients : null } })),
    onSuccess: () => {
      setForm({ email: '', name: '', password: '', role: 'viewer', clients: [] });
      void refresh();
    },
  });
  const patch = (id: string, body: { role?: Role; disabled?: boolean }) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })).then(refresh);
  const remove = (id: string) => unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } })).then(refresh);
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">Add a user</Title>
        <Text size="sm" c="dimmed" mb="sm">Limit a user to clients (e.g. a customer looking at their own devices and reports): they then see nothing else, in the console and the API alike.</Text>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          <TextInput label="E-mail" value={form.email} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} />
          <TextInput label="Name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          <PasswordInput label="Initial password" description="At least 10 characters" value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} />
          <Select label="Role" data={ROLES} value={form.role} onChange={(v) => setForm({ ...form, role: v ?? 'viewer' })} />
          <MultiSelect label="Limit to clients" placeholder="every client" data={clients.map((c) => ({ value: c.id, label: c.name }))} value={form.clients} onChange={(v) => setForm({ ...form, clients: v })} searchable />
        </SimpleGrid>
        <ErrorNote error={create.error} />
        <Button mt="sm" loading={create.isPending} disabled={!form.email || !form.password} onClick={() => create.mutate()}>Add user</Button>
      </Paper>
      <ErrorNote error={q.error} />
      <Table.ScrollContainer minWidth={320}>
        <Table>
          <Table.Thead><Table.Tr><Table.Th>User</Table.Th><Table.Th>Role</Table.Th><Table.Th visibleFrom="sm">Clients</Table.Th><Table.Th>Sign-in</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {(q.data?.items ?? []).map((u) => (
              <Table.Tr key={u.id} opacity={u.disabled_at ? 0.5 : 1} data-testid="user-row">
                <Table.Td><Text size="sm" fw={500}>{u.email}</Text><Text size="xs" c="dimmed">{u.name ?? ''}{u.disabled_at ? ' · disabled' : ''}</Text></Table.Td>
                <Table.Td><Select size="xs" aria-label={`Role of ${u.email}`} data={ROLES.map((r) => ({ value: r.value, label: r.value }))} value={u.role} disabled={u.id === session?.user.id} onChange={(v) => v && void patch(u.id, { role: v as Role })} w={120} /></Table.Td>
                <Table.Td visibleFrom="sm"><Text size="sm">{u.client_ids ? u.client_ids.map(nameOf).join(', ') : 'all'}</Text></Table.Td>
                <Table.Td><UserSignIn user={u} onChanged={refresh} /></Table.Td>
                <Table.Td>
                  {u.id !== session?.user.id && (
                    <ConfirmButton label="Remove" variant="subtle" title={`Remove ${u.email}?`} message="Their sessions end at once." onConfirm={() => remove(u.id)} />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
