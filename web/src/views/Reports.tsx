import { Anchor, Button, Group, Paper, Select, SimpleGrid, Table, Text, TextInput } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorNote, PageTitle, StatusBadge, useClients } from '../components/common';

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** PDF comes from another part of Keepwatch: the button shows once the API documents format=pdf. */
function usePdfOffered(): boolean {
  const q = useQuery({
    queryKey: ['openapi', 'pdf'],
    staleTime: Infinity,
    refetchInterval: false,
    queryFn: async () => {
      const doc = await (await fetch('/api/openapi.json')).json();
      const params = doc.paths?.['/api/v1/reports/compliance']?.get?.parameters ?? [];
      return JSON.stringify(params.find((p: { name: string }) => p.name === 'format') ?? {}).includes('"pdf"');
    },
  });
  return q.data === true;
}

export default function Reports() {
  const { clients } = useClients();
  const [from, setFrom] = useState(isoDay(Date.now() - 30 * 86_400_000));
  const [to, setTo] = useState(isoDay(Date.now()));
  const [params] = useSearchParams();
  const [client, setClient] = useState<string | null>(params.get('client'));
  const pdf = usePdfOffered();
  const query = { from, to, ...(client ? { client } : {}) };
  const q = useQuery({ queryKey: ['report', query], queryFn: () => unwrap(api.GET('/api/v1/reports/compliance', { params: { query } })), refetchInterval: false });
  const link = (format: string) => `/api/v1/reports/compliance?${new URLSearchParams({ ...query, format })}`;
  const r = q.data;
  return (
    <>
      <PageTitle title="SLA compliance report">
        <Group gap="xs">
          <Button component="a" href={link('csv')} download leftSection={<IconDownload size={16} />} variant="light">Download CSV</Button>
          {pdf && <Button component="a" href={link('pdf')} download leftSection={<IconDownload size={16} />} variant="light">Download PDF</Button>}
        </Group>
      </PageTitle>
      <Group mb="md" gap="sm" align="flex-end">
        <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        <Select label="Client" placeholder="All clients" clearable searchable data={clients.map((c) => ({ value: c.id, label: c.name }))} value={client} onChange={setClient} w={{ base: '100%', sm: 220 }} />
      </Group>
      <ErrorNote error={q.error} />
      {r && (
        <>
          <Text size="sm" c="dimmed" mb="sm" data-testid="compliance-explained">
            Compliance here is the share of the period each device had a good backup within its SLA, averaged over the client's devices.
            The Clients page shows compliance now: the share of devices meeting their SLA at this moment (the “compliant now” count below).
            Stretches out of SLA shorter than 6 minutes are not breaches; hours are rounded to 0.1 h.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} mb="md">
            {r.clients.filter((c) => c.devices > 0).map((c) => (
              <Paper key={c.client_id} withBorder p="sm" radius="md">
                <Text fw={600}>{c.client_name}</Text>
                <Text size="xl" fw={700} c={c.compliance_percent === null ? 'dimmed' : c.compliance_percent >= 95 ? 'teal' : c.compliance_percent >= 80 ? 'yellow' : 'red'}>
                  {c.compliance_percent === null ? '—' : `${c.compliance_percent.toFixed(1)} %`}
                </Text>
                <Text size="xs" c="dimmed">of the period within SLA · {c.compliant_now} of {c.devices} devices compliant now</Text>
              </Paper>
            ))}
          </SimpleGrid>
          <Table.ScrollContainer minWidth={320}>
            <Table striped>
              <Table.Thead>
                <Table.Tr><Table.Th>Device</Table.Th><Table.Th>Compliance</Table.Th><Table.Th visibleFrom="sm">SLA</Table.Th><Table.Th visibleFrom="sm">Breaches</Table.Th><Table.Th>Now</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...r.devices].sort((a, b) => (a.compliance_percent ?? 101) - (b.compliance_percent ?? 101)).map((d) => (
                  <Table.Tr key={d.device_id}>
                    <Table.Td><Anchor component={Link} to={`/devices/${d.device_id}`} size="sm">{d.device_name}</Anchor><Text size="xs" c="dimmed">{d.client_name} · {d.class}</Text></Table.Td>
                    <Table.Td><Text size="sm" fw={600}>{d.compliance_percent === null ? '—' : `${d.compliance_percent.toFixed(1)} %`}</Text></Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="sm">{d.sla_hours} h</Text></Table.Td>
                    <Table.Td visibleFrom="sm"><Text size="sm">{d.breaches.length} ({d.breached_hours.toFixed(1)} h)</Text></Table.Td>
                    <Table.Td><StatusBadge status={d.status} /></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </>
  );
}
