// Pieces shared by the connector and mailbox screens: the page around the list, each one's card,
// the history drawer, the create/edit form drawn from a type's field descriptions, a connection
// test's steps, and its health (red when failing, grey when unknown, green only when its last run
// went through).
import { Alert, Badge, Button, Drawer, Group, List, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, ThemeIcon } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, type ReactNode, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, api, type Integration, type TypeDescription, unwrap } from '../../api/client';
import { ConfirmButton, EmptyState, ErrorNote } from '../../components/common';
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

/** What a connection test answers: whether it works, and each step it took. */
export interface StepsReport {
  ok: boolean;
  steps: Array<{ step: string; ok: boolean; message: string }>;
}

export function Steps({ report }: { report: StepsReport }) {
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

/** What connectors, mailboxes and channels answer about how they are doing (from their last run). */
export interface HealthInfo {
  health: 'ok' | 'failing' | 'unknown';
  health_detail: string | null;
  health_checked_at: string | null;
}

export const HEALTH_COLORS: Record<HealthInfo['health'], string> = { ok: 'teal', failing: 'red', unknown: 'gray' };

/**
 * The health badge: green only when the last run went through, red when it failed, grey when it
 * never ran. `alerts` (the integration alerts' view) names a failure more precisely.
 */
export function HealthBadge({ item, alerts }: { item: HealthInfo; alerts?: Integration }) {
  const text = item.health === 'ok' ? 'healthy' : item.health === 'unknown' ? 'not run yet' : alerts?.auth_error ? 'credentials refused' : alerts?.quota_error ? 'throttled' : 'failing';
  return (
    <Badge size="xs" variant="light" color={HEALTH_COLORS[item.health]} data-testid="health" data-health={item.health} title={item.health_detail ?? undefined}>
      {text}
    </Badge>
  );
}

/** The last error of a failing integration, always in sight; when it was last checked. */
export function HealthDetail({ item, alerts }: { item: HealthInfo; alerts?: Integration }) {
  const since = alerts?.auth_since ?? alerts?.quota_since ?? null;
  return (
    <>
      {item.health === 'failing' && item.health_detail && (
        <Text size="xs" c="red" data-testid="health-detail" style={{ wordBreak: 'break-word', whiteSpace: 'pre-line' }}>
          {item.health_detail}
          {since && ` (since ${ago(since)})`}
        </Text>
      )}
      {item.health === 'unknown' && item.health_detail && <Text size="xs" c="dimmed">{item.health_detail}</Text>}
      <Text size="xs" c="dimmed">
        checked {ago(item.health_checked_at)}
        {alerts && ` · last success ${ago(alerts.last_success_at)}`}
      </Text>
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

/** What the page hands each card besides the connector or mailbox itself. */
export interface CardProps {
  health: Integration | undefined;
  highlighted: boolean;
  onEdit: () => void;
  onHistory: () => void;
  onChanged: () => void;
}

/**
 * A connector's or mailbox's card: its name, type and state, the lines under them, and the buttons
 * to test the connection, run it now (`run`, whose answer `run.result` shows), see its history,
 * edit and delete it.
 */
export function IntegrationCard<R>(
  props: CardProps & {
    kind: 'connector' | 'mailbox';
    name: string;
    item: HealthInfo;
    typeLabel: string;
    state: ReactNode;
    children: ReactNode;
    test: () => Promise<StepsReport>;
    run: { label: string; fn: () => Promise<R>; result: (r: R) => ReactNode };
    remove: () => Promise<unknown>;
    removeMessage: string;
  },
) {
  const test = useMutation({ mutationFn: props.test });
  const run = useMutation({ mutationFn: props.run.fn, onSettled: props.onChanged });
  const dataName = { [`data-${props.kind}`]: props.name };
  return (
    <Paper withBorder p="sm" radius="md" {...dataName} style={props.highlighted ? { borderColor: 'var(--mantine-color-blue-6)' } : undefined}>
      <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
        <div style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Group gap={6} wrap="wrap">
            <Text fw={600}>{props.name}</Text>
            <Badge size="xs" variant="outline" color="gray">{props.typeLabel}</Badge>
            {props.state}
          </Group>
          {props.children}
          <HealthDetail item={props.item} alerts={props.health} />
        </div>
        <Group gap={6} wrap="wrap">
          <Button size="xs" variant="light" loading={test.isPending} onClick={() => test.mutate()}>Test connection</Button>
          <Button size="xs" variant="light" loading={run.isPending} onClick={() => run.mutate()}>{props.run.label}</Button>
          <Button size="xs" variant="default" onClick={props.onHistory}>History</Button>
          <Button size="xs" variant="default" onClick={props.onEdit}>Edit</Button>
          <ConfirmButton label="Delete" variant="subtle" title={`Delete ${props.name}?`} message={props.removeMessage} onConfirm={() => props.remove().then(props.onChanged)} />
        </Group>
      </Group>
      <ErrorNote error={test.error ?? run.error} />
      {test.data && <Steps report={test.data} />}
      {run.data !== undefined && props.run.result(run.data)}
    </Paper>
  );
}

/** A drawer with the last runs of a connector or mailbox, one row each; `rows` undefined while loading. */
export function HistoryDrawer(props: { opened: boolean; onClose: () => void; title: string; intro?: string; error: unknown; testId: string; columns: string[]; rows: ReactNode[] | undefined }) {
  return (
    <Drawer opened={props.opened} onClose={props.onClose} title={props.title} position="right" size="lg">
      {props.intro && <Text size="sm" c="dimmed" mb="sm">{props.intro}</Text>}
      <ErrorNote error={props.error} />
      {props.rows !== undefined && (
        <Table.ScrollContainer minWidth={300}>
          <Table verticalSpacing={4} data-testid={props.testId}>
            <Table.Thead><Table.Tr>{props.columns.map((c) => <Table.Th key={c}>{c}</Table.Th>)}</Table.Tr></Table.Thead>
            <Table.Tbody>{props.rows}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Drawer>
  );
}

/**
 * A settings tab listing connectors or mailboxes: the intro and the add button, a card each
 * (`card`), the create/edit drawer (`stored` turns one into the form's values, `save` creates when
 * given null), and the history drawer (`history`). `refreshes` are the query keys a change makes stale.
 */
export function IntegrationSettings<T extends { id: string; name: string }>(props: {
  list: { data?: { items: T[] }; error: unknown; isSuccess: boolean };
  types: TypeDescription[] | undefined;
  refreshes: string[];
  intro: string;
  addLabel: string;
  emptyTitle: string;
  emptyText: string;
  intervalLabel?: string;
  stored: (item: T) => Editable & { id: string };
  save: (item: T | null, v: SaveInput) => Promise<unknown>;
  card: (item: T, props: CardProps) => ReactNode;
  history: (item: T | null, onClose: () => void) => ReactNode;
}) {
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const health = useQuery({ queryKey: ['integrations'], queryFn: () => unwrap(api.GET('/api/v1/integrations')) });
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [history, setHistory] = useState<T | null>(null);
  const refresh = () => {
    for (const key of props.refreshes) void qc.invalidateQueries({ queryKey: [key] });
  };
  const save = useMutation({
    mutationFn: (v: SaveInput) => props.save(editing && editing !== 'new' ? editing : null, v),
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
  });
  const edit = (item: T | 'new') => {
    save.reset();
    setEditing(item);
  };
  const items = props.list.data?.items ?? [];
  const byId = new Map((health.data?.items ?? []).map((h) => [h.id, h]));
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={720}>{props.intro}</Text>
        <Button onClick={() => edit('new')}>{props.addLabel}</Button>
      </Group>
      <ErrorNote error={props.list.error} />
      {props.list.isSuccess && items.length === 0 && (
        <EmptyState title={props.emptyTitle}>
          <Text size="sm">{props.emptyText}</Text>
        </EmptyState>
      )}
      {items.map((item) => (
        <Fragment key={item.id}>
          {props.card(item, { health: byId.get(item.id), highlighted: params.get('id') === item.id, onEdit: () => edit(item), onHistory: () => setHistory(item), onChanged: refresh })}
        </Fragment>
      ))}
      <EditDrawer
        opened={editing !== null}
        title={editing === 'new' ? props.addLabel : `Edit ${editing?.name ?? ''}`}
        types={props.types}
        intervalLabel={props.intervalLabel}
        stored={editing && editing !== 'new' ? props.stored(editing) : null}
        onClose={() => setEditing(null)}
        save={(v) => save.mutate(v)}
        error={save.error}
        pending={save.isPending}
      />
      {props.history(history, () => setHistory(null))}
    </Stack>
  );
}
