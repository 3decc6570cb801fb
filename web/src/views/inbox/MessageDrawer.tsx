// One stored message: headers, text, the product template that recognised it and the jobs it
// read (or the generic recogniser's suggestion), where it would go if processed now, its raw
// source, and a form to correct what it reports.
import { Anchor, Badge, Button, Code, Drawer, Group, ScrollArea, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type EmailDetail, unwrap } from '../../api/client';
import { ErrorNote, StatusBadge } from '../../components/common';
import { bytes, dateTime, duration, label } from '../../components/format';
import { useSession } from '../../session';
import { Loading } from '../../components/Loading';
import { CorrectForm } from './Correct';

/** What the generic recogniser read from a mail no product template knows. */
export function SuggestionLine({ m }: { m: Pick<EmailDetail, 'suggestion'> }) {
  const s = m.suggestion;
  if (!s) return null;
  const figures = [s.bytes !== null ? bytes(s.bytes) : null, s.duration_ms !== null ? duration(s.duration_ms / 1000) : null].filter(Boolean).join(', ');
  return (
    <Text size="sm" data-testid="suggestion">
      Suggested: device <b>{s.device}</b>, check <b>{s.check}</b>
      {s.status ? <>, status <StatusBadge status={s.status} size="xs" /> ({s.why ? `‘${s.why.word}’ in ${s.why.field}` : 'built-in words'})</> : ', no status word'}
      {figures ? ` · ${figures}` : ''}
    </Text>
  );
}

function Headers({ m }: { m: EmailDetail }) {
  const rows: Array<[string, string]> = [
    ['From', m.parsed.from_name ? `${m.parsed.from_name} <${m.from ?? ''}>` : (m.from ?? '—')],
    ['To', m.parsed.to.join(', ') || m.envelope_to.join(', ')],
    ['Date', dateTime(m.parsed.date)],
    ['Received', `${dateTime(m.received_at)} by ${m.transport.toUpperCase()}${m.envelope_from ? ` from ${m.envelope_from}` : ''}`],
    ['Message-ID', m.message_id ?? '—'],
    ['Size', bytes(m.size)],
    ['State', label(m.state) + (m.error ? `: ${m.error}` : '')],
  ];
  return (
    <Table fz="sm" verticalSpacing={4}>
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}><Table.Th w={110}>{k}</Table.Th><Table.Td style={{ wordBreak: 'break-word' }}>{v}</Table.Td></Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Recognised({ m }: { m: EmailDetail }) {
  if (!m.recognised) return <Text size="sm" c="dimmed">No product template recognised this message: rules decide its status.</Text>;
  return (
    <Stack gap={4}>
      <Text size="sm">Recognised as <b>{m.recognised.product}</b> <Badge size="xs" variant="outline">{m.recognised.template}</Badge>; the jobs it read:</Text>
      <Table.ScrollContainer minWidth={320}>
        <Table fz="xs">
          <Table.Thead><Table.Tr><Table.Th>Device</Table.Th><Table.Th>Check</Table.Th><Table.Th>Status</Table.Th><Table.Th visibleFrom="sm">Duration</Table.Th><Table.Th visibleFrom="sm">Size</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {m.recognised.jobs.map((j) => (
              <Table.Tr key={`${j.device}\u0000${j.check}\u0000${j.ended_at ?? ''}`}>
                <Table.Td>{j.device}</Table.Td>
                <Table.Td>{j.check} <Text span size="xs" c="dimmed">({j.kind})</Text></Table.Td>
                <Table.Td>
                  <StatusBadge status={j.status} /> <Text span size="xs" c="dimmed">“{j.raw_status}”</Text>
                  {j.unread.length > 0 && <Text size="xs" c="orange">Could not read: {j.unread.join(', ')}</Text>}
                </Table.Td>
                <Table.Td visibleFrom="sm">{duration(j.duration_seconds)}</Table.Td>
                <Table.Td visibleFrom="sm">{bytes(j.bytes)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function Raw({ id }: { id: string }) {
  const q = useQuery({
    queryKey: ['email', id, 'raw'],
    queryFn: () => unwrap<string>(api.GET('/api/v1/emails/{id}/raw', { params: { path: { id } }, parseAs: 'text' }) as Promise<{ data?: string; response: Response }>),
    refetchInterval: false,
    staleTime: Infinity,
  });
  if (q.isPending) return <Loading />;
  return (
    <>
      <ErrorNote error={q.error} />
      <ScrollArea.Autosize mah={480}><Code block data-testid="raw-source">{q.data}</Code></ScrollArea.Autosize>
    </>
  );
}

export function MessageDrawer({ id, onClose, onCreateCheck }: { id: string | undefined; onClose: () => void; onCreateCheck: (id: string) => void }) {
  const { can } = useSession();
  const q = useQuery({ queryKey: ['email', id], queryFn: () => unwrap(api.GET('/api/v1/emails/{id}', { params: { path: { id: id! } } })), enabled: id !== undefined, refetchInterval: false });
  const m = q.data;
  const [correcting, setCorrecting] = useState<string | null>(null);
  return (
    <Drawer opened={id !== undefined} onClose={onClose} title="Message" position="right" size="xl">
      <ErrorNote error={q.error} />
      {q.isPending && id && <Loading />}
      {m && (
        <Stack gap="sm">
          <Title order={4} style={{ wordBreak: 'break-word' }}>{m.subject || '(no subject)'}</Title>
          <SuggestionLine m={m} />
          {can('operate') && (
            <Group>
              {m.state === 'unmatched' && <Button onClick={() => onCreateCheck(m.id)}>Create check from this message</Button>}
              {correcting !== m.id && <Button variant="light" onClick={() => setCorrecting(m.id)}>Correct</Button>}
            </Group>
          )}
          {correcting === m.id && can('operate') && <CorrectForm key={m.id} m={m} />}
          {m.routing.checks.length > 0 && (
            <Text size="sm">Reports to {m.routing.checks.length} check(s) now: {m.routing.checks.map((c) => `${label(c.status)} (${c.reason})`).join(', ')}</Text>
          )}
          {m.routing.checks.some((c) => c.reason === 'received' || c.reason.startsWith('status from built-in words')) && (
            <Text size="xs" c="dimmed" data-testid="builtin-words-note">
              No status rule decided: the built-in status words did (failed, error → failed; warning, partial → warning; success, OK →
              succeeded; subject first, then the body), and a message with none counts as a success. Give the check status rules to decide otherwise.
            </Text>
          )}
          <Tabs defaultValue="message" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="message">Message</Tabs.Tab>
              <Tabs.Tab value="product">Product and jobs</Tabs.Tab>
              <Tabs.Tab value="raw">Raw source</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="message" pt="sm">
              <Headers m={m} />
              {m.parsed.attachments.length > 0 && <Text size="xs" c="dimmed" mb={4}>Attachments (listed, not kept): {m.parsed.attachments.map((a) => `${a.filename ?? 'unnamed'} (${bytes(a.size)})`).join(', ')}</Text>}
              <ScrollArea.Autosize mah={420}><Code block data-testid="message-text">{m.parsed.text || '(no text)'}</Code></ScrollArea.Autosize>
            </Tabs.Panel>
            <Tabs.Panel value="product" pt="sm"><Recognised m={m} /></Tabs.Panel>
            <Tabs.Panel value="raw" pt="sm">
              <Anchor href={`/api/v1/emails/${m.id}/raw`} download={`${m.id}.eml`} size="sm">Download as .eml</Anchor>
              <Raw id={m.id} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}
