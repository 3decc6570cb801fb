// A check's e-mail rules (docs/email.md): matching rules (every one must hold) and status rules
// (failed first, then warning, then succeeded), and a trial of draft rules against the most
// recent stored messages before they are saved.
import { ActionIcon, Badge, Button, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, type EmailRules, type MatchRule, type StatusRule, unwrap } from '../api/client';
import { ErrorNote, StatusBadge } from './common';
import { ago } from './format';

const MATCH_FIELDS = ['from', 'to', 'subject'] as const;
const STATUS_FIELDS = ['subject', 'body'] as const;
const OPS = ['contains', 'equals', 'regex'] as const;
const STATUSES = ['failed', 'warning', 'succeeded'] as const;
const DEFAULTS = [
  { value: 'failed', label: 'failed (a mail nobody understood is worth a look)' },
  { value: 'succeeded', label: 'succeeded' },
  { value: 'ignore', label: 'ignore (no job)' },
];

const fieldError = (error: unknown, path: string) => (error instanceof ApiError ? error.problem?.errors?.find((e) => e.field === path)?.message : undefined);

function RemoveButton({ onClick, disabled }: { onClick: () => void; disabled?: boolean }) {
  return (
    <ActionIcon variant="subtle" color="gray" aria-label="Remove rule" onClick={onClick} disabled={disabled}>
      <IconX size={14} />
    </ActionIcon>
  );
}

export function RulesEditor({ value, onChange, error, disabled }: { value: EmailRules; onChange: (v: EmailRules) => void; error?: unknown; disabled?: boolean }) {
  const match = value.match ?? [];
  const status = value.status ?? [];
  const setMatch = (m: MatchRule[]) => onChange({ ...value, match: m });
  const setStatus = (s: StatusRule[]) => onChange({ ...value, status: s });
  return (
    <Stack gap="sm" data-testid="rules-editor">
      <div>
        <Text size="sm" fw={600}>Matching rules</Text>
        <Text size="xs" c="dimmed" mb={4}>Every rule must hold for a mail to report to this check. Case does not matter; regexes are RE2.</Text>
        {match.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity of their own; a row is its position
          <Group key={i} gap={4} mb={4} wrap="wrap" align="flex-start" data-testid="match-rule">
            <Select size="xs" w={96} aria-label="Field" data={[...MATCH_FIELDS]} value={r.field} disabled={disabled} onChange={(v) => v && setMatch(match.map((x, j) => (j === i ? { ...x, field: v as MatchRule['field'] } : x)))} />
            <Select size="xs" w={104} aria-label="Operator" data={[...OPS]} value={r.op} disabled={disabled} onChange={(v) => v && setMatch(match.map((x, j) => (j === i ? { ...x, op: v as MatchRule['op'] } : x)))} />
            <TextInput size="xs" aria-label="Value" style={{ flex: '1 1 180px' }} value={r.value} disabled={disabled} error={fieldError(error, `email.match[${i}].value`)} onChange={(e) => setMatch(match.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} />
            <RemoveButton disabled={disabled} onClick={() => setMatch(match.filter((_, j) => j !== i))} />
          </Group>
        ))}
        {!disabled && <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={12} />} onClick={() => setMatch([...match, { field: 'subject', op: 'contains', value: '' }])}>Add a matching rule</Button>}
      </div>
      <div>
        <Text size="sm" fw={600}>Status rules</Text>
        <Text size="xs" c="dimmed" mb={4}>Tried failed first, then warning, then succeeded; the first that holds decides. With a line name, only that body line’s value is read (e.g. Status: Completed). No status rules: every mail is a success.</Text>
        {status.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity of their own; a row is its position
          <Group key={i} gap={4} mb={4} wrap="wrap" align="flex-start" data-testid="status-rule">
            <Select size="xs" w={96} aria-label="Field" data={[...STATUS_FIELDS]} value={r.field} disabled={disabled} onChange={(v) => v && setStatus(status.map((x, j) => (j === i ? { ...x, field: v as StatusRule['field'], name: v === 'body' ? x.name : null } : x)))} />
            {r.field === 'body' && <TextInput size="xs" w={110} aria-label="Line name" placeholder="any line" value={r.name ?? ''} disabled={disabled} onChange={(e) => setStatus(status.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value || null } : x)))} />}
            <Select size="xs" w={104} aria-label="Operator" data={[...OPS]} value={r.op} disabled={disabled} onChange={(v) => v && setStatus(status.map((x, j) => (j === i ? { ...x, op: v as StatusRule['op'] } : x)))} />
            <TextInput size="xs" aria-label="Value" style={{ flex: '1 1 140px' }} value={r.value} disabled={disabled} error={fieldError(error, `email.status[${i}].value`)} onChange={(e) => setStatus(status.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} />
            <Text size="xs" mt={6}>→</Text>
            <Select size="xs" w={112} aria-label="Status" data={[...STATUSES]} value={r.status} disabled={disabled} onChange={(v) => v && setStatus(status.map((x, j) => (j === i ? { ...x, status: v as StatusRule['status'] } : x)))} />
            <RemoveButton disabled={disabled} onClick={() => setStatus(status.filter((_, j) => j !== i))} />
          </Group>
        ))}
        {!disabled && <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={12} />} onClick={() => setStatus([...status, { field: 'subject', op: 'contains', value: '', status: 'failed' }])}>Add a status rule</Button>}
      </div>
      {status.length > 0 && (
        <Select size="xs" label="When no status rule holds and no product template recognises the mail" data={DEFAULTS} value={value.default_status ?? 'failed'} disabled={disabled} onChange={(v) => v && onChange({ ...value, default_status: v as EmailRules['default_status'] })} maw={420} />
      )}
    </Stack>
  );
}

