import { Button, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { useSession } from '../../session';

export function Account() {
  const { session, adopt } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const m = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/session/password', { body: { current_password: current, new_password: next } })),
    onSuccess: (s) => {
      adopt(s);
      setCurrent('');
      setNext('');
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Paper withBorder p="md" radius="md" maw={480}>
      <Title order={5}>{session?.user.email}</Title>
      <Text size="sm" c="dimmed" mb="sm">Role: {session?.user.role}. Changing your password signs you out everywhere else.</Text>
      <Stack>
        <PasswordInput label="Current password" autoComplete="current-password" value={current} error={err?.field('current_password')} onChange={(e) => setCurrent(e.currentTarget.value)} />
        <PasswordInput label="New password" description="At least 10 characters" autoComplete="new-password" value={next} error={err?.field('new_password')} onChange={(e) => setNext(e.currentTarget.value)} />
        {err && !err.field('current_password') && !err.field('new_password') && <ErrorNote error={err} />}
        <Button loading={m.isPending} disabled={!current || !next} onClick={() => m.mutate()}>Change password</Button>
        {m.isSuccess && <Text size="sm" c="teal">Password changed.</Text>}
      </Stack>
    </Paper>
  );
}
