// A connector's platform tenants (VSPC companies, Datto and Acronis customers, Cove partners, Azure
// client groups) and the Keepwatch client each one's jobs go to. Without a mapping a tenant goes to
// the client of exactly its name; a mapping set here wins over that match (docs/connectors.md,
// "Tenants and clients"). The next sync puts the tenant's jobs in the client chosen.
import { Badge, Button, Drawer, Group, Select, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Connector, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { ago, dateTime } from '../../components/format';

/** Select value for "no mapping: match by name". */
const BY_NAME = '';

function TenantTable({ connector }: { connector: Connector }) {
  const qc = useQueryClient();
  const key = ['connector', connector.id, 'tenants'];
  const tenants = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/v1/connectors/{id}/tenants', { params: { path: { id: connector.id } } })) });
  const clients = useQuery({ queryKey: ['clients', 'all'], queryFn: () => unwrap(api.GET('/api/v1/clients', { params: { query: { limit: 500 } } })) });
  const map = useMutation({
    mutationFn: (v: { tenant: string; client: string | null }) =>
      unwrap(api.PUT('/api/v1/connectors/{id}/tenants/{tenant_id}', { params: { path: { id: connector.id, tenant_id: v.tenant } }, body: { client_id: v.client } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const options = (clients.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }));
  const items = tenants.data?.items;
  return (
    <>
      <ErrorNote error={tenants.error ?? clients.error ?? map.error} />
      {items && items.length === 0 && <Text size="sm" c="dimmed">No tenants yet: they appear after the connector’s first sync.</Text>}
      {items && items.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing={6} data-testid="tenant-table">
            <Table.Thead>
              <Table.Tr><Table.Th>Tenant</Table.Th><Table.Th>Client</Table.Th><Table.Th>Same name</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((t) => (
                <Table.Tr key={t.tenant_id} data-tenant={t.tenant_name}>
                  <Table.Td>
                    <Text size="sm" fw={500}>{t.tenant_name}</Text>
                    <Text size="xs" c="dimmed" title={dateTime(t.last_seen_at)}>{t.tenant_id} · seen {ago(t.last_seen_at)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Select
                        size="xs"
                        aria-label={`Client for ${t.tenant_name}`}
                        searchable
                        data={[{ value: BY_NAME, label: `By name (${t.suggestion?.name ?? `new client “${t.tenant_name}”`})` }, ...options]}
                        value={t.mapped ? (t.client_id ?? BY_NAME) : BY_NAME}
                        disabled={map.isPending}
                        onChange={(v) => map.mutate({ tenant: t.tenant_id, client: v === null || v === BY_NAME ? null : v })}
                        style={{ minWidth: 220 }}
                      />
                      <Badge size="xs" variant="light" color={t.mapped ? 'blue' : 'gray'}>{t.mapped ? 'mapped' : 'by name'}</Badge>
                    </Group>
                    <Text size="xs" c="dimmed" data-testid="tenant-client">jobs go to {t.client_name}</Text>
                  </Table.Td>
                  <Table.Td>
                    {t.suggestion ? (
                      <Group gap={4} wrap="nowrap">
                        <Text size="xs">{t.suggestion.name}</Text>
                        {t.mapped && t.client_id !== t.suggestion.id && (
                          <Button size="compact-xs" variant="subtle" onClick={() => map.mutate({ tenant: t.tenant_id, client: null })}>use</Button>
                        )}
                      </Group>
                    ) : (
                      <Text size="xs" c="dimmed">none</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}

/** The "Tenants → clients" button of a connector's card, and the drawer it opens. */
export function ConnectorTenants({ connector }: { connector: Connector }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="compact-xs" variant="subtle" mt={4} onClick={() => setOpen(true)}>Tenants → clients</Button>
      <Drawer opened={open} onClose={() => setOpen(false)} title={`Tenants → clients: ${connector.name}`} position="right" size="xl">
        <Text size="sm" c="dimmed" mb="sm">
          Each tenant the platform reports goes to the client of exactly its name (case and spaces aside), or to a new client of its name. Choose a client to map it instead: a mapping wins over the name match. The next sync puts its jobs there.
        </Text>
        {open && <TenantTable connector={connector} />}
      </Drawer>
    </>
  );
}