/** Runs draft rules against the last N stored messages and shows which match, with what status. */
export function RuleTrialPanel({ rules }: { rules: EmailRules }) {
  const [limit, setLimit] = useState<number>(100);
  const [showAll, setShowAll] = useState(false);
  const trial = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/emails/test-rules', { body: { email: rules, limit } })) });
  const items = trial.data?.items ?? [];
  const shown = (showAll ? items : items.filter((t) => t.matched)).slice(0, 100);
  return (
    <Paper withBorder p="sm" radius="md">
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Button size="xs" variant="light" loading={trial.isPending} onClick={() => trial.mutate()}>Test rules</Button>
        <NumberInput size="xs" w={120} label="against the last" min={1} max={500} value={limit} onChange={(v) => setLimit(Number(v) || 100)} suffix=" mails" />
      </Group>
      <ErrorNote error={trial.error} />
      {trial.data && (
        <Stack gap={4} mt="sm" data-testid="rule-trial">
          <Group gap="xs">
            <Text size="sm" fw={600}>{trial.data.matched} of {items.length} recent messages match</Text>
            <Button size="compact-xs" variant="subtle" onClick={() => setShowAll(!showAll)}>{showAll ? 'Only matches' : 'Show all'}</Button>
          </Group>
          {shown.length > 0 && (
            <Table.ScrollContainer minWidth={320}>
              <Table fz="xs" verticalSpacing={4}>
                <Table.Thead><Table.Tr><Table.Th>Message</Table.Th><Table.Th>Verdict</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {shown.map((t) => (
                    <Table.Tr key={t.id} opacity={t.matched ? 1 : 0.55} data-matched={t.matched}>
                      <Table.Td><Text size="xs" fw={500} lineClamp={1}>{t.subject || '(no subject)'}</Text><Text size="xs" c="dimmed">{t.from} · {ago(t.received_at)}</Text></Table.Td>
                      <Table.Td>{t.matched ? <Group gap={4} wrap="nowrap"><StatusBadge status={t.status ?? 'unknown'} /><Text size="xs" c="dimmed" lineClamp={1}>{t.reason ?? ''}</Text></Group> : <Badge size="xs" color="gray" variant="outline">no match</Badge>}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      )}
    </Paper>
  );
}
