// Settings → Notifications: channels with their health (from the last delivery or test), status,
// filters, test and delivery log; and when the weekly summary goes out.
import { Alert, Badge, Button, Drawer, Group, Paper, Select, SimpleGrid, Stack, Switch, Text, Title, NumberInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, type Channel, type ChannelTest, type NotificationSettings, unwrap } from '../../api/client';
import { ConfirmButton, EmptyState, ErrorNote, useClients } from '../../components/common';
import { DeliveryTable } from '../../components/Deliveries';
import { ago, label } from '../../components/format';
import { ChannelDrawer } from './ChannelForm';
import { HealthBadge, HealthDetail } from './IntegrationParts';

const STATUS_COLORS: Record<string, string> = { failing: 'red', broken: 'red', disabled: 'gray' };
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function summary(c: Channel, nameOf: (id: string) => string): string {
  const cfg = c.config as Record<string, unknown>;
  const target = Array.isArray(cfg.to) ? (cfg.to as string[]).join(', ') : typeof cfg.url === 'string' && cfg.url !== '***' ? cfg.url : null;
  const parts = [
    c.system ? 'every owner and admin: destructive operations and the weekly summary' : target,
    typeof cfg.mode === 'string' ? label(cfg.mode) : null,
    c.clients ? c.clients.map(nameOf).join(', ') : c.system ? null : 'every client',
    c.min_severity ? `${c.min_severity} and up` : null,
    c.types ? `${c.types.length} alert type${c.types.length === 1 ? '' : 's'}` : null,
    c.repeat_hours ? `repeats every ${c.repeat_hours} h` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

function TestResult({ r }: { r: ChannelTest }) {
  return (
    <Alert color={r.ok ? 'teal' : 'red'} py={6} mt={6} data-testid="channel-test-result">
      <Text size="sm" fw={600}>{r.ok ? 'Delivered' : 'Not delivered'}: {r.status}</Text>
      <Text size="xs" style={{ wordBreak: 'break-word' }}>{r.detail}</Text>
    </Alert>
  );
}

function ChannelCard({ c, highlighted, onEdit, onLog, onChanged }: { c: Channel; highlighted: boolean; onEdit: () => void; onLog: () => void; onChanged: () => void }) {
  const { nameOf } = useClients();
  const test = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/channels/{id}/test', { params: { path: { id: c.id } } })), onSettled: onChanged });
  const remove = () => unwrap(api.DELETE('/api/v1/channels/{id}', { params: { path: { id: c.id } } })).then(onChanged);
  return (
    <Paper withBorder p="sm" radius="md" data-channel={c.name} style={highlighted ? { borderColor: 'var(--mantine-color-blue-6)' } : undefined}>
      <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
        <div style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Group gap={6} wrap="wrap">
            <Text fw={600}>{c.name}</Text>
            <Badge size="xs" variant="outline" color="gray">{c.type}</Badge>
            <HealthBadge item={c} />
            {c.status !== 'ok' && <Badge size="xs" variant="light" color={STATUS_COLORS[c.status]} data-testid="channel-status">{c.status}</Badge>}
            {c.system && <Badge size="xs" variant="light" color="blue">built-in</Badge>}
          </Group>
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>{summary(c, nameOf)}</Text>
          <HealthDetail item={c} />
          {c.broken_reason && c.broken_reason !== c.health_detail && <Text size="xs" c="red">Broken: {c.broken_reason}</Text>}
          {c.status === 'failing' && c.failing_since && <Text size="xs" c="red">Failing since {ago(c.failing_since)}; retried with back-off.</Text>}
          {c.warnings.map((w) => <Text key={w} size="xs" c="orange">{w}</Text>)}
        </div>
        <Group gap={6} wrap="nowrap">
          <Button size="xs" variant="light" loading={test.isPending} onClick={() => test.mutate()}>Send test</Button>
          <Button size="xs" variant="default" onClick={onLog}>Log</Button>
          {!c.system && <Button size="xs" variant="default" onClick={onEdit}>Edit</Button>}
          {!c.system && <ConfirmButton label="Delete" variant="subtle" title={`Delete ${c.name}?`} message="Its queued notifications and delivery log go with it." onConfirm={remove} />}
        </Group>
      </Group>
      <ErrorNote error={test.error} />
      {test.data && <TestResult r={test.data} />}
    </Paper>
  );
}

function LogDrawer({ channel, onClose }: { channel: Channel | null; onClose: () => void }) {
  const q = useQuery({
    queryKey: ['channel', channel?.id, 'deliveries'],
    queryFn: () => unwrap(api.GET('/api/v1/channels/{id}/deliveries', { params: { path: { id: channel!.id }, query: { limit: 100 } } })),
    enabled: channel !== null,
    refetchInterval: 15_000,
  });
  return (
    <Drawer opened={channel !== null} onClose={onClose} title={`Delivery log: ${channel?.name ?? ''}`} position="right" size="xl">
      <Text size="sm" c="dimmed" mb="sm">Newest first; click one for what was sent. A failed attempt is retried with back-off for up to 48 hours.</Text>
      <ErrorNote error={q.error} />
      {q.data && <DeliveryTable items={q.data.items} />}
    </Drawer>
  );
}

function WeeklySummary() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['notification-settings'], queryFn: () => unwrap(api.GET('/api/v1/notifications/settings')), refetchInterval: false });
  const [form, setForm] = useState<NotificationSettings['weekly_summary'] | null>(null);
  useEffect(() => {
    if (q.data && form === null) setForm(q.data.weekly_summary);
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/notifications/settings', { body: { weekly_summary: form! } })),
    onSuccess: (d) => qc.setQueryData(['notification-settings'], d),
  });
  if (!form) return <ErrorNote error={q.error} />;
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={5} mb={4}>Weekly summary</Title>
      <Text size="sm" c="dimmed" mb="sm">Devices protected, bands, job success rate, new critical alerts, the lowest scores and storage, for the seven days before. E-mail channels opt in with their “Weekly summary” switch (their clients only).</Text>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Switch mt="md" label="Send it" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })} />
        <Select label="Day" data={DAYS.map((d) => ({ value: d, label: d.charAt(0).toUpperCase() + d.slice(1) }))} value={form.day} onChange={(v) => v && setForm({ ...form, day: v as typeof form.day })} />
        <NumberInput label="Hour (workspace time zone)" min={0} max={23} value={form.hour} onChange={(v) => setForm({ ...form, hour: Number(v) || 0 })} />
        <Switch mt="md" label="To owners and admins" checked={form.owners_and_admins} onChange={(e) => setForm({ ...form, owners_and_admins: e.currentTarget.checked })} />
      </SimpleGrid>
      <ErrorNote error={save.error} />
      <Group mt="sm">
        <Button size="sm" loading={save.isPending} onClick={() => save.mutate()}>Save</Button>
        {save.isSuccess && <Text size="sm" c="teal">Saved.</Text>}
      </Group>
    </Paper>
  );
}

