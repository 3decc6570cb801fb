import { Button, Center, Checkbox, Divider, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, api, unwrap } from '../api/client';
import { ErrorNote } from '../components/common';
import { useSession } from '../session';
import { type MfaChallenge, mfaChallenge, SecondFactorStep } from './MfaPages';

export function AuthCard({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack gap="xs" align="center" mb="md">
          <IconShieldCheck size={40} color="var(--mantine-color-blue-6)" />
          <Title order={2}>{title}</Title>
          <Text c="dimmed" size="sm" ta="center">
            {subtitle}
          </Text>
        </Stack>
        {children}
      </Paper>
    </Center>
  );
}

/** A form's submit handler that runs `action`, with the busy flag and the error it ended with. */
function useFormSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { submit, error, busy };
}

export function SignInPage() {
  const { adopt } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // A second factor asked for (401 mfa_required): the code / passkey step (MfaPages.tsx).
  const [mfa, setMfa] = useState<MfaChallenge | null>(null);
  const { submit, error, busy } = useFormSubmit(async () => {
    try {
      adopt(await unwrap(api.POST('/api/v1/session', { body: { email, password } })));
    } catch (err) {
      const challenge = mfaChallenge(err);
      if (challenge === null) throw err;
      setMfa(challenge);
    }
  });
  // The same query App.tsx made: whether single sign-on is on.
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => unwrap(api.GET('/api/v1/setup')), staleTime: Infinity, refetchInterval: false });
  if (mfa) {
    return (
      <AuthCard title="Confirm it’s you" subtitle={`Signing in as ${email}.`}>
        <SecondFactorStep email={email} password={password} challenge={mfa} onBack={() => setMfa(null)} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Sign in to Keepwatch" subtitle="Backup monitoring for every client and device you look after.">
      {setup.data?.sso_enabled && (
        <>
          {/* A full navigation: the server redirects to the identity provider and back. */}
          <Button component="a" href="/auth/oidc/login" variant="filled" fullWidth>
            Sign in with SSO
          </Button>
          <Divider my="md" label="or with a password" labelPosition="center" />
        </>
      )}
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="E-mail" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <ErrorNote error={error} />
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}

export function SetupPage({ demoAvailable }: { demoAvailable: boolean }) {
  const { adopt } = useSession();
  const qc = useQueryClient();
  const [form, setForm] = useState({ name: '', email: '', password: '', demo: demoAvailable });
  const { submit, error, busy } = useFormSubmit(async () => {
    const s = await unwrap(api.POST('/api/v1/setup', { body: { email: form.email, password: form.password, name: form.name || undefined, demo: form.demo } }));
    qc.setQueryData(['setup'], { needs_setup: false, demo_available: demoAvailable, sso_enabled: false });
    adopt(s);
  });
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined);
  return (
    <AuthCard title="Welcome to Keepwatch" subtitle="Create the owner account. You can add colleagues and client users later under Settings.">
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Your name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          <TextInput label="E-mail" type="email" autoComplete="username" required value={form.email} error={fieldError('email')} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} />
          <PasswordInput
            label="Password"
            description="At least 10 characters"
            autoComplete="new-password"
            required
            value={form.password}
            error={fieldError('password')}
            onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
          {demoAvailable && (
            <Checkbox
              label="Load demo data (3 clients, ~40 devices, 60 days of jobs) to look around"
              checked={form.demo}
              onChange={(e) => setForm({ ...form, demo: e.currentTarget.checked })}
            />
          )}
          <ErrorNote error={error && !fieldError('email') && !fieldError('password') ? error : null} />
          <Button type="submit" loading={busy}>
            Create owner and start
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
