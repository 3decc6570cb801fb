// The small box `r` opens: a note and an optional ticket reference. Enter submits, Esc closes.
// It keeps what is typed to itself, so a keystroke does not re-render the whole queue.
import { Button, Group, Paper, Text, TextInput } from '@mantine/core';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { ErrorNote } from '../../components/common';

export interface NoteDraft {
  note: string;
  ticket: string;
}

export function NoteBox(props: { subject: string; initial: NoteDraft; onSubmit: (d: NoteDraft) => void; onClose: () => void; busy: boolean; error: unknown }) {
  const [draft, onChange] = useState(props.initial);
  const note = useRef<HTMLInputElement>(null);
  useEffect(() => note.current?.focus(), []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose();
    }
  };
  return (
    <Paper withBorder p="sm" radius="md" mb="sm" shadow="sm" data-testid="note-box">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!props.busy) props.onSubmit(draft);
        }}
      >
        <Text size="sm" fw={600} mb={4}>Review {props.subject}</Text>
        <Group align="flex-end" gap="xs" wrap="wrap">
          <TextInput ref={note} label="Note" placeholder="What you found, what happens next" value={draft.note} onChange={(e) => onChange({ ...draft, note: e.currentTarget.value })} onKeyDown={onKeyDown} maxLength={2000} style={{ flex: '1 1 200px' }} />
          <TextInput label="Ticket" placeholder="optional" value={draft.ticket} onChange={(e) => onChange({ ...draft, ticket: e.currentTarget.value })} onKeyDown={onKeyDown} maxLength={100} w={120} />
          <Button type="submit" loading={props.busy}>Reviewed</Button>
          <Button variant="subtle" color="gray" onClick={props.onClose}>Cancel</Button>
        </Group>
        <ErrorNote error={props.error} />
      </form>
    </Paper>
  );
}