export function Notifications() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/v1/channels', { params: { query: { limit: 500 } } })) });
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [log, setLog] = useState<Channel | null>(null);
  const [params] = useSearchParams();
  const refresh = () => void qc.invalidateQueries({ queryKey: ['channels'] });
  const items = q.data?.items ?? [];
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={720}>Where alerts go. Each channel hears the alerts its filters let through; a channel that keeps failing raises a “channel failing” alert on the others.</Text>
        <Button onClick={() => setEditing('new')}>Add a channel</Button>
      </Group>
      <ErrorNote error={q.error} />
      {q.isSuccess && items.every((c) => c.system) && (
        <EmptyState title="No channels of your own yet">
          <Text size="sm">Add an e-mail address (at once or an hourly digest), a webhook, Slack or Teams; send a test to see what the receiver says.</Text>
        </EmptyState>
      )}
      {items.map((c) => <ChannelCard key={c.id} c={c} highlighted={params.get('id') === c.id} onEdit={() => setEditing(c)} onLog={() => setLog(c)} onChanged={refresh} />)}
      <WeeklySummary />
      <ChannelDrawer
        opened={editing !== null}
        channel={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          refresh();
        }}
      />
      <LogDrawer channel={log} onClose={() => setLog(null)} />
    </Stack>
  );
}
