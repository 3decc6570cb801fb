import { Anchor, Button, Drawer, Group, Modal, Paper, SegmentedControl, Stack, Text, Textarea, Timeline, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { type Alert, type AlertDetail, api, unwrap } from '../api/client';
import { DeliveryTable } from '../components/Deliveries';
import { ConfirmButton, EmptyState, ErrorNote, PageTitle, StatusBadge } from '../components/common';
import { ago, dateTime, label } from '../components/format';
import { useSession } from '../session';

const VIEWS = { open: 'open', acknowledged: 'acknowledged', history: 'resolved,dismissed' } as const;
type View = keyof typeof VIEWS;

function AckButton({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/alerts/{id}/acknowledge', { params: { path: { id: alert.id } }, body: { note: note || undefined } })),
    onSuccess: () => {
      setOpen(false);
      onDone();
    },
  });
  return (
    <>
      <Button size="xs" variant="light" color="yellow" onClick={() => setOpen(true)}>Acknowledge</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Acknowledge alert" centered>
        <Stack>
          <Text size="sm">{alert.title}</Text>
          <Textarea label="Note (what you are doing about it)" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} data-autofocus />
          <ErrorNote error={m.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button color="yellow" loading={m.isPending} onClick={() => m.mutate()}>Acknowledge</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Integration alerts name the connector, mailbox or channel they are about; this links to it. */
function IntegrationLink({ alert }: { alert: AlertDetail }) {
  const q = useQuery({ queryKey: ['integrations'], queryFn: () => unwrap(api.GET('/api/v1/integrations')), enabled: alert.scope === 'integration' && alert.type !== 'channel_failing' });
  if (alert.scope !== 'integration' || !alert.integration_id) return null;
  const id = alert.integration_id;
  if (alert.type === 'channel_failing') return <Anchor component={Link} to={`/settings/notifications?id=${id}`} size="sm">Open the notification channel</Anchor>;
  const it = q.data?.items.find((i) => i.id === id);
  if (!it) return null;
  const mailbox = it.type.startsWith('mailbox');
  return <Anchor component={Link} to={`/settings/${mailbox ? 'mailboxes' : 'connectors'}?id=${id}`} size="sm">Open {mailbox ? 'the mailbox' : 'the connector'} {it.name}</Anchor>;
}

/** The rule's own facts (an integration's error, devices held back, sizes compared …). */
function Detail({ detail }: { detail: unknown }) {
  if (!detail || typeof detail !== 'object') return null;
  const rows = Object.entries(detail as Record<string, unknown>).filter(([, v]) => v !== null && ['string', 'number', 'boolean'].includes(typeof v));
  if (rows.length === 0) return null;
  return (
    <Paper withBorder p="xs">
      {rows.map(([k, v]) => (
        <Text key={k} size="xs" style={{ wordBreak: 'break-word' }}><Text span size="xs" c="dimmed">{label(k)}:</Text> {String(v)}</Text>
      ))}
    </Paper>
  );
}

function AlertDeliveries({ id }: { id: string }) {
  const q = useQuery({ queryKey: ['alert', id, 'deliveries'], queryFn: () => unwrap(api.GET('/api/v1/alerts/{id}/deliveries', { params: { path: { id } } })) });
  return (
    <>
      <Text fw={600} size="sm">Notifications</Text>
      <ErrorNote error={q.error} />
      {q.data && (q.data.items.length === 0 ? <Text size="sm" c="dimmed">No channel was told of this alert (none matched its client, severity or type, or it was raised before the channel existed).</Text> : <DeliveryTable items={q.data.items} showChannel showAlert={false} />)}
    </>
  );
}

function AlertDrawer({ id, onClose }: { id: string | undefined; onClose: () => void }) {
  const q = useQuery({ queryKey: ['alert', id], queryFn: () => unwrap(api.GET('/api/v1/alerts/{id}', { params: { path: { id: id! } } })), enabled: id !== undefined });
  const a = q.data;
  return (
    <Drawer opened={id !== undefined} onClose={onClose} title="Alert" position="right" size="lg">
      <ErrorNote error={q.error} />
      {a && (
        <Stack gap="sm">
          <Group gap="xs"><StatusBadge status={a.severity} size="md" /><StatusBadge status={a.state} size="md" /></Group>
          <Title order={4}>{a.title}</Title>
          <Text size="sm">{a.client_name}{a.device_name && <> · <Anchor component={Link} to={`/devices/${a.device_id}`}>{a.device_name}</Anchor></>}{a.check_name ? ` · ${a.check_name}` : ''}</Text>
          <Text size="sm" c="dimmed">{label(a.type)} · condition since {dateTime(a.condition_since)}</Text>
          <IntegrationLink alert={a} />
          <Detail detail={a.detail} />
          {a.ack_note && <Paper withBorder p="xs"><Text size="sm">Note: {a.ack_note}</Text></Paper>}
          <Text fw={600} size="sm">History</Text>
          <Timeline bulletSize={14} lineWidth={2}>
            {a.history.map((e) => (
              <Timeline.Item key={`${e.at}-${e.kind}-${e.actor_name ?? ''}`} title={label(e.kind)}>
                <Text size="xs" c="dimmed">{dateTime(e.at)} · {e.actor_name ?? e.actor_type}</Text>
                {e.to_severity && e.from_severity && <Text size="xs">{e.from_severity} → {e.to_severity}</Text>}
                {e.note && <Text size="xs">“{e.note}”</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
          <AlertDeliveries id={a.id} />
        </Stack>
      )}
    </Drawer>
  );
}

function group(items: Alert[]): Array<{ clientId: string | null; name: string; alerts: Alert[] }> {
  const map = new Map<string, { clientId: string | null; name: string; alerts: Alert[] }>();
  for (const a of items) {
    const key = a.client_id ?? '';
    const g = map.get(key) ?? { clientId: a.client_id, name: a.client_name ?? 'Integrations', alerts: [] };
    g.alerts.push(a);
    map.set(key, g);
  }
  return [...map.values()].sort((x, y) => x.name.localeCompare(y.name));
}

export default function Alerts() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const qc = useQueryClient();
  const [view, setView] = useState<View>('open');
  // The newest 100 first: a screen of alerts is read top-down; more on request.
  const [limit, setLimit] = useState(100);
  const q = useQuery({
    queryKey: ['alerts', view, limit],
    queryFn: () => unwrap(api.GET('/api/v1/alerts', { params: { query: { state: VIEWS[view], limit } } })),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['alerts'] });
  const dismissGroup = (body: { client?: string; all?: boolean }) => unwrap(api.POST('/api/v1/alerts/dismiss', { body })).then(refresh);
  const dismissOne = (a: Alert) => unwrap(api.POST('/api/v1/alerts/{id}/dismiss', { params: { path: { id: a.id } }, body: {} })).then(refresh);
  const items = q.data?.items ?? [];
  const active = view !== 'history';
  return (
    <>
      <PageTitle title="Alerts">
        <Group gap="sm">
          <SegmentedControl value={view} onChange={(v) => setView(v as View)} data={[{ value: 'open', label: 'Open' }, { value: 'acknowledged', label: 'Acknowledged' }, { value: 'history', label: 'History' }]} />
          {active && can('admin') && items.length > 0 && (
            <ConfirmButton label="Dismiss all" title="Dismiss every alert?" message={`This hides every open and acknowledged alert you can see${q.data?.next_cursor ? ' (more than are listed here)' : ''}. Conditions that still hold raise new alerts after the dismissal period.`} onConfirm={() => dismissGroup({ all: true })} />
          )}
        </Group>
      </PageTitle>
      <ErrorNote error={q.error} />
      {q.isSuccess && items.length === 0 && (
        <EmptyState title={view === 'open' ? 'No open alerts' : view === 'acknowledged' ? 'Nothing acknowledged' : 'No history yet'}>
          <Text size="sm" c="dimmed">{view === 'open' ? 'Every device is within its schedule and SLA. Alerts appear here the moment a job fails or a backup is late.' : 'Alerts move here as people act on them or their conditions clear.'}</Text>
        </EmptyState>
      )}
      <Stack>
        {group(items).map((g) => (
          <Paper key={g.name} withBorder radius="md" p="sm" data-testid="alert-group">
            <Group justify="space-between" mb="xs">
              <Text fw={700}>{g.name} <Text span c="dimmed" size="sm">({g.alerts.length})</Text></Text>
              {active && can('operate') && g.clientId && (
                <ConfirmButton label={`Dismiss all for ${g.name}`} title={`Dismiss the alerts of ${g.name}?`} message="Every open and acknowledged alert of this client is hidden until the dismissal period ends, and raised again then if their condition still holds." onConfirm={() => dismissGroup({ client: g.clientId! })} />
              )}
            </Group>
            <Stack gap={0}>
              {g.alerts.map((a) => (
                <Group key={a.id} data-alert-id={a.id} justify="space-between" wrap="wrap" gap="xs" py={8} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
                  <Group gap="sm" wrap="nowrap" align="flex-start" style={{ flex: '1 1 280px', minWidth: 0 }}>
                    <StatusBadge status={a.severity} />
                    <div style={{ minWidth: 0 }}>
                      <Anchor component={Link} to={`/alerts/${a.id}`} size="sm" fw={500}>{a.title}</Anchor>
                      <Text size="xs" c="dimmed">{label(a.type)}{a.device_name ? ` · ${a.device_name}` : ''} · raised {ago(a.raised_at)}{a.ack_note ? ` · “${a.ack_note}”` : ''}</Text>
                    </div>
                  </Group>
                  {active && can('operate') ? (
                    <Group gap={6} wrap="nowrap" ml="auto">
                      {a.state === 'open' && <AckButton alert={a} onDone={refresh} />}
                      <ConfirmButton label="Dismiss" variant="subtle" title="Dismiss this alert?" message="It is hidden until the dismissal period ends, and raised again then if its condition still holds." onConfirm={() => dismissOne(a)} />
                    </Group>
                  ) : (
                    <StatusBadge status={a.state} />
                  )}
                </Group>
              ))}
            </Stack>
          </Paper>
        ))}
      </Stack>
      {q.data?.next_cursor && limit < 500 && (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={() => setLimit(limit + 100)}>Show more alerts</Button>
        </Group>
      )}
      <AlertDrawer id={id} onClose={() => navigate('/alerts')} />
    </>
  );
}
