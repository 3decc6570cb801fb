// "Create check from this message": the API's draft (matching rules from the sender and the
// generalised subject, status rules from the recognised product), editable, tried against recent
// mail, then saved; the unmatched messages of the same group are processed again and report to it.
import { Alert, Autocomplete, Button, Drawer, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type CheckDraft, type EmailRules, unwrap } from '../../api/client';
import { ErrorNote, useClients } from '../../components/common';
import { RulesEditor, RuleTrialPanel } from '../../components/RulesEditor';
import { Loading } from '../../components/Loading';

const KINDS = ['backup', 'copy', 'replication', 'verification', 'saas_backup'];
const CLASSES = ['server', 'workstation', 'saas'];

interface Form {
  name: string;
  kind: string;
  client: string;
  device: string;
  deviceClass: string;
  email: EmailRules;
}

export interface Created {
  checkName: string;
  deviceId: string;
  deviceName: string;
  reprocessed: number;
}

function fromDraft(d: CheckDraft): Form {
  return { name: d.name, kind: d.kind, client: d.client ?? '', device: d.device.name, deviceClass: 'server', email: d.email };
}

function CheckForm({ emailId, draft, onCreated }: { emailId: string; draft: CheckDraft; onCreated: (c: Created) => void }) {
  const { clients } = useClients();
  const [form, setForm] = useState<Form>(() => fromDraft(draft));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/emails/{id}/check', {
          params: { path: { id: emailId } },
          body: { name: form.name, kind: form.kind as CheckDraft['kind'], client: form.client.trim() || undefined, device: { name: form.device, class: form.deviceClass as 'server' }, email: form.email },
        }),
      ),
    onSuccess: (r) => onCreated({ checkName: r.check.name, deviceId: r.check.device_id, deviceName: form.device, reprocessed: r.reprocessed }),
  });
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Check name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        <Select label="Kind" data={KINDS} value={form.kind} onChange={(v) => v && setForm({ ...form, kind: v })} />
        <Autocomplete label="Client" description="a new name creates the client" placeholder="default" data={clients.map((c) => c.name)} value={form.client} onChange={(v) => setForm({ ...form, client: v })} />
        <TextInput label="Device" required value={form.device} onChange={(e) => setForm({ ...form, device: e.currentTarget.value })} />
        <Select label="Device class" description="for the SLA: server 12 h, workstation 24 h" data={CLASSES} value={form.deviceClass} onChange={(v) => v && setForm({ ...form, deviceClass: v })} />
      </SimpleGrid>
      <RulesEditor value={form.email} onChange={(email) => setForm({ ...form, email })} error={save.error} />
      <RuleTrialPanel rules={form.email} />
      <ErrorNote error={save.error} />
      <Group justify="flex-end">
        <Button loading={save.isPending} disabled={!form.name.trim() || !form.device.trim()} onClick={() => save.mutate()}>Create check</Button>
      </Group>
    </Stack>
  );
}

export function CreateCheckDrawer({ emailId, onClose, onCreated }: { emailId: string | null; onClose: () => void; onCreated: (c: Created) => void }) {
  const draft = useQuery({
    queryKey: ['email', emailId, 'draft'],
    queryFn: () => unwrap(api.GET('/api/v1/emails/{id}/check-draft', { params: { path: { id: emailId! } } })),
    enabled: emailId !== null,
    refetchInterval: false,
    staleTime: Infinity,
  });
  const message = useQuery({ queryKey: ['email', emailId], queryFn: () => unwrap(api.GET('/api/v1/emails/{id}', { params: { path: { id: emailId! } } })), enabled: emailId !== null, refetchInterval: false });
  const objects = message.data?.recognised?.jobs.length ?? 0;
  return (
    <Drawer opened={emailId !== null} onClose={onClose} title="Create a check from this message" position="right" size="xl">
      {objects > 1 && (
        <Alert color="blue" mb="sm" py={8}>
          {message.data!.recognised!.product} reports {objects} objects in one mail. A check made here gets one job per mail, with the worst status. To track each object as its own device, send this product’s mail to a client’s address (on the client’s page) instead.
        </Alert>
      )}
      <Text size="sm" c="dimmed" mb="sm">
        Rules are pre-filled from the message: the sender, the subject with dates, numbers and status words generalised, and the product’s status words. Change anything, test the rules against recent mail, then create the check: the waiting messages like this one report to it at once.
      </Text>
      <ErrorNote error={draft.error} />
      {draft.isPending && <Loading />}
      {draft.data && emailId && <CheckForm key={emailId} emailId={emailId} draft={draft.data} onCreated={onCreated} />}
    </Drawer>
  );
}
