// A delivery log: what was sent where, how often it was tried, and what the receiver said.
import { Anchor, Badge, Code, Collapse, Table, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Delivery } from '../api/client';
import { ago, dateTime, label } from './format';

const STATE_COLORS: Record<string, string> = { sent: 'teal', pending: 'blue', failed: 'red', expired: 'gray' };

function Row({ d, showChannel, showAlert }: { d: Delivery; showChannel: boolean; showAlert: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Table.Tr data-delivery-state={d.state}>
        <Table.Td>
          <UnstyledButton onClick={() => setOpen(!open)} aria-expanded={open}>
            <Text size="xs" fw={500}>{label(d.topic.replace('alert.', 'alert '))}</Text>
            <Text size="xs" c="dimmed" title={dateTime(d.created_at)}>{ago(d.created_at)}</Text>
          </UnstyledButton>
        </Table.Td>
        {showChannel && <Table.Td><Text size="xs">{d.channel_name ?? d.channel_id}</Text><Text size="xs" c="dimmed">{d.channel_type}</Text></Table.Td>}
        <Table.Td><Badge size="xs" variant="light" color={STATE_COLORS[d.state] ?? 'gray'}>{d.state}</Badge>{d.attempts > 1 && <Text size="xs" c="dimmed">{d.attempts} attempts</Text>}</Table.Td>
        <Table.Td><Text size="xs" fw={500}>{d.last_status ?? '—'}</Text><Text size="xs" c="dimmed" lineClamp={2} style={{ wordBreak: 'break-word' }}>{d.last_response ?? (d.next_attempt_at ? `next try ${ago(d.next_attempt_at)}` : '')}</Text></Table.Td>
        {showAlert && <Table.Td visibleFrom="sm">{d.alert_id ? <Anchor component={Link} to={`/alerts/${d.alert_id}`} size="xs">alert</Anchor> : null}</Table.Td>}
      </Table.Tr>
      <Table.Tr style={{ display: open ? undefined : 'none' }}>
        <Table.Td colSpan={5} p={0}>
          <Collapse expanded={open}>
            <Text size="xs" c="dimmed" px="xs">Idempotency key <Code fz="xs">{d.idempotency_key}</Code>{d.sent_at ? ` · delivered ${dateTime(d.sent_at)}` : ''}</Text>
            <Code block fz="xs" mah={260} style={{ overflow: 'auto' }}>{JSON.stringify(d.payload, null, 2)}</Code>
          </Collapse>
        </Table.Td>
      </Table.Tr>
    </>
  );
}

export function DeliveryTable({ items, showChannel = false, showAlert = true }: { items: Delivery[]; showChannel?: boolean; showAlert?: boolean }) {
  if (items.length === 0) return <Text size="sm" c="dimmed">Nothing sent yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table verticalSpacing={4} data-testid="delivery-log">
        <Table.Thead>
          <Table.Tr><Table.Th>What</Table.Th>{showChannel && <Table.Th>Channel</Table.Th>}<Table.Th>State</Table.Th><Table.Th>Receiver said</Table.Th>{showAlert && <Table.Th visibleFrom="sm" />}</Table.Tr>
        </Table.Thead>
        <Table.Tbody>{items.map((d) => <Row key={d.id} d={d} showChannel={showChannel} showAlert={showAlert} />)}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
