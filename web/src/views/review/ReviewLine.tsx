// "Reviewed by X at T — note (ticket)" on a run, with Undo for operators (DELETE /jobs/<id>/review).
import { Button, Group, Text } from '@mantine/core';
import { IconChecks } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ErrorNote } from '../../components/common';
import { dateTime } from '../../components/format';
import { useSession } from '../../session';
import { type Review, undoReview } from './api';

export function reviewText(r: Review): string {
  return `Reviewed by ${r.by} at ${dateTime(r.at)}${r.note ? ` — ${r.note}` : ''}${r.ticket ? ` (${r.ticket})` : ''}`;
}

export function ReviewLine({ jobId, review }: { jobId: string; review: Review | null | undefined }) {
  const { can } = useSession();
  const qc = useQueryClient();
  const undo = useMutation({
    mutationFn: () => undoReview(jobId),
    onSuccess: () => {
      for (const key of ['reviews', 'job', 'device', 'grid']) void qc.invalidateQueries({ queryKey: [key] });
    },
  });
  if (!review) return <Text size="sm" c="dimmed" data-testid="job-review">Not reviewed.</Text>;
  return (
    <>
      <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="job-review">
        <IconChecks size={18} color="var(--mantine-color-teal-6)" style={{ flexShrink: 0, marginTop: 2 }} />
        <Text size="sm" style={{ flex: 1, wordBreak: 'break-word' }}>{reviewText(review)}</Text>
        {can('operate') && <Button size="compact-xs" variant="subtle" color="gray" loading={undo.isPending} onClick={() => undo.mutate()}>Undo</Button>}
      </Group>
      <ErrorNote error={undo.error} />
    </>
  );
}
