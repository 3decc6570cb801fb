// Create or edit a notification channel. The config part is drawn from the type's field
// descriptions (GET /api/v1/channel-types), so new channel kinds need no change here; the routing
// filters (clients, minimum severity, alert types) and repeat are the same for every kind.
import { Button, Drawer, Group, MultiSelect, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, type Channel, type ChannelType, unwrap } from '../../api/client';
import { ErrorNote, useClients } from '../../components/common';
import { type Config, ConfigForm, configToSend, formValues } from '../../components/ConfigForm';
import { label } from '../../components/format';
import { useSession } from '../../session';

interface Form {
  type: string;
  name: string;
  config: Config;
  clients: string[];
  minSeverity: string;
  types: string[];
  repeat: number | '';
  enabled: boolean;
}

function initial(channel: Channel | null, types: ChannelType[]): Form {
  const type = channel?.type ?? types[0]?.type ?? 'email';
  const fields = types.find((t) => t.type === type)?.fields ?? null;
  return {
    type,
    name: channel?.name ?? '',
    config: formValues(fields, channel?.config ?? {}),
    clients: channel?.clients ?? [],
    minSeverity: channel?.min_severity ?? 'any',
    types: channel?.types ?? [],
    repeat: channel?.repeat_hours ?? '',
    enabled: channel?.enabled ?? true,
  };
}

export function useAlertTypes(): string[] {
  const q = useQuery({ queryKey: ['settings'], queryFn: () => unwrap(api.GET('/api/v1/settings')), refetchInterval: false });
  return Object.keys((q.data?.effective as { categories?: Record<string, boolean> } | undefined)?.categories ?? {});
}

function Filters({ form, setForm }: { form: Form; setForm: (f: Form) => void }) {
  const { clients } = useClients();
  const alertTypes = useAlertTypes();
  const { session } = useSession();
  const limited = session?.user.client_ids !== null && session?.user.client_ids !== undefined;
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={6} mb={4}>What it hears</Title>
      <Text size="xs" c="dimmed" mb="xs">Empty filters mean everything. Resolutions reach only channels that were told of the alert.</Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <MultiSelect label="Clients" placeholder={limited ? 'required: your clients' : 'every client (and integration alerts)'} data={clients.map((c) => ({ value: c.id, label: c.name }))} value={form.clients} onChange={(clients) => setForm({ ...form, clients })} searchable clearable />
        <Select label="Minimum severity" data={[{ value: 'any', label: 'any severity' }, { value: 'warning', label: 'warning and critical' }, { value: 'critical', label: 'critical only' }]} value={form.minSeverity} onChange={(v) => setForm({ ...form, minSeverity: v ?? 'any' })} />
        <MultiSelect label="Alert types" placeholder="every type" data={alertTypes.map((t) => ({ value: t, label: label(t) }))} value={form.types} onChange={(types) => setForm({ ...form, types })} searchable clearable />
        <NumberInput label="Repeat while open (hours)" placeholder="off" min={1} max={168} value={form.repeat} onChange={(v) => setForm({ ...form, repeat: v === '' ? '' : Number(v) })} />
      </SimpleGrid>
    </Paper>
  );
}

function body(form: Form, fields: ChannelType['fields']) {
  return {
    name: form.name,
    config: configToSend(fields, form.config),
    clients: form.clients.length > 0 ? form.clients : null,
    min_severity: form.minSeverity === 'any' ? null : (form.minSeverity as 'warning' | 'critical'),
    types: form.types.length > 0 ? (form.types as never) : null,
    repeat_hours: form.repeat === '' ? null : form.repeat,
    enabled: form.enabled,
  };
}

function ChannelEditor({ channel, types, onSaved }: { channel: Channel | null; types: ChannelType[]; onSaved: (c: Channel) => void }) {
  const [form, setForm] = useState<Form>(() => initial(channel, types));
  const type = types.find((t) => t.type === form.type);
  const save = useMutation({
    mutationFn: () =>
      channel
        ? unwrap(api.PATCH('/api/v1/channels/{id}', { params: { path: { id: channel.id } }, body: body(form, type?.fields ?? null) }))
        : unwrap(api.POST('/api/v1/channels', { body: { type: form.type as never, ...body(form, type?.fields ?? null) } })),
    onSuccess: onSaved,
  });
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select label="Kind" data={types.map((t) => ({ value: t.type, label: t.label }))} value={form.type} disabled={channel !== null} onChange={(v) => v && setForm({ ...form, type: v, config: formValues(types.find((t) => t.type === v)?.fields ?? null, {}) })} />
        <TextInput label="Name" required placeholder="NOC on call" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={save.error instanceof ApiError ? save.error.problem?.errors?.find((e) => e.field === 'name')?.message : undefined} />
      </SimpleGrid>
      {type?.description && <Text size="sm" c="dimmed">{type.description}</Text>}
      <ConfigForm key={form.type} fields={type?.fields ?? null} value={form.config} onChange={(config) => setForm({ ...form, config })} editing={channel !== null} error={save.error} />
      <Filters form={form} setForm={setForm} />
      <Switch label="Enabled" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })} />
      <ErrorNote error={save.error} />
      <Group justify="flex-end">
        <Button loading={save.isPending} disabled={!form.name.trim()} onClick={() => save.mutate()}>{channel ? 'Save channel' : 'Add channel'}</Button>
      </Group>
    </Stack>
  );
}

export function ChannelDrawer({ opened, channel, onClose, onSaved }: { opened: boolean; channel: Channel | null; onClose: () => void; onSaved: (c: Channel) => void }) {
  const types = useQuery({ queryKey: ['channel-types'], queryFn: () => unwrap(api.GET('/api/v1/channel-types')), staleTime: Infinity, refetchInterval: false });
  return (
    <Drawer opened={opened} onClose={onClose} title={channel ? `Edit ${channel.name}` : 'Add a notification channel'} position="right" size="xl">
      <ErrorNote error={types.error} />
      {types.data && opened && <ChannelEditor key={channel?.id ?? 'new'} channel={channel} types={types.data.items} onSaved={onSaved} />}
    </Drawer>
  );
}
