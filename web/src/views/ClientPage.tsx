// One client: its roll-up, the address its backup products can mail, and its own settings.
import { Anchor, Button, Code, CopyButton, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorNote, PageTitle, StatCard } from '../components/common';
import { Loading } from '../components/Loading';
import { ClientSettings } from './clients/ClientSettings';
import { ConfirmAction, RenameButton } from './device/CheckEditor';
import { useSession } from '../session';

export default function ClientPage() {
  const { id } = useParams();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { can } = useSession();
  const q = useQuery({ queryKey: ['client', id], queryFn: () => unwrap(api.GET('/api/v1/clients/{id}', { params: { path: { id: id! } } })) });
  const path = { params: { path: { id: id! } } };
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: ['client', id] }), qc.invalidateQueries({ queryKey: ['clients'] })]);
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorNote error={q.error} />;
  const c = q.data;
  const pct = c.rollup.compliance_percent;
  return (
    <Stack>
      <div>
        <Anchor component={Link} to="/clients" size="sm">Clients</Anchor>
        <PageTitle title={c.name}>
          <Group gap="xs">
            <Button component={Link} to={`/devices?client=${c.id}`} variant="light" size="xs">Devices</Button>
            <Button component={Link} to={`/reports?client=${c.id}`} variant="light" size="xs">Report</Button>
            {can('operate') && <RenameButton what="client" name={c.name} onRename={(name) => unwrap(api.PATCH('/api/v1/clients/{id}', { ...path, body: { name } })).then(refresh)} />}
            {can('admin') && (
              <ConfirmAction
                label="Delete client"
                title={`Delete ${c.name}?`}
                message={c.device_count > 0 ? `${c.name} still holds ${c.device_count} device(s): they are deleted with it, with every check, job and alert. This cannot be undone.` : `${c.name} holds no devices. Delete it?`}
                onConfirm={async () => {
                  await unwrap(api.DELETE('/api/v1/clients/{id}', { params: { path: { id: c.id }, query: { cascade: c.device_count > 0 } } }));
                  await qc.invalidateQueries({ queryKey: ['clients'] });
                  await navigate('/clients');
                }}
              />
            )}
          </Group>
        </PageTitle>
      </div>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <StatCard fw={700} title="Compliance now" value={pct === null ? '—' : `${Math.round(pct)} %`} note={`${c.rollup.compliant} of ${c.rollup.applicable} meet their SLA`} />
        <StatCard fw={700} title="Devices" value={String(c.device_count)} note={`${c.rollup.bands.critical} critical · ${c.rollup.bands.warning} warning`} />
        <StatCard fw={700} title="Open alerts" value={String(c.open_alerts.critical + c.open_alerts.warning)} note={`${c.open_alerts.critical} critical`} />
        <StatCard fw={700} title="Healthy" value={String(c.rollup.bands.healthy)} note={`${c.rollup.bands.unknown} never reported`} />
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Title order={5}>Inbound e-mail address</Title>
        <Text size="sm" c="dimmed" mb={6}>Point this client’s backup products at this address: mail a product template recognises (Veeam, Acronis, Synology, Proxmox …) creates and updates {c.name}’s devices and checks by itself; other mail is matched against its checks’ rules.</Text>
        <Group gap="xs" wrap="nowrap">
          <Code style={{ wordBreak: 'break-all' }} data-testid="client-address">{c.email_address}</Code>
          <CopyButton value={c.email_address}>{({ copied, copy }) => <Button size="compact-xs" variant="subtle" onClick={copy} style={{ flexShrink: 0 }}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
        </Group>
      </Paper>
      <Title order={4}>Settings for {c.name}</Title>
      <ClientSettings clientId={c.id} />
    </Stack>
  );
}
