import { Anchor, Group, Progress, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState, ErrorNote, FirstJobHint, PageTitle, useClients } from '../components/common';
import { STATUS_COLORS } from '../components/format';

const BANDS = ['healthy', 'warning', 'critical', 'unknown'] as const;

export default function Clients() {
  const { clients, query } = useClients();
  const visible = clients.filter((c) => c.device_count > 0 || clients.length === 1);
  return (
    <>
      <PageTitle title="Clients" />
      <ErrorNote error={query.error} />
      {query.isSuccess && visible.every((c) => c.device_count === 0) && (
        <EmptyState title="No client has devices yet">
          <FirstJobHint />
        </EmptyState>
      )}
      <Table.ScrollContainer minWidth={320}>
        <Table highlightOnHover verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Client</Table.Th>
              <Table.Th>
                <Tooltip multiline w={260} label="Share of the client's devices that meet their SLA at this moment. The SLA report shows another figure: the share of time within SLA over a period.">
                  <span>Compliance now</span>
                </Tooltip>
              </Table.Th>
              <Table.Th visibleFrom="sm">Devices by status</Table.Th>
              <Table.Th>Open alerts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map((c) => {
              const total = BANDS.reduce((n, b) => n + c.rollup.bands[b], 0) || 1;
              const pct = c.rollup.compliance_percent;
              return (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/clients/${c.id}`} fw={600} size="sm">{c.name}</Anchor>
                    <Text size="xs" c="dimmed"><Anchor component={Link} to={`/devices?client=${c.id}`} size="xs" c="dimmed">{c.device_count} devices</Anchor></Text>
                    <Text size="xs" c="dimmed" visibleFrom="sm" style={{ wordBreak: 'break-all' }} title="Backup products can mail this address">✉ {c.email_address}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fw={700} c={pct === null ? 'dimmed' : pct >= 95 ? 'teal' : pct >= 80 ? 'yellow' : 'red'}>{pct === null ? '—' : `${Math.round(pct)} %`}</Text>
                    <Text size="xs" c="dimmed">{c.rollup.compliant} of {c.rollup.applicable} meet their SLA now · <Anchor component={Link} to={`/reports?client=${c.id}`} size="xs">over 30 days</Anchor></Text>
                  </Table.Td>
                  <Table.Td visibleFrom="sm" miw={200}>
                    <Progress.Root size="lg">
                      {BANDS.map((b) => (
                        <Tooltip key={b} label={`${c.rollup.bands[b]} ${b}`}>
                          <Progress.Section value={(100 * c.rollup.bands[b]) / total} color={STATUS_COLORS[b]} />
                        </Tooltip>
                      ))}
                    </Progress.Root>
                    <Group gap="xs" mt={4}>
                      {BANDS.filter((b) => c.rollup.bands[b] > 0).map((b) => <Text key={b} size="xs" c={STATUS_COLORS[b]}>{c.rollup.bands[b]} {b}</Text>)}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to="/alerts" size="sm" c={c.open_alerts.critical ? 'red' : c.open_alerts.warning ? 'yellow.8' : 'dimmed'}>
                      {c.open_alerts.critical} critical · {c.open_alerts.warning} warning
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
