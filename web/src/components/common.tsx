import { Alert, Badge, Button, Code, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiError, api, type Client, unwrap } from '../api/client';
import { colorOf, label } from './format';

export function StatusBadge({ status, size = 'sm' }: { status: string; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge color={colorOf(status)} variant="light" size={size} data-status={status} style={{ flexShrink: 0 }}>
      {label(status)}
    </Badge>
  );
}

export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="wrap" gap="sm">
      <Title order={2}>{title}</Title>
      {children}
    </Group>
  );
}

/** One figure in a row of them: a small caption, the value, and an optional note. */
export function StatCard({ title, value, note, fw = 600 }: { title: string; value: string; note?: string; fw?: number }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {title}
      </Text>
      <Text fw={fw} size="lg">
        {value}
      </Text>
      {note && (
        <Text size="xs" c="dimmed">
          {note}
        </Text>
      )}
    </Paper>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Paper withBorder p="xl" radius="md">
      <Stack gap="xs" align="flex-start">
        <Text fw={600} size="lg">
          {title}
        </Text>
        {children}
      </Stack>
    </Paper>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? error.message : 'Keepwatch could not be reached. It will try again.';
  const fields = error instanceof ApiError ? (error.problem?.errors ?? []) : [];
  return (
    <Alert color="red" icon={<IconInfoCircle />} my="sm">
      {text}
      {fields.slice(0, 5).map((f) => (
        <Text key={f.field} size="sm">
          <Code>{f.field}</Code> {f.message}
        </Text>
      ))}
    </Alert>
  );
}

/** The curl line that sends a first job, with this server's real address. */
export function FirstJobHint() {
  const origin = window.location.origin;
  return (
    <>
      <Text size="sm">
        Report a first job: create an <b>ingest</b> token under Settings → API tokens, then run:
      </Text>
      <Code block style={{ maxWidth: '100%', overflowX: 'auto' }}>
        {`curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
  ${origin}/api/v1/jobs -d '{"source":"my-script","client":"Acme",
  "device":{"name":"FILESERVER01"},"check":{"name":"Nightly backup"},
  "status":"succeeded","ended_at":"${new Date().toISOString().slice(0, 19)}Z"}'`}
      </Code>
      <Text size="sm" c="dimmed">
        Scripts without an API client can ping a check's URL instead (shown on each device page).
      </Text>
    </>
  );
}

export function ConfirmButton(props: { label: string; title: string; message: ReactNode; onConfirm: () => Promise<unknown>; color?: string; size?: string; variant?: string; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button size={props.size ?? 'xs'} color={props.color ?? 'red'} variant={props.variant ?? 'light'} disabled={props.disabled} onClick={() => setOpen(true)}>
        {props.label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={props.title} centered>
        <Stack>
          <Text size="sm">{props.message}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color={props.color ?? 'red'}
              loading={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await props.onConfirm();
                  setOpen(false);
                } finally {
                  setBusy(false);
                }
              }}
            >
              {props.label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Every client the user may see (an MSP has hundreds, not hundreds of thousands). */
export function useClients() {
  const q = useQuery({
    queryKey: ['clients', 'all'],
    queryFn: () => unwrap(api.GET('/api/v1/clients', { params: { query: { limit: 500 } } })),
    staleTime: 60_000,
  });
  const items: Client[] = q.data?.items ?? [];
  const byId = new Map(items.map((c) => [c.id, c]));
  return { clients: items, nameOf: (id: string | null | undefined) => (id ? (byId.get(id)?.name ?? '…') : '—'), query: q };
}
