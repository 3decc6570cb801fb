// Settings → Single sign-on (owners): the workspace's OpenID Connect issuer, client and rules.
// The client secret is write-only: the form shows whether one is stored, never the secret. The
// claim → role and group → clients mappings are rows of the same form (SsoMappings.tsx).
import { Alert, Button, Checkbox, Code, Divider, Group, Paper, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';
import { hasDuplicates, type Mappings, mappingsBody, mappingsOf, namesMapping, SSO_ROLES as ROLES, type SsoRole as Role, SsoMappings } from './SsoMappings';

interface Form {
  enabled: boolean;
  issuer: string;
  client_id: string;
  client_secret: string;
  domains: string;
  default_role: Role;
  auto_create: boolean;
  password_sign_in: boolean;
  mappings: Mappings;
}

export function Sso() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['sso'], queryFn: () => unwrap(api.GET('/api/v1/sso')) });
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    if (q.data)
      setForm({
        enabled: q.data.enabled,
        issuer: q.data.issuer,
        client_id: q.data.client_id,
        client_secret: q.data.client_secret ?? '',
        domains: q.data.allowed_domains.join(', '),
        default_role: q.data.default_role,
        auto_create: q.data.auto_create,
        password_sign_in: q.data.password_sign_in,
        mappings: mappingsOf(q.data.role_claim, q.data.group_clients),
      });
  }, [q.data]);
  const save = useMutation({
    mutationFn: (f: Form) =>
      unwrap(
        api.PUT('/api/v1/sso', {
          body: {
            enabled: f.enabled,
            issuer: f.issuer.trim(),
            client_id: f.client_id.trim(),
            client_secret: f.client_secret,
            allowed_domains: f.domains.split(/[\s,;]+/).filter(Boolean),
            default_role: f.default_role,
            auto_create: f.auto_create,
            password_sign_in: f.password_sign_in,
            ...mappingsBody(f.mappings),
          },
        }),
      ),
    onSuccess: (data) => {
      qc.setQueryData(['sso'], data);
      void qc.invalidateQueries({ queryKey: ['setup'] });
    },
  });
  if (!q.data || !form) return <ErrorNote error={q.error} />;
  const err = save.error instanceof ApiError ? save.error : null;
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  return (
    <Paper withBorder p="md" radius="md" maw={760} data-testid="sso-settings">
      <Stack gap="sm">
        <Title order={5}>Single sign-on (OpenID Connect)</Title>
        <Text size="sm" c="dimmed">
          Technicians sign in with your identity provider (Microsoft Entra ID, Google Workspace, Okta…). Register Keepwatch there as a web application with this redirect URI:
        </Text>
        <Group gap="xs">
          <Code data-testid="sso-redirect-uri">{q.data.redirect_uri}</Code>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Issuer URL" description="e.g. https://login.microsoftonline.com/<tenant id>/v2.0" value={form.issuer} error={err?.field('issuer')} onChange={(e) => set({ issuer: e.currentTarget.value })} />
          <TextInput label="Client ID" value={form.client_id} error={err?.field('client_id')} onChange={(e) => set({ client_id: e.currentTarget.value })} />
          <PasswordInput
            label="Client secret"
            description={q.data.client_secret ? 'A secret is stored: leave *** to keep it' : 'Write-only: never shown again'}
            value={form.client_secret}
            error={err?.field('client_secret')}
            onChange={(e) => set({ client_secret: e.currentTarget.value })}
          />
          <TextInput label="Allowed e-mail domains" description="Comma-separated; only these may sign in" placeholder="example.com" value={form.domains} error={err?.field('allowed_domains')} onChange={(e) => set({ domains: e.currentTarget.value })} />
          <Select label="Role of new users" data={ROLES} value={form.default_role} error={err?.field('default_role')} onChange={(v) => v && set({ default_role: v as Role })} allowDeselect={false} />
        </SimpleGrid>
        <Checkbox label="Create a user at their first sign-in (else only users added under Users may sign in)" checked={form.auto_create} onChange={(e) => set({ auto_create: e.currentTarget.checked })} />
        <Checkbox
          label="Allow password sign-in"
          description="Off: only break-glass owners may still sign in with a password"
          checked={form.password_sign_in}
          onChange={(e) => set({ password_sign_in: e.currentTarget.checked })}
        />
        <Checkbox label="Single sign-on is on" description="Switching it on checks the issuer’s discovery document first" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
        <Divider label="Mappings for users made at their first sign-in" labelPosition="left" />
        <SsoMappings value={form.mappings} onChange={(mappings) => set({ mappings })} error={err} />
        {err && !namesMapping(err) && !['issuer', 'client_id', 'client_secret', 'allowed_domains', 'default_role'].some((f) => err.field(f)) && <ErrorNote error={err} />}
        {save.error && !err && <ErrorNote error={save.error} />}
        {save.isSuccess && (
          <Alert color="teal" variant="light">
            Saved.
          </Alert>
        )}
        <Group>
          <Button loading={save.isPending} disabled={hasDuplicates(form.mappings)} onClick={() => save.mutate(form)}>
            Save single sign-on
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
