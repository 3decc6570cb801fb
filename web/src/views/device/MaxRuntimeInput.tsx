// The check editor's "Max runtime" field (issue #20): how long a started run may take before
// run_too_long is raised. The API takes seconds (60 s to 7 days); people think in minutes.
import { NumberInput } from '@mantine/core';
import type { Check } from '../../api/client';

const MAX_MINUTES = 7 * 24 * 60;

/** The field's value for a check: minutes, or '' when there is no limit. */
export function maxRuntimeMinutesOf(c: Check): number | string {
  return c.max_runtime_seconds === null ? '' : c.max_runtime_seconds / 60;
}

/** The PATCH fields for the field, only when it changed (so a save never rewrites what it did not touch). */
export function maxRuntimeChange(now: number | string, was: number | string): { max_runtime_seconds?: number | null } {
  if (now === was) return {};
  return { max_runtime_seconds: now === '' ? null : Math.round(Number(now) * 60) };
}

/** "2 h 30 min" under the field, so a limit of 150 reads as what it means. */
function readable(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = Math.round(minutes % 60);
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ');
}

export function MaxRuntimeInput({ value, onChange }: { value: number | string; onChange: (v: number | string) => void }) {
  const n = typeof value === 'number' ? value : Number.NaN;
  const hint = Number.isFinite(n) && n >= 1 ? ` (${readable(n)})` : '';
  return (
    <NumberInput
      label="Max runtime (minutes)"
      description={`A run started and not ended within this raises "run too long". Empty: no limit. 1 min to 7 days${hint}`}
      min={1}
      max={MAX_MINUTES}
      allowDecimal={false}
      value={value}
      onChange={onChange}
    />
  );
}
