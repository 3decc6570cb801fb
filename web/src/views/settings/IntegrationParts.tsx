// Pieces shared by the connector and mailbox screens: the create/edit form drawn from a type's
// field descriptions, a connection test's steps, and a health line.
import { Alert, Badge, Button, Drawer, Group, List, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, ThemeIcon } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { ApiError, type Integration, type TypeDescription } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { type Config, ConfigForm, configToSend, formValues } from '../../components/ConfigForm';
import { ago } from '../../components/format';

export interface Editable {
  type: string;
  name: string;
  config: Config;
  enabled: boolean;
  interval?: number | '';
}

export interface SaveInput {
  type: string;
  name: string;
  config: Config;
  enabled: boolean;
  interval?: number;
}

export function Steps({ report }: { report: { ok: boolean; steps: Array<{ step: string; ok: boolean; message: string }> } }) {
  return (
    <Alert color={report.ok ? 'teal' : 'red'} py={8} mt={6} data-testid="test-steps" title={report.ok ? 'The connection works' : 'The connection does not work'}>
      <List spacing={4} size="sm" center>
        {report.steps.map((s) => (
          <List.Item key={s.step} icon={<ThemeIcon size={18} radius="xl" color={s.ok ? 'teal' : 'red'}>{s.ok ? <IconCheck size={12} /> : <IconX size={12} />}</ThemeIcon>}>
            <Text span size="sm" fw={600}>{s.step.replace(/_/g, ' ')}</Text> <Text span size="sm" style={{ wordBreak: 'break-word' }}>{s.message}</Text>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** The integration's health as alerts see it: credentials refused, throttled, or fine. */
export function Health({ health }: { health: Integration | undefined }) {
  if (!health) return <Badge size="xs" variant="light" color="gray">not run yet</Badge>;
  if (health.auth_error) return <Badge size="xs" variant="light" color="red" title={health.auth_error}>credentials refused</Badge>;
  if (health.quota_error) return <Badge size="xs" variant="light" color="orange" title={health.quota_error}>throttled</Badge>;
  return <Badge size="xs" variant="light" color="teal">healthy</Badge>;
}

export function HealthDetail({ health }: { health: Integration | undefined }) {
  if (!health) return null;
  const problem = health.auth_error ?? health.quota_error;
  return (
    <>
      {problem && <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>{problem} (since {ago(health.auth_since ?? health.quota_since)})</Text>}
      <Text size="xs" c="dimmed">last success {ago(health.last_success_at)}</Text>
    </>
  );
}

function EditForm({ types, initial, editing, intervalLabel, save, error, pending }: { types: TypeDescription[]; initial: Editable; editing: boolean; intervalLabel?: string; save: (v: SaveInput) => void; error: unknown; pending: boolean }) {
  const [form, setForm] = useState<Editable>(initial);
  const type = types.find((t) => t.type === form.type);
  const nameError = error instanceof ApiError ? error.problem?.errors?.find((e) => e.field === 'name')?.message : undefined;
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select label="Type" data={types.map((t) => ({ value: t.type, label: t.label }))} value={form.type} disabled={editing} onChange={(v) => v && setForm({ ...form, type: v, config: {} })} />
        <TextInput label="Name" required value={form.name} error={nameError} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        {intervalLabel && <NumberInput label={intervalLabel} min={30} max={86_400} placeholder="300" value={form.interval ?? ''} onChange={(v) => setForm({ ...form, interval: v === '' ? '' : Number(v) })} />}
      </SimpleGrid>
      {type?.description && <Text size="sm" c="dimmed">{type.description}</Text>}
      <ConfigForm key={form.type} fields={type?.fields ?? null} value={form.config} onChange={(config) => setForm({ ...form, config })} editing={editing} error={error} />
      <Switch label="Enabled" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })} />
      <ErrorNote error={error} />
      <Group justify="flex-end">
        <Button loading={pending} disabled={!form.name.trim()} onClick={() => save({ type: form.type, name: form.name, config: configToSend(type?.fields ?? null, form.config), enabled: form.enabled, interval: form.interval === '' ? undefined : form.interval })}>
          {editing ? 'Save' : 'Create'}
        </Button>
      </Group>
    </Stack>
  );
}

/** A drawer to create or edit something with a typed config; `stored` null means create. */
export function EditDrawer(props: {
  opened: boolean;
  title: string;
  types: TypeDescription[] | undefined;
  stored: (Editable & { id: string }) | null;
  intervalLabel?: string;
  onClose: () => void;
  save: (v: SaveInput) => void;
  error: unknown;
  pending: boolean;
}) {
  const types = props.types ?? [];
  const s = props.stored;
  const fields = (type: string) => types.find((t) => t.type === type)?.fields ?? null;
  const initial: Editable = s ? { ...s, config: formValues(fields(s.type), s.config) } : { type: types[0]?.type ?? '', name: '', config: {}, enabled: true, interval: '' };
  return (
    <Drawer opened={props.opened} onClose={props.onClose} title={props.title} position="right" size="xl">
      {props.opened && types.length > 0 && <EditForm key={s?.id ?? 'new'} types={types} initial={initial} editing={s !== null} intervalLabel={props.intervalLabel} save={props.save} error={props.error} pending={props.pending} />}
    </Drawer>
  );
}
