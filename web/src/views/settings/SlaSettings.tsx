import { Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { label } from '../../components/format';
import { useSession } from '../../session';

interface Effective {
  timezone: string;
  day_start: string;
  grid_rollup: string;
  categories: Record<string, boolean>;
  thresholds: Record<string, number | Record<string, number>> & { sla_hours: Record<string, number> };
  /** The daily review: by this hour of the next day (docs/review.md). */
  review_due_hour?: number;
}

const NUMBERS: Array<[string, string]> = [
  ['failure_critical_after', 'Failures in a row before an alert is critical'],
  ['copy_window_hours', 'Hours a copy may trail its backup'],
  ['saas_overdue_hours', 'Hours before a SaaS backup is overdue'],
  ['quota_percent', 'Storage quota alert at (%)'],
  ['silent_days', 'Days of silence before "device silent"'],
  ['dismiss_hours', 'Hours a dismissed alert stays hidden'],
];

export function SlaSettings() {
  const { can } = useSession();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['settings'], queryFn: () => unwrap(api.GET('/api/v1/settings')), refetchInterval: false });
  const [form, setForm] = useState<Effective | null>(null);
  useEffect(() => {
    if (q.data && form === null) setForm(structuredClone(q.data.effective as Effective));
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: () => {
      const f = form!;
      const thresholds = Object.fromEntries([['sla_hours', f.thresholds.sla_hours], ...NUMBERS.map(([k]) => [k, f.thresholds[k]])]);
      return unwrap(api.PUT('/api/v1/settings', { body: { ...(q.data!.override as object), timezone: f.timezone, day_start: f.day_start, grid_rollup: f.grid_rollup as never, categories: f.categories, thresholds, review_due_hour: f.review_due_hour } }));
    },
    onSuccess: (data) => {
      qc.setQueryData(['settings'], data);
      setForm(structuredClone(data.effective as Effective));
    },
  });
  if (!form) return <ErrorNote error={q.error} />;
  const readOnly = !can('admin');
  const t = form.thresholds;
  const setThreshold = (k: string, v: number) => setForm({ ...form, thresholds: { ...t, [k]: v } });
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <Title order={4} mb="xs">SLA: a good backup within</Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {(['server', 'workstation', 'saas'] as const).map((cls) => (
            <NumberInput key={cls} label={`${cls} (hours)`} min={1} disabled={readOnly} value={t.sla_hours[cls]} onChange={(v) => setForm({ ...form, thresholds: { ...t, sla_hours: { ...t.sla_hours, [cls]: Number(v) } } })} />
          ))}
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={4} mb="xs">Thresholds</Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {NUMBERS.map(([k, l]) => <NumberInput key={k} label={l} disabled={readOnly} value={t[k] as number} onChange={(v) => setThreshold(k, Number(v))} />)}
          <TextInput label="Time zone (IANA)" disabled={readOnly} value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.currentTarget.value })} />
          <TextInput label="Business day starts (HH:MM)" disabled={readOnly} value={form.day_start} onChange={(e) => setForm({ ...form, day_start: e.currentTarget.value })} />
          <NumberInput label="Review due by (hour)" description="Each day's failed and warning runs are to be reviewed by this hour (0–23, the time zone above) of the next day" min={0} max={23} step={1} allowDecimal={false} clampBehavior="strict" disabled={readOnly} value={form.review_due_hour ?? 10} onChange={(v) => setForm({ ...form, review_due_hour: v === '' ? undefined : Number(v) })} />
          <Select label="Grid roll-up of a day with several jobs" disabled={readOnly} data={['warning_if_mixed', 'last', 'worst', 'best'].map((r) => ({ value: r, label: label(r) }))} value={form.grid_rollup} onChange={(v) => v && setForm({ ...form, grid_rollup: v })} />
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={4} mb="xs">Alert categories</Title>
        <Text size="sm" c="dimmed" mb="sm">Switch a type off to never raise it in this workspace. Clients can override these through the API.</Text>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {Object.entries(form.categories).map(([type, on]) => (
            <Switch key={type} label={label(type)} checked={on} disabled={readOnly} onChange={(e) => setForm({ ...form, categories: { ...form.categories, [type]: e.currentTarget.checked } })} />
          ))}
        </SimpleGrid>
      </Paper>
      <ErrorNote error={save.error} />
      {!readOnly && (
        <Group>
          <Button loading={save.isPending} onClick={() => save.mutate()}>Save settings</Button>
          {save.isSuccess && <Text size="sm" c="teal">Saved. Devices are re-evaluated with the new rules.</Text>}
        </Group>
      )}
    </Stack>
  );
}
