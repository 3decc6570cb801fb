// A check's e-mail: the address that reports to it, and its matching and status rules — view,
// edit, try against recent mail, save.
import { Alert, Button, Code, CopyButton, Drawer, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Check, type EmailRules, unwrap } from '../../api/client';
import { ConfirmButton, ErrorNote } from '../../components/common';
import { RulesEditor, RuleTrialPanel } from '../../components/RulesEditor';
import { useSession } from '../../session';

const EMPTY: EmailRules = { match: [], status: [] };

function Address({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
      <Group gap="xs" wrap="nowrap">
        <Code style={{ wordBreak: 'break-all' }} data-testid={label === 'E-mail address' ? 'check-address' : undefined}>{value}</Code>
        <CopyButton value={value}>{({ copied, copy }) => <Button size="compact-xs" variant="subtle" onClick={copy} style={{ flexShrink: 0 }}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
      </Group>
    </div>
  );
}

function Editor({ check, onSaved }: { check: Check; onSaved: () => void }) {
  const { can } = useSession();
  const [rules, setRules] = useState<EmailRules>(check.email ?? EMPTY);
  const save = useMutation({
    mutationFn: (email: EmailRules | null) => unwrap(api.PATCH('/api/v1/checks/{id}', { params: { path: { id: check.id } }, body: { email } })),
    onSuccess: onSaved,
  });
  const readOnly = !can('operate');
  return (
    <Stack>
      {!check.email && <Text size="sm" c="dimmed">No rules: only mail sent to the address above reports to this check, and every such mail is a success. Add matching rules to catch mail sent to the inbox address too.</Text>}
      <RulesEditor value={rules} onChange={setRules} error={save.error} disabled={readOnly} />
      <RuleTrialPanel rules={rules} />
      <ErrorNote error={save.error} />
      {save.isSuccess && <Alert color="teal" py={6}>Saved: the next message is judged by these rules.</Alert>}
      {!readOnly && (
        <Group justify="flex-end">
          {check.email && <ConfirmButton label="Remove rules" variant="subtle" title="Remove this check’s e-mail rules?" message="Mail to the check’s own address still reports to it, as a success." onConfirm={() => save.mutateAsync(null)} />}
          <Button loading={save.isPending} onClick={() => save.mutate((rules.match ?? []).length + (rules.status ?? []).length === 0 ? null : rules)}>Save rules</Button>
        </Group>
      )}
    </Stack>
  );
}

export function CheckEmailDrawer({ check, onClose }: { check: Check | null; onClose: () => void }) {
  const qc = useQueryClient();
  return (
    <Drawer opened={check !== null} onClose={onClose} title={check ? `E-mail for “${check.name}”` : ''} position="right" size="xl">
      {check && (
        <Stack>
          <Address label="E-mail address" value={check.email_address} />
          <Text size="sm" c="dimmed">A status mail sent here reports to this check whatever its sender and subject. Scripts can ping the URL instead:</Text>
          <Address label="Ping URL" value={check.ping_url} />
          <Editor key={check.id} check={check} onSaved={() => void qc.invalidateQueries({ queryKey: ['device'] })} />
        </Stack>
      )}
    </Drawer>
  );
}
