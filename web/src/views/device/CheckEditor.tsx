// Editing a check from the console (issue #16): name, kind, schedule, grace, pause, snooze and
// delete; and the rename and delete dialogs that clients, devices and checks share.
import { Alert, Button, Drawer, Group, Modal, NumberInput, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api, ApiError, type Check, unwrap } from '../../api/client';
import { useSession } from '../../session';
import { CheckTagsField } from '../tags/Tags';
import { CheckPingUrls } from '../ping/CheckPingUrls';
import { CheckBadge } from './CheckBadge';
import { MaxRuntimeInput, maxRuntimeChange, maxRuntimeMinutesOf } from './MaxRuntimeInput';

const KINDS = ['backup', 'copy', 'replication', 'verification', 'saas_backup'] as const;
type Kind = (typeof KINDS)[number];

function message(err: unknown): string | null {
  if (err === null || err === undefined) return null;
  if (err instanceof ApiError) return err.problem?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') || err.message;
  return err instanceof Error ? err.message : String(err);
}

/** Runs an action, keeping its error for the dialog. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error: message(error), run, clear: () => setError(null) };
}

/** A dialog to rename something; a taken name (409) is shown in the dialog. */
export function RenameDialog(props: { opened: boolean; onClose: () => void; what: string; name: string; onRename: (name: string) => Promise<unknown> }) {
  const [name, setName] = useState(props.name);
  const action = useAction();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Rename ${props.what}`} centered>
      <form onSubmit={async (e) => { e.preventDefault(); if (await action.run(() => props.onRename(name))) props.onClose(); }}>
        <Stack>
          <TextInput label="New name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus required />
          <Text size="xs" c="dimmed">Jobs sent under the new name report here; a source still sending the old name creates a new {props.what}.</Text>
          {action.error && <Alert color="red" role="alert">{action.error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>Cancel</Button>
            <Button type="submit" loading={action.busy}>Rename</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A dialog that asks before something that cannot be undone; a refusal (409) is shown in it. */
export function ConfirmDialog(props: { opened: boolean; onClose: () => void; label: string; title: string; message: ReactNode; onConfirm: () => Promise<unknown>; color?: string; children?: ReactNode }) {
  const action = useAction();
  const color = props.color ?? 'red';
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered>
      <Stack>
        <Text size="sm">{props.message}</Text>
        {props.children}
        {action.error && <Alert color="red" role="alert">{action.error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>Cancel</Button>
          <Button color={color} loading={action.busy} onClick={async () => { if (await action.run(props.onConfirm)) props.onClose(); }}>
            {props.label}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Rename, as a button and its dialog. */
export function RenameButton(props: { what: string; name: string; onRename: (name: string) => Promise<unknown>; size?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size={props.size ?? 'xs'} variant="light" onClick={() => setOpen(true)} aria-label={`Rename ${props.what} ${props.name}`}>Rename</Button>
      {open && <RenameDialog opened onClose={() => setOpen(false)} what={props.what} name={props.name} onRename={props.onRename} />}
    </>
  );
}

/** A confirmed action, as a button and its dialog. */
export function ConfirmAction(props: { label: string; title: string; message: ReactNode; onConfirm: () => Promise<unknown>; color?: string; size?: string; ariaLabel?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size={props.size ?? 'xs'} color={props.color ?? 'red'} variant="light" onClick={() => setOpen(true)} aria-label={props.ariaLabel ?? props.label}>{props.label}</Button>
      {open && <ConfirmDialog opened onClose={() => setOpen(false)} {...props} />}
    </>
  );
}

interface Form {
  name: string;
  kind: Kind;
  scheduleType: 'none' | 'interval' | 'cron';
  hours: number | string;
  cron: string;
  tz: string;
  graceMinutes: number | string;
  maxRuntimeMinutes: number | string;
  paused: boolean;
}

function formOf(c: Check): Form {
  const s = c.schedule && !c.schedule.inferred ? c.schedule : null;
  return {
    name: c.name,
    kind: c.kind,
    scheduleType: s ? (s.type as 'interval' | 'cron') : 'none',
    hours: s?.interval_seconds ? s.interval_seconds / 3600 : (c.schedule?.interval_seconds ?? 86_400) / 3600,
    cron: s?.cron ?? '0 2 * * *',
    tz: s?.tz ?? 'UTC',
    graceMinutes: c.grace_seconds === null ? '' : c.grace_seconds / 60,
    maxRuntimeMinutes: maxRuntimeMinutesOf(c),
    paused: c.paused,
  };
}

function CheckForm({ check, onDone }: { check: Check; onDone: () => void }) {
  const qc = useQueryClient();
  const { can } = useSession();
  const [f, setF] = useState<Form>(() => formOf(check));
  const [snoozeHours, setSnoozeHours] = useState<number | string>(24);
  const save = useAction();
  const snooze = useAction();
  const [snoozed, setSnoozed] = useState<string | null>(null);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((old) => ({ ...old, [k]: v }));
  const refresh = () => qc.invalidateQueries({ queryKey: ['device', check.device_id] });
  const id = { params: { path: { id: check.id } } };

  const submit = () =>
    save.run(async () => {
      const schedule =
        f.scheduleType === 'none'
          ? null
          : f.scheduleType === 'interval'
            ? { type: 'interval' as const, interval_seconds: Math.round(Number(f.hours) * 3600) }
            : { type: 'cron' as const, cron: f.cron, tz: f.tz || null };
      // Only what changed: saving the grace must not drop a schedule Keepwatch has learned.
      const was = formOf(check);
      const scheduleChanged = f.scheduleType !== was.scheduleType || f.hours !== was.hours || f.cron !== was.cron || f.tz !== was.tz;
      await unwrap(
        api.PATCH('/api/v1/checks/{id}', {
          ...id,
          body: {
            ...(f.name !== check.name && { name: f.name }),
            ...(f.kind !== check.kind && { kind: f.kind }),
            ...(scheduleChanged && { schedule }),
            ...(f.graceMinutes !== was.graceMinutes && { grace_seconds: f.graceMinutes === '' ? null : Math.round(Number(f.graceMinutes) * 60) }),
            ...maxRuntimeChange(f.maxRuntimeMinutes, was.maxRuntimeMinutes),
            ...(f.paused !== check.paused && { paused: f.paused }),
          },
        }),
      );
      await refresh();
      onDone();
    });

  return (
    <Stack>
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <Stack gap="sm">
          <TextInput label="Name" value={f.name} onChange={(e) => set('name', e.currentTarget.value)} required />
          <Select label="Kind" data={[...KINDS]} value={f.kind} onChange={(v) => v && set('kind', v as Kind)} allowDeselect={false} />
          <Select
            label="Schedule"
            description="None: Keepwatch learns it from the runs"
            data={[{ value: 'none', label: 'Learn from the runs' }, { value: 'interval', label: 'Every N hours' }, { value: 'cron', label: 'Cron expression' }]}
            value={f.scheduleType}
            onChange={(v) => v && set('scheduleType', v as Form['scheduleType'])}
            allowDeselect={false}
          />
          {f.scheduleType === 'interval' && <NumberInput label="Every (hours)" min={1 / 60} step={1} decimalScale={2} value={f.hours} onChange={(v) => set('hours', v)} />}
          {f.scheduleType === 'cron' && (
            <Group grow>
              <TextInput label="Cron" value={f.cron} onChange={(e) => set('cron', e.currentTarget.value)} />
              <TextInput label="Time zone" value={f.tz} onChange={(e) => set('tz', e.currentTarget.value)} />
            </Group>
          )}
          <NumberInput label="Grace (minutes)" description="Empty: the workspace default" min={0} value={f.graceMinutes} onChange={(v) => set('graceMinutes', v)} />
          <MaxRuntimeInput value={f.maxRuntimeMinutes} onChange={(v) => set('maxRuntimeMinutes', v)} />
          <Switch label="Paused (no alerts; jobs are still recorded)" checked={f.paused} onChange={(e) => set('paused', e.currentTarget.checked)} />
          {save.error && <Alert color="red" role="alert">{save.error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>Cancel</Button>
            <Button type="submit" loading={save.busy}>Save</Button>
          </Group>
        </Stack>
      </form>
      <CheckTagsField check={check} />
      <CheckPingUrls check={check} />
      <CheckBadge check={check} />
      <Title order={6}>Snooze</Title>
      <Group align="flex-end">
        <NumberInput label="Hours" min={1} max={24 * 90} value={snoozeHours} onChange={setSnoozeHours} w={120} />
        <Button
          variant="light"
          loading={snooze.busy}
          onClick={() =>
            snooze.run(async () => {
              const w = await unwrap(api.POST('/api/v1/checks/{id}/snooze', { ...id, body: { hours: Number(snoozeHours) } }));
              setSnoozed(w.ends_at ?? null);
              await refresh();
            })
          }
        >
          Snooze alerts
        </Button>
      </Group>
      {snoozed && <Text size="sm" c="dimmed">Snoozed until {new Date(snoozed).toLocaleString()}.</Text>}
      {snooze.error && <Alert color="red" role="alert">{snooze.error}</Alert>}
      {can('admin') && (
        <Group>
          <ConfirmAction
            label="Delete check"
            title={`Delete ${check.name}?`}
            message={`${check.name} is deleted with its jobs and alerts. This cannot be undone; a source that reports it again creates it anew.`}
            onConfirm={async () => {
              await unwrap(api.DELETE('/api/v1/checks/{id}', id));
              await refresh();
              onDone();
            }}
          />
        </Group>
      )}
    </Stack>
  );
}

/** The check row's Edit button: a drawer with the check's settings. */
export function CheckEditButton({ check }: { check: Check }) {
  const [open, setOpen] = useState(false);
  const { can } = useSession();
  if (!can('operate')) return null;
  return (
    <>
      <Button size="compact-xs" variant="light" onClick={() => setOpen(true)} aria-label={`Edit ${check.name}`}>Edit</Button>
      <Drawer opened={open} onClose={() => setOpen(false)} title={`Check: ${check.name}`} position="right" size="md">
        {open && <CheckForm check={check} onDone={() => setOpen(false)} />}
      </Drawer>
    </>
  );
}
