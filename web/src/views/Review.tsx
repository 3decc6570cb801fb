// The daily review (issue 22, docs/review.md): every failed and warning run nobody has reviewed yet,
// oldest first, grouped by client and device, worked through from the keyboard (j/k, x, r, t, ?).
import { Badge, Box, Checkbox, Grid, Group, Kbd, Alert as Notice, Paper, Select, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { EmptyState, ErrorNote, PageTitle, StatusBadge, useClients } from '../components/common';
import { dateTime } from '../components/format';
import { useSession } from '../session';
import { openTicket, type QueueClient, type QueueDevice, type ReviewedJob, reviewJob, reviewJobs, useReviewQueue } from './review/api';
import { KeyHelp } from './review/KeyHelp';
import { NoteBox, type NoteDraft } from './review/NoteBox';
import { RunPane } from './review/RunPane';

interface Run {
  job: ReviewedJob;
  device: QueueDevice;
  client: QueueClient;
}

const SINCE = [
  { value: '', label: 'Last 7 days' },
  { value: '1', label: 'Last 24 hours' },
  { value: '3', label: 'Last 3 days' },
  { value: '14', label: 'Last 14 days' },
  { value: '30', label: 'Last 30 days' },
];

/** Keys belong to the page, not to whatever is being typed into. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export default function Review() {
  const { can } = useSession();
  const operate = can('operate');
  const qc = useQueryClient();
  const { clients } = useClients();
  const [params, setParams] = useSearchParams();
  const client = params.get('client') ?? undefined;
  const sinceDays = params.get('since') ?? '';
  const since = useMemo(() => (sinceDays ? new Date(Date.now() - Number(sinceDays) * 86_400_000).toISOString() : undefined), [sinceDays]);
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const queue = useReviewQueue({ client, since });

  // Runs reviewed here leave the list at once, until the queue has been fetched again (after which
  // the server's answer decides: a review undone elsewhere brings its run back).
  const [gone, setGone] = useState<ReadonlyMap<string, number>>(new Map());
  const fetchedAt = queue.dataUpdatedAt;
  const runs: Run[] = useMemo(() => {
    const out: Run[] = [];
    for (const c of queue.data?.clients ?? []) for (const d of c.devices) for (const j of d.jobs) if ((gone.get(j.id) ?? 0) <= fetchedAt) out.push({ job: j, device: d, client: c });
    return out;
  }, [queue.data, gone, fetchedAt]);

  // The cursor follows a run; when that run leaves the list, it stays at the same place, which is the next run.
  const [cursor, setCursor] = useState<{ id: string | null; index: number }>({ id: null, index: 0 });
  let index = cursor.id ? runs.findIndex((r) => r.job.id === cursor.id) : -1;
  if (index === -1) index = Math.max(0, Math.min(cursor.index, runs.length - 1));
  const current = runs[index] ?? null;
  const moveTo = (i: number) => {
    const n = Math.max(0, Math.min(i, runs.length - 1));
    if (runs[n]) setCursor({ id: runs[n].job.id, index: n });
  };

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const chosen = runs.filter((r) => selected.has(r.job.id)).map((r) => r.job.id);
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const [draft, setDraft] = useState<NoteDraft | null>(null);
  const [help, setHelp] = useState(false);
  const [summary, setSummary] = useState<{ color: string; text: string } | null>(null);

  const afterReview = (ids: string[]) => {
    const done = new Set(ids);
    // The next run after the current one that is still to do (else the one before it).
    const after = runs.slice(index).find((r) => !done.has(r.job.id)) ?? [...runs.slice(0, index)].reverse().find((r) => !done.has(r.job.id));
    const remaining = runs.filter((r) => !done.has(r.job.id));
    const now = Date.now();
    setGone(new Map([...gone, ...ids.map((id) => [id, now] as const)]));
    setCursor(after ? { id: after.job.id, index: remaining.indexOf(after) } : { id: null, index: 0 });
    setSelected(new Set([...selected].filter((id) => !done.has(id))));
    for (const key of ['reviews', 'grid', 'device', 'job']) void qc.invalidateQueries({ queryKey: [key] });
  };
  const submit = useMutation({
    mutationFn: async ({ ids, note, ticket }: { ids: string[]; note: string; ticket: string }) => {
      const body = { note: note.trim() || undefined, ticket: ticket.trim() || undefined };
      if (ids.length === 1 && chosen.length === 0) {
        await reviewJob(ids[0]!, body);
        return { done: ids, failed: [] as Array<{ job_id: string; error?: string }> };
      }
      const { items } = await reviewJobs(ids, body);
      return { done: items.filter((i) => i.ok).map((i) => i.job_id), failed: items.filter((i) => !i.ok) };
    },
    onSuccess: ({ done, failed }) => {
      setDraft(null);
      afterReview(done);
      const head = `${done.length} ${done.length === 1 ? 'run' : 'runs'} reviewed.`;
      setSummary(failed.length === 0 ? { color: 'teal', text: head } : { color: 'orange', text: `${head} ${failed.length} could not be (${[...new Set(failed.map((f) => f.error ?? 'refused'))].join(', ')}).` });
    },
  });
  const ticket = useMutation({
    mutationFn: (id: string) => openTicket(id),
    onSuccess: ({ ticket: ref }) => {
      setSummary({ color: 'blue', text: `Ticket ${ref} opened.` });
      setDraft({ note: '', ticket: ref });
    },
    onError: (err) => setSummary({ color: 'red', text: `No ticket: ${err instanceof Error ? err.message : String(err)}` }),
  });
  const targets = chosen.length > 0 ? chosen : current ? [current.job.id] : [];
  const subject = chosen.length > 0 ? `${chosen.length} selected ${chosen.length === 1 ? 'run' : 'runs'}` : current ? `${current.device.name}, ${dateTime(current.job.ended_at ?? current.job.started_at)}` : '';

  // One listener, always calling the latest handler.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (e.key === '?') {
      setHelp((h) => !h);
    } else if (e.key === 'Escape' && draft) {
      setDraft(null);
    } else if (help || draft) {
      return;
    } else if (e.key === 'j') {
      moveTo(index + 1);
    } else if (e.key === 'k') {
      moveTo(index - 1);
    } else if (e.key === 'x' && operate && current) {
      toggle(current.job.id);
    } else if (e.key === 'r' && operate && targets.length > 0) {
      submit.reset();
      setDraft({ note: '', ticket: '' });
    } else if (e.key === 't' && operate && current && !ticket.isPending) {
      ticket.mutate(current.job.id);
    } else {
      return;
    }
    e.preventDefault();
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
  // Keep the current run on screen as j/k walk the list.
  const currentId = current?.job.id;
  useEffect(() => {
    if (currentId) document.querySelector(`[data-review-job="${currentId}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [currentId]);

  const data = queue.data;
  let lastClient = '';
  let lastDevice = '';
  return (
    <>
      <PageTitle title="Review">
        <Text size="sm" c="dimmed">
          <Kbd>j</Kbd> <Kbd>k</Kbd> move · <Kbd>x</Kbd> select · <Kbd>r</Kbd> review · <Kbd>t</Kbd> ticket · <Kbd>?</Kbd> keys
        </Text>
      </PageTitle>
      <Group mb="md" gap="sm" align="flex-end">
        <Select placeholder="All clients" aria-label="Client" clearable searchable data={clients.map((c) => ({ value: c.id, label: c.name }))} value={client ?? null} onChange={(v) => set('client', v)} w={{ base: '100%', sm: 220 }} />
        <Select aria-label="Since" data={SINCE} value={sinceDays} onChange={(v) => set('since', v || null)} allowDeselect={false} w={{ base: '100%', sm: 170 }} />
        {data && data.total > 0 && <Text size="sm" c="dimmed" data-testid="queue-total">{data.total} {data.total === 1 ? 'run' : 'runs'} to review{data.truncated ? ` (the oldest are listed; review them to see more)` : ''}</Text>}
      </Group>
      <ErrorNote error={queue.error} />
      {summary && <Notice color={summary.color} mb="sm" withCloseButton onClose={() => setSummary(null)} data-testid="review-summary">{summary.text}</Notice>}
      {!operate && data && runs.length > 0 && <Text size="sm" c="dimmed" mb="sm">You can read the queue; reviewing runs takes the operator role.</Text>}
      {queue.isSuccess && runs.length === 0 && (
        <EmptyState title="Nothing to review">
          <Text size="sm" c="dimmed">Every failed and warning run {client ? 'of this client ' : ''}in this period has been reviewed. New ones appear here as they are reported.</Text>
        </EmptyState>
      )}
      {runs.length > 0 && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 7 }}>
            {draft && <NoteBox key={draft.ticket} subject={subject} initial={draft} onClose={() => setDraft(null)} busy={submit.isPending} error={submit.error} onSubmit={(d) => submit.mutate({ ids: targets, ...d })} />}
            {chosen.length > 0 && (
              <Group gap="xs" mb="xs" data-testid="selection-bar">
                <Badge variant="light">{chosen.length} selected</Badge>
                <Text size="xs" c="dimmed">r reviews them together</Text>
              </Group>
            )}
            <Paper withBorder radius="md" data-testid="review-list" role="listbox" aria-label="Runs to review" aria-activedescendant={current ? `run-${current.job.id}` : undefined}>
              {runs.map((r, i) => {
                const headers = [];
                if (r.client.id !== lastClient) {
                  lastClient = r.client.id;
                  lastDevice = '';
                  headers.push(
                    <Group key={`c-${r.client.id}`} px="sm" py={6} bg="var(--mantine-color-default-hover)" data-review-client={r.client.name} justify="space-between">
                      <Text fw={700} size="sm">{r.client.name}</Text>
                      <Text size="xs" c="dimmed">{r.client.count}</Text>
                    </Group>,
                  );
                }
                if (r.device.id !== lastDevice) {
                  lastDevice = r.device.id;
                  headers.push(
                    <Group key={`d-${r.device.id}`} pl="lg" pr="sm" pt={6} pb={2} data-review-device={r.device.name} justify="space-between">
                      <Text fw={600} size="sm">{r.device.name}</Text>
                      <Text size="xs" c="dimmed">{r.device.count}</Text>
                    </Group>,
                  );
                }
                const isCurrent = i === index;
                return [
                  ...headers,
                  <Group
                    key={r.job.id}
                    id={`run-${r.job.id}`}
                    role="option"
                    aria-selected={isCurrent}
                    data-review-job={r.job.id}
                    data-device={r.device.name}
                    data-current={isCurrent || undefined}
                    gap="sm"
                    wrap="nowrap"
                    pl="xl"
                    pr="sm"
                    py={6}
                    onClick={() => moveTo(i)}
                    style={{ cursor: 'pointer', borderLeft: `3px solid ${isCurrent ? 'var(--mantine-color-blue-6)' : 'transparent'}`, background: isCurrent ? 'var(--mantine-color-blue-light)' : undefined }}
                  >
                    {operate && <Checkbox size="xs" aria-label={`Select ${r.device.name} ${r.job.ended_at ?? ''}`} checked={selected.has(r.job.id)} onChange={() => toggle(r.job.id)} onClick={(e) => e.stopPropagation()} />}
                    <StatusBadge status={r.job.status} />
                    <Text size="sm" style={{ flexShrink: 0 }}>{dateTime(r.job.ended_at ?? r.job.started_at)}</Text>
                    <Box style={{ minWidth: 0, flex: 1 }}>
                      <Text size="xs" c="dimmed" lineClamp={1}>{r.job.check_name ? `${r.job.check_name} · ` : ''}{r.job.message ?? r.job.reason ?? ''}</Text>
                    </Box>
                  </Group>,
                ];
              })}
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Box style={{ position: 'sticky', top: 72 }}>
              <Paper withBorder radius="md" p="sm">
                {current ? <RunPane job={current.job} device={current.device.name} client={current.client.name} /> : null}
              </Paper>
              {ticket.isPending && <Text size="sm" c="dimmed" mt="xs">Opening a ticket…</Text>}
            </Box>
          </Grid.Col>
        </Grid>
      )}
      <KeyHelp opened={help} onClose={() => setHelp(false)} />
    </>
  );
}
