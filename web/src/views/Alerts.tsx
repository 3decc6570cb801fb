import { Anchor, Button, Checkbox, Group, Alert as Notice, Paper, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { type Alert, api, type paths, unwrap } from '../api/client';
import { ConfirmButton, EmptyState, ErrorNote, PageTitle, StatusBadge, useClients } from '../components/common';
import { ago, label } from '../components/format';
import { useSession } from '../session';
import { AlertActionButton } from './alerts/AlertAction';
import { AlertDrawer } from './alerts/AlertDrawer';
import { useOpenAlertCount } from './alerts/open-count';
import { TagFilter } from './tags/Tags';

const VIEWS = { open: 'open', acknowledged: 'acknowledged', history: 'resolved,dismissed' } as const;
type View = keyof typeof VIEWS;
type Query = NonNullable<paths['/api/v1/alerts']['get']['parameters']['query']>;
type AlertType = NonNullable<Query['type']>;
type Severity = NonNullable<Query['severity']>;

const SEVERITIES: Severity[] = ['critical', 'warning', 'info'];
// Written as a record so that a new alert type the API knows and this list lacks fails the build.
const TYPES = Object.keys({
  job_failed: 1, job_warning: 1, missed_schedule: 1, backup_overdue: 1, copy_overdue: 1, saas_overdue: 1, saas_degraded: 1, replication_unhealthy: 1, verification_failed: 1,
  storage_quota: 1, purge_blocked: 1, destructive_operation: 1, integration_auth: 1, integration_quota: 1, device_silent: 1, size_anomaly: 1, run_too_long: 1, channel_failing: 1,
  review_overdue: 1,
  collector_stale: 1,
} satisfies Record<AlertType, 1>) as AlertType[];

function group(items: Alert[]): Array<{ clientId: string | null; name: string; alerts: Alert[] }> {
  const map = new Map<string, { clientId: string | null; name: string; alerts: Alert[] }>();
  for (const a of items) {
    const key = a.client_id ?? '';
    const g = map.get(key) ?? { clientId: a.client_id, name: a.client_name ?? 'Integrations', alerts: [] };
    g.alerts.push(a);
    map.set(key, g);
  }
  return [...map.values()].sort((x, y) => x.name.localeCompare(y.name));
}

/** A checkbox for a set of alerts: checked when all are selected, indeterminate when some are. */
function SelectBox({ ids, selected, onChange, label: aria }: { ids: string[]; selected: ReadonlySet<string>; onChange: (ids: string[], on: boolean) => void; label: string }) {
  const n = ids.filter((i) => selected.has(i)).length;
  return <Checkbox aria-label={aria} checked={n > 0 && n === ids.length} indeterminate={n > 0 && n < ids.length} onChange={(e) => onChange(ids, e.currentTarget.checked)} />;
}

export default function Alerts() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const { can } = useSession();
  const qc = useQueryClient();
  const { clients } = useClients();
  const openCount = useOpenAlertCount();
  // The tab, filters and search live in the address, so opening an alert (and closing it) keeps them.
  const view: View = (Object.keys(VIEWS) as View[]).find((v) => v === params.get('view')) ?? 'open';
  const filters = { severity: (params.get('severity') ?? undefined) as Severity | undefined, type: (params.get('type') ?? undefined) as AlertType | undefined, client: params.get('client') ?? undefined, q: params.get('q') ?? undefined, tag: params.getAll('tag').length ? params.getAll('tag') : undefined };
  const filtered = Boolean(filters.severity || filters.type || filters.client || filters.q || filters.tag);
  const setTags = (tags: string[]) => {
    const next = new URLSearchParams(params);
    next.delete('tag');
    for (const t of tags) next.append('tag', t);
    setParams(next, { replace: true });
  };
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const [search, setSearch] = useState(filters.q ?? '');
  const [typed] = useDebouncedValue(search.trim(), 250);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new search is written to the address
  useEffect(() => {
    if (typed !== (filters.q ?? '')) set('q', typed);
  }, [typed]);
  // The newest 100 first: a screen of alerts is read top-down; more on request.
  const [limit, setLimit] = useState(100);
  const list = useQuery({
    queryKey: ['alerts', 'list', view, filters, limit],
    queryFn: () => unwrap(api.GET('/api/v1/alerts', { params: { query: { state: VIEWS[view], limit, ...filters } } })),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
  // A selection belongs to one view and one set of filters.
  const selectionKey = JSON.stringify([view, filters]);
  const [selection, setSelection] = useState<{ key: string; ids: ReadonlySet<string> }>({ key: selectionKey, ids: new Set() });
  const selected = selection.key === selectionKey ? selection.ids : new Set<string>();
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const i of ids) (on ? next.add(i) : next.delete(i));
    setSelection({ key: selectionKey, ids: next });
  };
  const [summary, setSummary] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['alerts'] });
  const afterBulk = (s: string) => {
    setSummary(s);
    setSelection({ key: selectionKey, ids: new Set() });
    refresh();
  };
  const dismissGroup = (body: { client?: string; all?: boolean }) => unwrap(api.POST('/api/v1/alerts/dismiss', { body })).then(refresh);
  const items = list.data?.items ?? [];
  const active = view !== 'history';
  const operate = active && can('operate');
  const chosen = items.filter((a) => selected.has(a.id)).map((a) => a.id);
  const keep = params.toString() ? `?${params.toString()}` : '';
  return (
    <>
      <PageTitle title="Alerts">
        <Group gap="sm">
          <SegmentedControl
            value={view}
            onChange={(v) => set('view', v === 'open' ? null : v)}
            data={[
              { value: 'open', label: <>Open{openCount !== undefined && <> <Text span inherit fw={700} c={openCount > 0 ? 'red' : 'dimmed'} data-testid="open-tab-count">{openCount}</Text></>}</> },
              { value: 'acknowledged', label: 'Acknowledged' },
              { value: 'history', label: 'History' },
            ]}
          />
          {active && can('admin') && items.length > 0 && (
            <ConfirmButton label="Dismiss all" title="Dismiss every alert?" message={`This hides every open and acknowledged alert you can see${filtered || list.data?.next_cursor ? ' (not only those listed here)' : ''}. Conditions that still hold raise new alerts after the dismissal period.`} onConfirm={() => dismissGroup({ all: true })} />
          )}
        </Group>
      </PageTitle>
      <Group mb="md" gap="sm" align="flex-end">
        <TextInput placeholder="Search title, client, device, check" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={{ base: '100%', sm: 280 }} aria-label="Search alerts" />
        <Select placeholder="Any severity" aria-label="Severity" clearable data={SEVERITIES} value={filters.severity ?? null} onChange={(v) => set('severity', v)} w={{ base: '48%', sm: 150 }} />
        <Select placeholder="Any type" aria-label="Type" clearable searchable data={TYPES.map((t) => ({ value: t, label: label(t) }))} value={filters.type ?? null} onChange={(v) => set('type', v)} w={{ base: '48%', sm: 200 }} />
        <Select placeholder="All clients" aria-label="Client" clearable searchable data={clients.map((c) => ({ value: c.id, label: c.name }))} value={filters.client ?? null} onChange={(v) => set('client', v)} w={{ base: '100%', sm: 200 }} />
        <TagFilter value={filters.tag ?? []} onChange={setTags} />
        {filtered && list.data && <Text size="sm" c="dimmed" data-testid="match-count">{list.data.total} {list.data.total === 1 ? 'alert matches' : 'alerts match'}</Text>}
      </Group>
      <ErrorNote error={list.error} />
      {summary && <Notice color="blue" mb="md" withCloseButton onClose={() => setSummary(null)} data-testid="action-summary">{summary}</Notice>}
      {operate && items.length > 0 && (
        <Group mb="sm" gap="sm" data-testid="bulk-bar">
          <SelectBox ids={items.map((a) => a.id)} selected={selected} onChange={toggle} label="Select every alert shown" />
          <Text size="sm" c="dimmed">{chosen.length > 0 ? `${chosen.length} selected` : 'Select alerts to act on several at once'}</Text>
          {chosen.length > 0 && view === 'open' && <AlertActionButton kind="acknowledge" ids={chosen} subject={`${chosen.length} selected ${chosen.length === 1 ? 'alert' : 'alerts'}`} label={`Acknowledge ${chosen.length}`} onDone={afterBulk} />}
          {chosen.length > 0 && <AlertActionButton kind="dismiss" ids={chosen} subject={`${chosen.length} selected ${chosen.length === 1 ? 'alert' : 'alerts'}`} label={`Dismiss ${chosen.length}`} onDone={afterBulk} />}
          {chosen.length > 0 && <Button size="xs" variant="subtle" color="gray" onClick={() => setSelection({ key: selectionKey, ids: new Set() })}>Clear</Button>}
        </Group>
      )}
      {list.isSuccess && items.length === 0 && (
        <EmptyState title={filtered ? 'No alert matches' : view === 'open' ? 'No open alerts' : view === 'acknowledged' ? 'Nothing acknowledged' : 'No history yet'}>
          <Text size="sm" c="dimmed">{filtered ? 'Clear a filter or the search to see more.' : view === 'open' ? 'Every device is within its schedule and SLA. Alerts appear here the moment a job fails or a backup is late.' : 'Alerts move here as people act on them or their conditions clear.'}</Text>
        </EmptyState>
      )}
      <Stack>
        {group(items).map((g) => (
          <Paper key={g.name} withBorder radius="md" p="sm" data-testid="alert-group">
            <Group justify="space-between" mb="xs">
              <Group gap="sm">
                {operate && <SelectBox ids={g.alerts.map((a) => a.id)} selected={selected} onChange={toggle} label={`Select the alerts of ${g.name}`} />}
                <Text fw={700}>{g.name} <Text span c="dimmed" size="sm">({g.alerts.length})</Text></Text>
              </Group>
              {operate && g.clientId && (
                <ConfirmButton label={`Dismiss all for ${g.name}`} title={`Dismiss the alerts of ${g.name}?`} message="Every open and acknowledged alert of this client is hidden until the dismissal period ends, and raised again then if their condition still holds." onConfirm={() => dismissGroup({ client: g.clientId! })} />
              )}
            </Group>
            <Stack gap={0}>
              {g.alerts.map((a) => (
                <Group key={a.id} data-alert-id={a.id} justify="space-between" wrap="wrap" gap="xs" py={8} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
                  <Group gap="sm" wrap="nowrap" align="flex-start" style={{ flex: '1 1 280px', minWidth: 0 }}>
                    {operate && <Checkbox mt={2} aria-label={`Select ${a.title}`} checked={selected.has(a.id)} onChange={(e) => toggle([a.id], e.currentTarget.checked)} />}
                    <StatusBadge status={a.severity} />
                    <div style={{ minWidth: 0 }}>
                      <Anchor component={Link} to={`/alerts/${a.id}${keep}`} size="sm" fw={500}>{a.title}</Anchor>
                      <Text size="xs" c="dimmed">{label(a.type)}{a.device_name ? ` · ${a.device_name}` : ''}{a.check_name ? ` · ${a.check_name}` : ''} · raised {ago(a.raised_at)}{a.ack_note ? ` · “${a.ack_note}”` : ''}</Text>
                    </div>
                  </Group>
                  {operate ? (
                    <Group gap={6} wrap="nowrap" ml="auto">
                      {a.state === 'open' && <AlertActionButton kind="acknowledge" ids={[a.id]} subject={a.title} onDone={afterBulk} />}
                      <AlertActionButton kind="dismiss" ids={[a.id]} subject={a.title} onDone={afterBulk} variant="subtle" />
                    </Group>
                  ) : (
                    <StatusBadge status={a.state} />
                  )}
                </Group>
              ))}
            </Stack>
          </Paper>
        ))}
      </Stack>
      {list.data?.next_cursor && limit < 500 && (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={() => setLimit(limit + 100)}>Show more alerts</Button>
        </Group>
      )}
      <AlertDrawer id={id} onClose={() => navigate(`/alerts${keep}`)} />
    </>
  );
}
