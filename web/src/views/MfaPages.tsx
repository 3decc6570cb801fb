// Multi-factor sign-in in the console (docs/security.md): the sign-in page's second step (a code
// from the authenticator app or a recovery code, or "Use a passkey"), and the page a session that
// may only enrol shows instead of the console (the workspace requires MFA and the user has none).
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../api/client';
import { ErrorNote } from '../components/common';
import { useSession } from '../session';
import { MyFactors } from './settings/Security';

export interface MfaChallenge {
  methods: string[];
  passkey_options?: unknown;
}

/** The second-factor request in a sign-in answer (401 with mfa_required), or null for any other error. */
export function mfaChallenge(err: unknown): MfaChallenge | null {
  if (!(err instanceof ApiError) || err.status !== 401) return null;
  const p = err.problem as (Record<string, unknown> & { methods?: string[] }) | null;
  if (p?.mfa_required !== true) return null;
  return { methods: p.methods ?? [], passkey_options: p.passkey_options };
}

type AuthOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];

export function SecondFactorStep({ email, password, challenge, onBack }: { email: string; password: string; challenge: MfaChallenge; onBack: () => void }) {
  const { adopt } = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'code' | 'passkey' | null>(null);
  const hasTotp = challenge.methods.includes('totp');
  const hasPasskey = challenge.methods.includes('passkey');

  const run = async (which: 'code' | 'passkey', action: () => Promise<void>) => {
    setBusy(which);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const withCode = (e: FormEvent) => {
    e.preventDefault();
    void run('code', async () => adopt(await unwrap(api.POST('/api/v1/session', { body: { email, password, code: code.trim() } }))));
  };
  const withPasskey = () =>
    run('passkey', async () => {
      // A fresh challenge each time (each is used once): the password again, without a factor.
      let options: unknown = null;
      try {
        await unwrap(api.POST('/api/v1/session', { body: { email, password } }));
      } catch (err) {
        options = mfaChallenge(err)?.passkey_options ?? null;
        if (options === null) throw err;
      }
      let assertion: unknown;
      try {
        assertion = await startAuthentication({ optionsJSON: options as AuthOptions });
      } catch (err) {
        throw new ApiError(400, { detail: `The passkey did not answer: ${(err as Error).message}` });
      }
      adopt(await unwrap(api.POST('/api/v1/session', { body: { email, password, passkey: assertion } })));
    });

  return (
    <Stack>
        {hasTotp && (
          <form onSubmit={withCode}>
            <Stack>
              <TextInput
                label="Code"
                description="From your authenticator app, or one of your recovery codes"
                autoComplete="one-time-code"
                required
                autoFocus
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
              />
              <Button type="submit" loading={busy === 'code'} disabled={busy !== null}>
                Verify
              </Button>
            </Stack>
          </form>
        )}
        {hasPasskey && (
          <Button variant={hasTotp ? 'default' : 'filled'} loading={busy === 'passkey'} disabled={busy !== null} onClick={() => void withPasskey()}>
            Use a passkey
          </Button>
        )}
        <ErrorNote error={error} />
        <Group justify="center">
          <Button variant="subtle" size="xs" onClick={onBack}>
            Back
          </Button>
        </Group>
    </Stack>
  );
}

/** Shown (in the sign-in card) instead of the console while the session may only enrol a second factor. */
export function MfaEnrolment() {
  const { session, signOut } = useSession();
  return (
    <Stack>
      <MyFactors />
      <Text size="xs" c="dimmed" ta="center">
        Signed in as {session?.user.email}.
      </Text>
      <Button variant="subtle" size="xs" onClick={() => void signOut()}>
        Sign out
      </Button>
    </Stack>
  );
}

export const ENROLMENT_TITLE = 'Set up multi-factor sign-in';
export const ENROLMENT_SUBTITLE = 'This workspace requires a second factor for everyone. Set up an authenticator app or a passkey to continue.';
