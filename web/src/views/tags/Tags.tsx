// Tags in the console (issue #20): chips on devices and checks, editors for a device's and a
// check's tags, and the filter the Devices, Alerts and Grid views share. The API normalises tags
// (trimmed, lower-cased, sorted) and names a bad one (`tags[2]`); the console shows its answer.
import { Alert, Badge, Button, Group, Stack, TagsInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type Check, type Device, unwrap } from '../../api/client';
import { useSession } from '../../session';

const MAX_TAGS = 20;

function problem(err: unknown): string {
  if (err instanceof ApiError) return err.problem?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') || err.message;
  return err instanceof Error ? err.message : String(err);
}

/** A thing's tags as small chips; each opens the devices list filtered by it. */
export function TagChips({ tags, size = 'xs' }: { tags: readonly string[]; size?: 'xs' | 'sm' }) {
  if (tags.length === 0) return null;
  return (
    <Group gap={4} wrap="wrap" data-testid="tag-chips">
      {tags.map((t) => (
        <Badge key={t} size={size} variant="light" color="grape" radius="sm" tt="none" component={Link} to={`/devices?tag=${encodeURIComponent(t)}`} style={{ cursor: 'pointer' }}>
          {t}
        </Badge>
      ))}
    </Group>
  );
}

/** The tag filter of a list: every tag entered must match (the API's repeated `?tag=`). */
export function TagFilter({ value, onChange, w }: { value: string[]; onChange: (tags: string[]) => void; w?: object | number }) {
  return (
    <TagsInput
      aria-label="Tags"
      placeholder={value.length ? '' : 'Tag (Enter to add)'}
      value={value}
      onChange={(tags) => onChange(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))}
      maxTags={MAX_TAGS}
      clearable
      w={w ?? { base: '100%', sm: 220 }}
    />
  );
}

/** Edits a set of tags and saves it with `save` (which replaces the stored tags). */
function TagsEditor({ label, tags, save }: { label: string; tags: readonly string[]; save: (tags: string[]) => Promise<unknown> }) {
  const [value, setValue] = useState<string[]>([...tags]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const changed = value.join('\n') !== tags.join('\n');
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await save(value);
    } catch (err) {
      setError(problem(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TagsInput
          label={label}
          description="Letters, digits and - _ . : / (e.g. prod, site:paris); up to 20"
          placeholder="Add a tag, then Enter"
          value={value}
          onChange={setValue}
          maxTags={MAX_TAGS}
          style={{ flex: 1 }}
        />
        <Button size="sm" variant="light" loading={busy} disabled={!changed} onClick={() => void submit()}>Update tags</Button>
      </Group>
      {error && <Alert color="red" role="alert">{error}</Alert>}
    </Stack>
  );
}

/** A device's tags on its page: chips for everyone, the editor for those who may change it. */
export function DeviceTags({ device }: { device: Device }) {
  const qc = useQueryClient();
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  const save = async (tags: string[]) => {
    await unwrap(api.PATCH('/api/v1/devices/{id}', { params: { path: { id: device.id } }, body: { tags } }));
    await qc.invalidateQueries({ queryKey: ['device', device.id] });
    await qc.invalidateQueries({ queryKey: ['devices'] });
    setEditing(false);
  };
  if (editing) return <TagsEditor key={device.tags.join()} label="Device tags" tags={device.tags} save={save} />;
  return (
    <Group gap={6}>
      <TagChips tags={device.tags} size="sm" />
      {can('operate') && (
        <Button size="compact-xs" variant="subtle" onClick={() => setEditing(true)} aria-label={`Edit tags of ${device.name}`}>
          {device.tags.length ? 'Edit tags' : 'Add tags'}
        </Button>
      )}
    </Group>
  );
}

/** The tag field of the check editor; saved on its own, so it never touches the other settings. */
export function CheckTagsField({ check }: { check: Check }) {
  const qc = useQueryClient();
  const save = async (tags: string[]) => {
    await unwrap(api.PATCH('/api/v1/checks/{id}', { params: { path: { id: check.id } }, body: { tags } }));
    await qc.invalidateQueries({ queryKey: ['device', check.device_id] });
  };
  return <TagsEditor label="Check tags" tags={check.tags} save={save} />;
}
