// Acknowledge or dismiss: one dialog for a row, the detail drawer and a selection of many. Every
// call goes to the bulk endpoints, which answer a result per id (one id for a single alert).
import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type paths, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';

export type AlertActionKind = 'acknowledge' | 'dismiss';
type BulkResult = paths['/api/v1/alerts/acknowledge']['post']['responses'][200]['content']['application/json']['results'][number];

/** How long a dismissal hides alerts; '' is the client's own dismissal period. */
const HIDE_FOR = [
  { value: '', label: 'The client’s dismissal period (24 h unless set)' },
  { value: '4', label: '4 hours' },
  { value: '72', label: '3 days' },
  { value: '168', label: '7 days' },
  { value: '720', label: '30 days' },
];

async function perform(kind: AlertActionKind, ids: string[], note: string, hideHours: string): Promise<BulkResult[]> {
  if (kind === 'acknowledge') return (await unwrap(api.POST('/api/v1/alerts/acknowledge', { body: { ids, note: note || undefined } }))).results;
  const until = hideHours ? new Date(Date.now() + Number(hideHours) * 3_600_000).toISOString() : undefined;
  return (await unwrap(api.POST('/api/v1/alerts/dismiss', { body: { ids, note: note || undefined, until } }))).results ?? [];
}

/** What happened, in a sentence: how many were done, and why the others were not. */
export function summarise(kind: AlertActionKind, results: BulkResult[]): string {
  const verb = kind === 'acknowledge' ? 'acknowledged' : 'dismissed';
  const done = results.filter((r) => r.result === 'done').length;
  const refused = results.filter((r) => r.result === 'not_found' || r.result === 'conflict');
  const head = `${done} ${done === 1 ? 'alert' : 'alerts'} ${verb}.`;
  if (refused.length === 0) return head;
  const reasons = [...new Set(refused.map((r) => (r.result === 'not_found' ? 'no longer there' : `already ${r.state}`)))].join(', ');
  return `${head} ${refused.length} could not be (${reasons}).`;
}

export function AlertActionButton(props: {
  kind: AlertActionKind;
  ids: string[];
  /** What the dialog names: the alert's title, or "3 alerts". */
  subject: string;
  label?: string;
  onDone: (summary: string) => void;
  size?: string;
  variant?: string;
}) {
  const { kind, ids } = props;
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [hideFor, setHideFor] = useState('');
  const verb = kind === 'acknowledge' ? 'Acknowledge' : 'Dismiss';
  const m = useMutation({
    mutationFn: () => perform(kind, ids, note, hideFor),
    onSuccess: (results) => {
      setOpen(false);
      setNote('');
      props.onDone(summarise(kind, results));
    },
  });
  const color = kind === 'acknowledge' ? 'yellow' : 'red';
  return (
    <>
      <Button size={props.size ?? 'xs'} variant={props.variant ?? 'light'} color={color} onClick={() => setOpen(true)}>
        {props.label ?? verb}
      </Button>
      {/* Above the detail drawer, which it may be opened from. */}
      <Modal opened={open} onClose={() => setOpen(false)} title={ids.length === 1 ? `${verb} alert` : `${verb} ${ids.length} alerts`} centered zIndex={300}>
        <Stack>
          <Text size="sm">{props.subject}</Text>
          {kind === 'dismiss' && (
            <>
              <Text size="sm" c="dimmed">Dismissing hides an alert but fixes nothing: if its condition still holds when the dismissal runs out, it is raised again.</Text>
              <Select label="Hide for" data={HIDE_FOR} value={hideFor} onChange={(v) => setHideFor(v ?? '')} allowDeselect={false} />
            </>
          )}
          <Textarea label={kind === 'acknowledge' ? 'Note (what you are doing about it)' : 'Note (why)'} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} data-autofocus />
          <ErrorNote error={m.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button color={color} loading={m.isPending} onClick={() => m.mutate()}>{verb}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
