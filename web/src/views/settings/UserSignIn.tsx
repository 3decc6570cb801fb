// Settings → Users, per user (owners only): how they may sign in and what an owner does when that
// goes wrong — the break-glass flag (owners who keep password sign-in when single sign-on switches
// it off), ending every session of the user, and removing their second factors (docs/security.md).
import { Group, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/common';
import { useSession } from '../../session';

interface UserLike {
  id: string;
  email: string;
  role: string;
  break_glass: boolean;
}

const messageOf = (e: unknown) => (e instanceof ApiError ? (e.problem?.errors?.[0]?.message ?? e.message) : 'Keepwatch could not be reached. Try again.');

export function UserSignIn({ user, onChanged }: { user: UserLike; onChanged: () => Promise<unknown> }) {
  const { can, session } = useSession();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  if (!can('manage_users')) return null;
  const self = user.id === session?.user.id;
  const run = async (what: () => Promise<string>) => {
    setNote(null);
    try {
      setNote({ ok: true, text: await what() });
    } catch (e) {
      setNote({ ok: false, text: messageOf(e) });
    }
  };
  const setBreakGlass = async (on: boolean) => {
    setBusy(true);
    await run(async () => {
      await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: { break_glass: on } }));
      await onChanged();
      return on ? 'Break-glass: keeps password sign-in.' : 'No longer break-glass.';
    });
    setBusy(false);
  };
  const signOutEverywhere = () =>
    run(async () => {
      const { revoked } = await unwrap(api.DELETE('/api/v1/users/{id}/sessions', { params: { path: { id: user.id } } }));
      return revoked === 1 ? '1 session ended.' : `${revoked} sessions ended.`;
    });
  const resetMfa = () =>
    run(async () => {
      await unwrap(api.DELETE('/api/v1/users/{id}/mfa', { params: { path: { id: user.id } } }));
      return 'Second factors removed; their sessions ended.';
    });
  return (
    <Stack gap={4} data-testid="user-sign-in">
      <Group gap="xs" wrap="nowrap">
        {user.role === 'owner' && (
          <Tooltip multiline w={280} label="A break-glass owner keeps password sign-in when single sign-on switches it off: the way in when the identity provider is down. Keep at least one, with a strong password.">
            <Switch size="xs" label="Break-glass" aria-label={`Break-glass ${user.email}`} checked={user.break_glass} disabled={busy} onChange={(e) => void setBreakGlass(e.currentTarget.checked)} />
          </Tooltip>
        )}
        {!self && (
          <>
            <ConfirmButton
              label="Sign out everywhere"
              variant="subtle"
              color="orange"
              title={`Sign ${user.email} out everywhere?`}
              message="Every console session of this user ends at once; they sign in again. API tokens are not affected."
              onConfirm={signOutEverywhere}
            />
            <ConfirmButton
              label="Reset MFA"
              variant="subtle"
              color="orange"
              title={`Reset MFA of ${user.email}?`}
              message="Removes their authenticator app, recovery codes and passkeys, and ends their sessions. They sign in with the password alone (or set a factor up again if MFA is required)."
              onConfirm={resetMfa}
            />
          </>
        )}
      </Group>
      {note && (
        <Text size="xs" c={note.ok ? 'teal' : 'red'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </Text>
      )}
    </Stack>
  );
}
