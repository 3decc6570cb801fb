// A config form drawn from the field descriptions the API serves for each channel, connector and
// mailbox type (GET /api/v1/…-types): a type added on the server appears here unchanged.
import { ActionIcon, Button, Collapse, Group, JsonInput, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { ApiError, type FieldDescription } from '../api/client';
import { label } from './format';

export type Config = Record<string, unknown>;
const MASK = '***';

/** The form's starting values: stored secrets (answered as ***) start blank, meaning "keep". */
export function formValues(fields: FieldDescription[] | null, stored: Config | null): Config {
  const out: Config = { ...(stored ?? {}) };
  for (const f of fields ?? []) if (f.secret && out[f.name] === MASK) out[f.name] = '';
  return out;
}

/** What to send: blanks left out (on an edit a blank secret keeps the stored one), numbers as numbers. */
export function configToSend(fields: FieldDescription[] | null, value: Config): Config {
  if (fields === null) return value;
  const out: Config = {};
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0 && !f.required) continue;
    out[f.name] = v;
  }
  return out;
}

function fieldError(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.problem?.errors?.find((e) => e.field === `config.${name}` || e.field.startsWith(`config.${name}[`))?.message : undefined;
}

function MapInput({ f, value, onChange, disabled }: { f: FieldDescription; value: Record<string, string>; onChange: (v: Record<string, string>) => void; disabled?: boolean }) {
  const rows = Object.entries(value);
  const set = (entries: Array<[string, string]>) => onChange(Object.fromEntries(entries));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>{f.label}</Text>
      {f.description && <Text size="xs" c="dimmed">{f.description}</Text>}
      {rows.map(([k, v], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row's key is being typed; its position is its identity
        <Group key={i} gap={4} wrap="nowrap">
          <TextInput size="xs" aria-label={`${f.label} key ${i + 1}`} placeholder="from" value={k} disabled={disabled} style={{ flex: 1 }} onChange={(e) => set(rows.map((r, j) => (j === i ? [e.currentTarget.value, r[1]] : r)))} />
          <Text size="xs">→</Text>
          <TextInput size="xs" aria-label={`${f.label} value ${i + 1}`} placeholder="client" value={v} disabled={disabled} style={{ flex: 1 }} onChange={(e) => set(rows.map((r, j) => (j === i ? [r[0], e.currentTarget.value] : r)))} />
          <ActionIcon variant="subtle" color="gray" aria-label="Remove row" disabled={disabled} onClick={() => set(rows.filter((_, j) => j !== i))}><IconX size={14} /></ActionIcon>
        </Group>
      ))}
      <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={12} />} disabled={disabled} onClick={() => set([...rows, ['', '']])} w="fit-content">Add a row</Button>
    </Stack>
  );
}

function Field({ f, value, onChange, editing, error, disabled }: { f: FieldDescription; value: unknown; onChange: (v: unknown) => void; editing: boolean; error?: string; disabled?: boolean }) {
  const common = { label: f.label, description: f.description ?? undefined, required: f.required && !(f.secret && editing), error, disabled };
  const fallback = f.default === null || f.default === undefined ? undefined : String(f.default);
  switch (f.kind) {
    case 'boolean':
      return <Switch mt="lg" label={f.label} description={f.description ?? undefined} disabled={disabled} checked={(value ?? f.default ?? false) === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
    case 'integer':
    case 'number':
      return <NumberInput {...common} min={f.minimum ?? undefined} max={f.maximum ?? undefined} allowDecimal={f.kind === 'number'} placeholder={fallback} value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(v === '' ? undefined : Number(v))} />;
    case 'enum':
      return <Select {...common} data={(f.options ?? []).map((o) => ({ value: o, label: label(o) }))} clearable={!f.required} placeholder={fallback ? `${label(fallback)} (default)` : undefined} value={typeof value === 'string' ? value : null} onChange={(v) => onChange(v ?? undefined)} />;
    case 'list':
    case 'email_list':
      return <TagsInput {...common} placeholder={f.kind === 'email_list' ? 'name@example.com, Enter' : 'type, then Enter'} splitChars={[',', ' ', ';']} value={Array.isArray(value) ? (value as string[]) : typeof value === 'string' && value ? value.split(',') : []} onChange={onChange} />;
    case 'map':
      return <MapInput f={f} value={(value as Record<string, string>) ?? {}} onChange={onChange} disabled={disabled} />;
    case 'json':
      return <JsonInput {...common} autosize minRows={2} value={value === undefined ? '' : JSON.stringify(value, null, 2)} onChange={(t) => { try { onChange(t === '' ? undefined : JSON.parse(t)); } catch { /* keep typing */ } }} />;
    default: {
      const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
      if (f.secret) return <PasswordInput {...common} placeholder={editing ? 'unchanged (write-only)' : undefined} value={text} onChange={(e) => onChange(e.currentTarget.value)} autoComplete="new-password" />;
      return <TextInput {...common} type={f.kind === 'email' ? 'email' : 'text'} placeholder={fallback ?? (f.kind === 'url' ? 'https://…' : undefined)} value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
    }
  }
}

export function ConfigForm({ fields, value, onChange, editing, error, disabled }: { fields: FieldDescription[] | null; value: Config; onChange: (v: Config) => void; editing: boolean; error?: unknown; disabled?: boolean }) {
  const [more, setMore] = useState(false);
  if (fields === null) {
    return <JsonInput label="Config (JSON)" description="This type describes no fields: enter its settings as JSON." autosize minRows={4} formatOnBlur defaultValue={JSON.stringify(value, null, 2)} onChange={(t) => { try { onChange(JSON.parse(t) as Config); } catch { /* keep typing */ } }} />;
  }
  const draw = (f: FieldDescription) => <Field key={f.name} f={f} value={value[f.name]} editing={editing} disabled={disabled} error={fieldError(error, f.name)} onChange={(v) => onChange({ ...value, [f.name]: v })} />;
  const main = fields.filter((f) => !f.advanced);
  const advanced = fields.filter((f) => f.advanced);
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>{main.map(draw)}</SimpleGrid>
      {advanced.length > 0 && (
        <>
          <Button variant="subtle" size="compact-sm" w="fit-content" onClick={() => setMore(!more)}>{more ? 'Fewer settings' : `More settings (${advanced.length})`}</Button>
          <Collapse expanded={more}><SimpleGrid cols={{ base: 1, sm: 2 }}>{advanced.map(draw)}</SimpleGrid></Collapse>
        </>
      )}
    </Stack>
  );
}
