// "Correct" in the message drawer: the user says which device and check a message is about and
// what status it really reports; the API proposes the rules that say so (nothing saved yet) and
// shows what they would make of the sender's other stored mail; "Save check" applies them, and the
// sender's waiting mail reports to the check at once.
import { Alert, Anchor, Autocomplete, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type CorrectionProposal, type EmailDetail, type EmailRules, unwrap } from '../../api/client';
import { ErrorNote, StatusBadge, useClients } from '../../components/common';
import { RulesEditor } from '../../components/RulesEditor';
import { ago } from '../../components/format';

const STATUSES = ['succeeded', 'warning', 'failed'] as const;
type Status = (typeof STATUSES)[number];

interface Form {
  client: string;
  device: string;
  check: string;
  status: Status;
}

/** Starts from what Keepwatch read: the generic suggestion, else the template's worst job. */
function initial(m: EmailDetail): Form {
  const job = m.recognised?.jobs[0];
  const s = m.suggestion;
  const read = s?.status ?? (job?.status === 'failed' || job?.status === 'warning' ? job.status : 'succeeded');
  return { client: '', device: s?.device ?? job?.device ?? '', check: s?.check ?? job?.check ?? '', status: read as Status };
}

function Trial({ proposal }: { proposal: CorrectionProposal }) {
  const counts = Object.entries(proposal.summary.by_status).map(([k, n]) => `${n} ${k}`).join(', ');
  return (
    <Stack gap={4} data-testid="correction-trial">
      <Text size="sm" fw={600}>
        {proposal.summary.matched} of {proposal.trial.length} stored message{proposal.trial.length === 1 ? '' : 's'} from this sender match{counts ? `: ${counts}` : ''}
      </Text>
      <Table.ScrollContainer minWidth={320}>
        <Table fz="xs" verticalSpacing={4}>
          <Table.Tbody>
            {proposal.trial.slice(0, 50).map((t) => (
              <Table.Tr key={t.id} opacity={t.matched ? 1 : 0.55}>
                <Table.Td><Text size="xs" fw={500} lineClamp={1}>{t.subject || '(no subject)'}</Text><Text size="xs" c="dimmed">{ago(t.received_at)}</Text></Table.Td>
                <Table.Td>{t.matched ? <StatusBadge status={t.status ?? 'unknown'} /> : <Badge size="xs" color="gray" variant="outline">no match</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

export function CorrectForm({ m }: { m: EmailDetail }) {
  const qc = useQueryClient();
  const { clients } = useClients();
  const [form, setForm] = useState<Form>(() => initial(m));
  const [rules, setRules] = useState<EmailRules | null>(null);
  const body = () => ({ device: form.device.trim(), check: form.check.trim(), status: form.status, client: form.client.trim() || undefined });
  const propose = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/emails/{id}/correction', { params: { path: { id: m.id } }, body: body() })),
    onSuccess: (p) => setRules(p.rules),
  });
  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/emails/{id}/correction/apply', { params: { path: { id: m.id } }, body: { ...body(), rules: rules ?? undefined } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['inbox'] }),
  });
  // A changed form makes the proposal stale: propose again before saving.
  const edit = (f: Form) => {
    setForm(f);
    setRules(null);
    propose.reset();
  };
  const ready = form.device.trim() !== '' && form.check.trim() !== '';
  if (save.data) {
    const r = save.data;
    return (
      <Alert color="teal" data-testid="correction-saved">
        {r.created ? 'Created' : 'Updated'} “{r.check.name}”: {r.reprocessed} message{r.reprocessed === 1 ? '' : 's'} processed again. <Anchor component={Link} to={`/devices/${r.check.device_id}`}>Open the device</Anchor>
      </Alert>
    );
  }
  return (
    <Paper withBorder p="sm" radius="md" data-testid="correct-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">Say what this message reports; Keepwatch proposes the rules that read it so and tries them on this sender’s stored mail before anything is saved.</Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Device" required value={form.device} onChange={(e) => edit({ ...form, device: e.currentTarget.value })} />
          <TextInput label="Check" required value={form.check} onChange={(e) => edit({ ...form, check: e.currentTarget.value })} />
          <Select label="Status" data={[...STATUSES]} value={form.status} allowDeselect={false} onChange={(v) => v && edit({ ...form, status: v as Status })} />
          <Autocomplete label="Client" placeholder="this message’s, or default" data={clients.map((c) => c.name)} value={form.client} onChange={(v) => edit({ ...form, client: v })} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="light" loading={propose.isPending} disabled={!ready} onClick={() => propose.mutate()}>Propose rules</Button>
        </Group>
        <ErrorNote error={propose.error} />
        {propose.data && rules && (
          <>
            <RulesEditor value={rules} onChange={setRules} error={save.error} />
            <Trial proposal={propose.data} />
            <ErrorNote error={save.error} />
            <Group justify="flex-end">
              <Button loading={save.isPending} onClick={() => save.mutate()}>Save check</Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
