// A device's recent runs as a strip of status icons, newest first: the device page's recovery
// points and the Review view's history beside a run. A reviewed run carries a small check mark.
import { Box, Group, ScrollArea, Tooltip, UnstyledButton } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconCircleDashed, IconCircleX } from '@tabler/icons-react';
import type { Job } from '../../api/client';
import { colorOf, dateTime, label } from '../../components/format';

type StripJob = Pick<Job, 'id' | 'status' | 'started_at' | 'ended_at' | 'review'>;

export function JobIcon({ job, onClick, current = false }: { job: StripJob; onClick?: () => void; current?: boolean }) {
  const Icon = job.status === 'succeeded' ? IconCircleCheck : job.status === 'failed' ? IconCircleX : job.status === 'running' || job.status === 'skipped' ? IconCircleDashed : IconAlertCircle;
  const reviewed = Boolean(job.review);
  return (
    <Tooltip label={`${label(job.status)} · ${dateTime(job.ended_at ?? job.started_at)}${reviewed ? ` · reviewed by ${job.review!.by}` : ''}`}>
      <UnstyledButton
        onClick={onClick}
        aria-label={`job ${job.status} ${job.ended_at ?? ''}${reviewed ? ' reviewed' : ''}`}
        data-job-status={job.status}
        data-job-id={job.id}
        data-reviewed={reviewed || undefined}
        data-current={current || undefined}
        style={{ position: 'relative', borderRadius: 12, outline: current ? '2px solid var(--mantine-color-blue-6)' : undefined, outlineOffset: 1 }}
      >
        <Icon size={22} color={`var(--mantine-color-${colorOf(job.status)}-6)`} />
        {reviewed && <Box component="span" aria-hidden style={{ position: 'absolute', right: -1, bottom: 1, width: 7, height: 7, borderRadius: 7, background: 'var(--mantine-color-teal-6)', border: '1px solid var(--mantine-color-body)' }} />}
      </UnstyledButton>
    </Tooltip>
  );
}

/** Newest first, at most `max` runs. */
export function HistoryStrip({ jobs, onOpen, max = 90, currentId }: { jobs: StripJob[]; onOpen?: (id: string) => void; max?: number; currentId?: string }) {
  return (
    <ScrollArea>
      <Group gap={2} wrap="nowrap" data-testid="timeline">
        {jobs.slice(0, max).map((j) => <JobIcon key={j.id} job={j} current={j.id === currentId} onClick={onOpen ? () => onOpen(j.id) : undefined} />)}
      </Group>
    </ScrollArea>
  );
}
