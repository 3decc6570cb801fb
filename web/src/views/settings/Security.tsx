// Settings → Security: the signed-in user's second factors (an authenticator app with recovery
// codes, passkeys) and, for owners, "MFA required for everyone" (docs/security.md).
import { Alert, Badge, Button, Code, Group, Paper, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { ConfirmButton, ErrorNote } from '../../components/common';
import { useSession } from '../../session';

const when = (iso: string) => new Date(iso).toLocaleString();

/** Refetches what a change of factors touches: the status, the passkeys and the session (enrolment). */
function useRefresh() {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: ['mfa'] }), qc.invalidateQueries({ queryKey: ['passkeys'] }), qc.invalidateQueries({ queryKey: ['session'] })]);
}

function Totp({ on, pending }: { on: boolean; pending: boolean }) {
  const refresh = useRefresh();
  const [secret, setSecret] = useState<{ secret: string; otpauth_url: string } | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const begin = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/session/mfa/totp')), onSuccess: (s) => setSecret(s) });
  const confirm = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/session/mfa/totp/confirm', { body: { code } })),
    onSuccess: (r) => {
      setRecovery(r.recovery_codes);
      setSecret(null);
      setCode('');
    },
  });
  const disable = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/session/mfa/totp', { body: { code } })),
    onSuccess: async () => {
      setCode('');
      await refresh();
    },
  });
  const codeError = (e: unknown) => (e instanceof ApiError ? e.field('code') : undefined);

  if (recovery) {
    return (
      <Stack gap="xs" data-testid="recovery-codes">
        <Alert color="teal" title="Authenticator app set up">
          Save these recovery codes somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.
        </Alert>
        <SimpleGrid cols={2} spacing="xs">
          {recovery.map((r) => (
            <Code key={r}>{r}</Code>
          ))}
        </SimpleGrid>
        <Group>
          <Button onClick={() => { setRecovery(null); void refresh(); }}>I have saved them</Button>
        </Group>
      </Stack>
    );
  }
  if (on) {
    return (
      <Stack gap="xs">
        <Group gap="xs">
          <Badge color="teal">On</Badge>
          <Text size="sm">Sign-in asks for a code from your authenticator app (or a recovery code).</Text>
        </Group>
        <Group align="flex-end">
          <TextInput label="Code or recovery code" autoComplete="one-time-code" value={code} error={codeError(disable.error)} onChange={(e) => setCode(e.currentTarget.value)} />
          <Button color="red" variant="light" disabled={!code} loading={disable.isPending} onClick={() => disable.mutate()}>
            Turn off
          </Button>
        </Group>
        {!codeError(disable.error) && <ErrorNote error={disable.error} />}
      </Stack>
    );
  }
  return (
    <Stack gap="xs">
      {!secret && (
        <>
          <Text size="sm">Use an authenticator app (Microsoft Authenticator, Google Authenticator, 1Password…) for a six-digit code at sign-in.</Text>
          {pending && <Text size="xs" c="dimmed">A set-up was started and not confirmed; starting again makes a new secret.</Text>}
          <Group>
            <Button loading={begin.isPending} onClick={() => begin.mutate()}>Set up an authenticator app</Button>
          </Group>
          <ErrorNote error={begin.error} />
        </>
      )}
      {secret && (
        <>
          <Text size="sm">Add this account to your authenticator app: open the link on your phone, or enter the secret by hand. Then type the code it shows.</Text>
          <Text size="xs" c="dimmed">Secret</Text>
          <Code data-testid="totp-secret">{secret.secret}</Code>
          <Text size="xs" c="dimmed">Set-up link</Text>
          <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="totp-url">
            {secret.otpauth_url}
          </Code>
          <Group align="flex-end">
            <TextInput label="Code from the app" autoComplete="one-time-code" inputMode="numeric" value={code} error={codeError(confirm.error)} onChange={(e) => setCode(e.currentTarget.value)} />
            <Button disabled={!code} loading={confirm.isPending} onClick={() => confirm.mutate()}>Confirm</Button>
          </Group>
          {!codeError(confirm.error) && <ErrorNote error={confirm.error} />}
        </>
      )}
    </Stack>
  );
}

