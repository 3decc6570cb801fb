import { Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ConfirmButton, ErrorNote, useClients } from '../../components/common';
import { dateTime } from '../../components/format';
import { useSession } from '../../session';

export function Windows() {
  const { can } = useSession();
  const { clients, nameOf } = useClients();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['windows'], queryFn: () => unwrap(api.GET('/api/v1/maintenance-windows')) });
  const [form, setForm] = useState({ client: '', starts: '', ends: '', reason: '' });
  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/maintenance-windows', { body: { scope: 'client', scope_id: form.client, starts_at: new Date(form.starts).toISOString(), ends_at: new Date(form.ends).toISOString(), reason: form.reason || undefined } })),
    onSuccess: () => {
      setForm({ client: '', starts: '', ends: '', reason: '' });
      void qc.invalidateQueries({ queryKey: ['windows'] });
    },
  });
  const remove = (id: string) => unwrap(api.DELETE('/api/v1/maintenance-windows/{id}', { params: { path: { id } } })).then(() => qc.invalidateQueries({ queryKey: ['windows'] }));
  const items = q.data?.items ?? [];
  return (
    <Stack>
      <Text size="sm" c="dimmed">During a window, jobs are still recorded but alerts and notifications are held back; schedules restart from its end. Devices and checks can also be snoozed through the API.</Text>
      {can('operate') && (
        <Paper withBorder p="md" radius="md">
          <Title order={5} mb="xs">New one-off window for a client</Title>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
            <Select label="Client" data={clients.map((c) => ({ value: c.id, label: c.name }))} value={form.client || null} onChange={(v) => setForm({ ...form, client: v ?? '' })} searchable />
            <TextInput type="datetime-local" label="Starts" value={form.starts} onChange={(e) => setForm({ ...form, starts: e.currentTarget.value })} />
            <TextInput type="datetime-local" label="Ends" value={form.ends} onChange={(e) => setForm({ ...form, ends: e.currentTarget.value })} />
            <TextInput label="Reason" value={form.reason} onChange={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
          </SimpleGrid>
          <ErrorNote error={create.error} />
          <Button mt="sm" disabled={!form.client || !form.starts || !form.ends} loading={create.isPending} onClick={() => create.mutate()}>Add window</Button>
        </Paper>
      )}
      <ErrorNote error={q.error} />
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">No maintenance windows or snoozes.</Text>
      ) : (
        <Table.ScrollContainer minWidth={320}>
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Client</Table.Th><Table.Th>Scope</Table.Th><Table.Th>When</Table.Th><Table.Th visibleFrom="sm">Reason</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>
              {items.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>{nameOf(w.client_id)}</Table.Td>
                  <Table.Td>{w.kind} · {w.scope}</Table.Td>
                  <Table.Td><Text size="sm">{w.cron ? `${w.cron} (${w.tz}) for ${w.duration_minutes} min` : `${dateTime(w.starts_at)} – ${dateTime(w.ends_at)}`}</Text></Table.Td>
                  <Table.Td visibleFrom="sm">{w.reason ?? ''}</Table.Td>
                  <Table.Td>{can('operate') && <ConfirmButton label="Delete" variant="subtle" title="Delete this window?" message="Alerts it holds back are raised at the next evaluation if their conditions hold." onConfirm={() => remove(w.id)} />}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group />
    </Stack>
  );
}
