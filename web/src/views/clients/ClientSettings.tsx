// A client's overrides of the workspace settings: SLA hours per device class, thresholds and
// alert categories. A blank field follows the workspace, so a later workspace change reaches it.
import { Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { label } from '../../components/format';
import { useSession } from '../../session';
import { ClientPingKey } from '../ping/ClientPingKey';
import { ClientSharing } from './ClientSharing';

interface Override {
  categories?: Record<string, boolean>;
  thresholds?: Record<string, unknown> & { sla_hours?: Record<string, number> };
  [k: string]: unknown;
}
interface Effective {
  categories: Record<string, boolean>;
  thresholds: Record<string, number> & { sla_hours: Record<string, number> };
}

const CLASSES = ['server', 'workstation', 'saas'] as const;
const NUMBERS: Array<[string, string]> = [
  ['failure_critical_after', 'Failures in a row before critical'],
  ['copy_window_hours', 'Hours a copy may trail its backup'],
  ['saas_overdue_hours', 'Hours before a SaaS backup is overdue'],
  ['quota_percent', 'Storage quota alert at (%)'],
  ['silent_days', 'Days of silence before “device silent”'],
  ['dismiss_hours', 'Hours a dismissed alert stays hidden'],
];

type Num = number | '';
// Integration and channel alerts belong to no client: switching them per client means nothing.
const NOT_PER_CLIENT = new Set(['integration_auth', 'integration_quota', 'channel_failing', 'review_overdue']);
const clientTypes = (ws: Effective) => Object.keys(ws.categories).filter((t) => !NOT_PER_CLIENT.has(t));
interface Form {
  sla: Record<string, Num>;
  numbers: Record<string, Num>;
  categories: Record<string, 'inherit' | 'on' | 'off'>;
}

function toForm(o: Override, types: string[]): Form {
  const t = o.thresholds ?? {};
  return {
    sla: Object.fromEntries(CLASSES.map((c) => [c, t.sla_hours?.[c] ?? ''])),
    numbers: Object.fromEntries(NUMBERS.map(([k]) => [k, typeof t[k] === 'number' ? (t[k] as number) : ''])),
    categories: Object.fromEntries(types.map((ty) => [ty, o.categories?.[ty] === undefined ? 'inherit' : o.categories[ty] ? 'on' : 'off'])),
  };
}

/** The override to store: what the form sets, and whatever else was stored (severities, zone…). */
function toOverride(stored: Override, f: Form): Override {
  const set = <T,>(entries: Array<[string, T | '']>) => Object.fromEntries(entries.filter(([, v]) => v !== '')) as Record<string, T>;
  const sla = set(CLASSES.map((c) => [c, f.sla[c] ?? '']));
  const thresholds = { ...(stored.thresholds ?? {}), ...Object.fromEntries(NUMBERS.map(([k]) => [k, undefined])), ...set(NUMBERS.map(([k]) => [k, f.numbers[k] ?? ''])) } as Record<string, unknown>;
  delete thresholds.sla_hours;
  for (const k of Object.keys(thresholds)) if (thresholds[k] === undefined) delete thresholds[k];
  if (Object.keys(sla).length > 0) thresholds.sla_hours = sla;
  const categories = Object.fromEntries(Object.entries(f.categories).filter(([, v]) => v !== 'inherit').map(([k, v]) => [k, v === 'on']));
  const out: Override = { ...stored, thresholds, categories };
  if (Object.keys(thresholds).length === 0) delete out.thresholds;
  if (Object.keys(categories).length === 0) delete out.categories;
  return out;
}

export function ClientSettings({ clientId }: { clientId: string }) {
  const { can } = useSession();
  const qc = useQueryClient();
  const mine = useQuery({ queryKey: ['client-settings', clientId], queryFn: () => unwrap(api.GET('/api/v1/clients/{id}/settings', { params: { path: { id: clientId } } })), refetchInterval: false });
  const workspace = useQuery({ queryKey: ['settings'], queryFn: () => unwrap(api.GET('/api/v1/settings')), refetchInterval: false });
  const ws = workspace.data?.effective as Effective | undefined;
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    if (mine.data && ws && form === null) setForm(toForm(mine.data.override as Override, clientTypes(ws)));
  }, [mine.data, ws, form]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/clients/{id}/settings', { params: { path: { id: clientId } }, body: toOverride(mine.data!.override as Override, form!) as never })),
    onSuccess: (data) => {
      qc.setQueryData(['client-settings', clientId], data);
      setForm(toForm(data.override as Override, clientTypes(ws!)));
    },
  });
  if (!form || !ws) return <ErrorNote error={mine.error ?? workspace.error} />;
  const readOnly = !can('admin');
  const inherited = (v: number) => `workspace: ${v}`;
  return (
    <Stack data-testid="client-settings">
      <ClientPingKey clientId={clientId} />
      <ClientSharing clientId={clientId} />
      <Text size="sm" c="dimmed">Blank fields follow the workspace settings (Settings → SLA & alerts); a value here overrides them for this client only.</Text>
      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">SLA: a good backup within (hours)</Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {CLASSES.map((c) => (
            <NumberInput key={c} label={c} min={1} disabled={readOnly} placeholder={inherited(ws.thresholds.sla_hours[c] ?? 0)} value={form.sla[c]} onChange={(v) => setForm({ ...form, sla: { ...form.sla, [c]: v === '' ? '' : Number(v) } })} />
          ))}
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">Thresholds</Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {NUMBERS.map(([k, l]) => (
            <NumberInput key={k} label={l} disabled={readOnly} placeholder={inherited(ws.thresholds[k] ?? 0)} value={form.numbers[k]} onChange={(v) => setForm({ ...form, numbers: { ...form.numbers, [k]: v === '' ? '' : Number(v) } })} />
          ))}
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">Alert categories</Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {Object.keys(form.categories).map((type) => (
            <Select
              key={type}
              label={label(type)}
              disabled={readOnly}
              data={[{ value: 'inherit', label: `as workspace (${ws.categories[type] ? 'on' : 'off'})` }, { value: 'on', label: 'on for this client' }, { value: 'off', label: 'off for this client' }]}
              value={form.categories[type] ?? 'inherit'}
              onChange={(v) => setForm({ ...form, categories: { ...form.categories, [type]: (v ?? 'inherit') as 'inherit' | 'on' | 'off' } })}
            />
          ))}
        </SimpleGrid>
      </Paper>
      <ErrorNote error={save.error} />
      {!readOnly && (
        <Group>
          <Button loading={save.isPending} onClick={() => save.mutate()}>Save client settings</Button>
          {save.isSuccess && <Text size="sm" c="teal">Saved. This client’s devices are re-evaluated.</Text>}
        </Group>
      )}
    </Stack>
  );
}