function Passkeys() {
  const refresh = useRefresh();
  const q = useQuery({ queryKey: ['passkeys'], queryFn: () => unwrap(api.GET('/api/v1/session/mfa/passkeys')) });
  const [name, setName] = useState('');
  const add = useMutation({
    mutationFn: async () => {
      const options = await unwrap(api.POST('/api/v1/session/mfa/passkeys/options'));
      const response = await startRegistration({ optionsJSON: options as Parameters<typeof startRegistration>[0]['optionsJSON'] });
      return unwrap(api.POST('/api/v1/session/mfa/passkeys', { body: { response, name: name.trim() || undefined } }));
    },
    onSuccess: async () => {
      setName('');
      await refresh();
    },
  });
  const remove = (id: string) => unwrap(api.DELETE('/api/v1/session/mfa/passkeys/{id}', { params: { path: { id } } })).then(refresh);
  const items = q.data?.items ?? [];
  return (
    <Stack gap="xs" data-testid="passkeys">
      <Text size="sm">A passkey (Windows Hello, Touch ID, a phone or a security key) confirms your sign-in after the password.</Text>
      <ErrorNote error={q.error} />
      {items.length > 0 && (
        <Table>
          <Table.Tbody>
            {items.map((p) => (
              <Table.Tr key={p.id} data-testid="passkey-row">
                <Table.Td>
                  <Text size="sm">{p.name}</Text>
                  <Text size="xs" c="dimmed">
                    added {when(p.created_at)}
                    {p.last_used_at ? ` · last used ${when(p.last_used_at)}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td align="right">
                  <ConfirmButton label="Remove" variant="subtle" title="Remove this passkey?" message="It no longer signs you in." onConfirm={() => remove(p.id)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-end">
        <TextInput label="Passkey name" placeholder="e.g. Work laptop" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button loading={add.isPending} onClick={() => add.mutate()}>Add a passkey</Button>
      </Group>
      <ErrorNote error={add.error instanceof ApiError || add.error === null ? add.error : new ApiError(400, { detail: `The browser did not create a passkey: ${(add.error as Error).message}` })} />
    </Stack>
  );
}

function MandatoryMfa() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['mfa-policy'], queryFn: () => unwrap(api.GET('/api/v1/settings/mfa')) });
  const m = useMutation({
    mutationFn: (required: boolean) => unwrap(api.PUT('/api/v1/settings/mfa', { body: { required } })),
    onSuccess: (p) => qc.setQueryData(['mfa-policy'], p),
  });
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Title order={5}>Workspace</Title>
        <Switch
          label="MFA required for everyone"
          description="Everyone who signs in with a password must use an authenticator app or a passkey. Users without one are led to set one up at their next sign-in and can do nothing else until they have. Single sign-on users are not asked: their identity provider's MFA applies."
          checked={q.data?.required ?? false}
          disabled={q.isPending || m.isPending}
          onChange={(e) => m.mutate(e.currentTarget.checked)}
        />
        <ErrorNote error={q.error ?? m.error} />
      </Stack>
    </Paper>
  );
}

/** The user's own factors: on the Security tab, and alone on the enrolment page. */
export function MyFactors() {
  const q = useQuery({ queryKey: ['mfa'], queryFn: () => unwrap(api.GET('/api/v1/session/mfa')) });
  return (
    <Stack>
      <ErrorNote error={q.error} />
      <Paper withBorder p="md" radius="md" data-testid="totp">
        <Title order={5} mb="xs">Authenticator app</Title>
        {q.data && <Totp on={q.data.totp} pending={q.data.totp_pending} />}
        {q.data?.totp && <Text size="xs" c="dimmed" mt="xs">{q.data.recovery_codes_left} recovery codes left.</Text>}
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">Passkeys</Title>
        <Passkeys />
      </Paper>
    </Stack>
  );
}

export function Security() {
  const { can } = useSession();
  return (
    <Stack maw={720}>
      <MyFactors />
      {can('manage_users') && <MandatoryMfa />}
    </Stack>
  );
}
