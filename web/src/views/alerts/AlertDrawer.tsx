// One alert: what it is about, its rule's facts, its history and deliveries, and (for operators)
// acknowledge and dismiss.
import { Alert as Notice, Anchor, Drawer, Group, Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { type AlertDetail, api, unwrap } from '../../api/client';
import { DeliveryTable } from '../../components/Deliveries';
import { ErrorNote, StatusBadge } from '../../components/common';
import { dateTime, label } from '../../components/format';
import { useSession } from '../../session';
import { AlertActionButton } from './AlertAction';

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

function Actions({ alert }: { alert: AlertDetail }) {
  const qc = useQueryClient();
  const [summary, setSummary] = useState<string | null>(null);
  const onDone = (s: string) => {
    setSummary(s);
    void qc.invalidateQueries({ queryKey: ['alerts'] });
    void qc.invalidateQueries({ queryKey: ['alert', alert.id] });
  };
  const active = alert.state === 'open' || alert.state === 'acknowledged';
  return (
    <>
      {active && (
        <Group gap="xs" data-testid="drawer-actions">
          {alert.state === 'open' && <AlertActionButton kind="acknowledge" ids={[alert.id]} subject={alert.title} onDone={onDone} size="sm" />}
          <AlertActionButton kind="dismiss" ids={[alert.id]} subject={alert.title} onDone={onDone} size="sm" />
        </Group>
      )}
      {summary && <Notice color="blue" withCloseButton onClose={() => setSummary(null)}>{summary}</Notice>}
    </>
  );
}

export function AlertDrawer({ id, onClose }: { id: string | undefined; onClose: () => void }) {
  const { can } = useSession();
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
          <Text size="sm" c="dimmed">{label(a.type)} · condition since {dateTime(a.condition_since)}{a.state === 'dismissed' && a.dismissed_until ? ` · dismissed until ${dateTime(a.dismissed_until)}` : ''}</Text>
          {can('operate') && <Actions key={a.id} alert={a} />}
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
