// Settings → Branding (issue #20): the MSP's name and logo at the top of every client status page.
// The logo is an https URL or a small uploaded image, kept as a data: URL (the server refuses
// anything else, and anything over 100,000 characters).
import { Button, FileButton, Group, Image, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNote } from '../../components/common';

const MAX_DATA_URL = 100_000;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function Branding() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['branding'], queryFn: () => unwrap(api.GET('/api/v1/settings/branding')) });
  const [name, setName] = useState('');
  const [logo, setLogo] = useState('');
  const [tooBig, setTooBig] = useState(false);
  useEffect(() => {
    if (q.data) {
      setName(q.data.name ?? '');
      setLogo(q.data.logo_url ?? '');
    }
  }, [q.data]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/settings/branding', { body: { name: name.trim() || null, logo_url: logo.trim() || null } })),
    onSuccess: (data) => qc.setQueryData(['branding'], data),
  });
  if (!q.data) return <ErrorNote error={q.error} />;
  return (
    <Paper withBorder p="md" radius="md" maw={640} data-testid="branding">
      <Stack gap="sm">
        <Title order={5}>Status page branding</Title>
        <Text size="sm" c="dimmed">Shown at the top of every client’s public status page.</Text>
        <TextInput label="Your company name" maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label="Logo URL"
          description="An https address, or upload a small image (under about 70 kB)"
          value={logo.startsWith('data:') ? '(uploaded image)' : logo}
          onChange={(e) => setLogo(e.currentTarget.value)}
        />
        <Group>
          <FileButton
            accept="image/png,image/jpeg,image/gif,image/webp,image/svg+xml"
            onChange={async (file) => {
              if (!file) return;
              const url = await readAsDataUrl(file);
              setTooBig(url.length > MAX_DATA_URL);
              if (url.length <= MAX_DATA_URL) setLogo(url);
            }}
          >
            {(props) => <Button variant="default" size="xs" {...props}>Upload image</Button>}
          </FileButton>
          {logo && <Button variant="subtle" size="xs" onClick={() => setLogo('')}>Remove logo</Button>}
          {logo && <Image src={logo} alt="logo preview" h={32} w="auto" fit="contain" />}
        </Group>
        {tooBig && <Text size="sm" c="red">That image is too large; use a smaller one or an https URL.</Text>}
        <ErrorNote error={save.error} />
        <Group>
          <Button loading={save.isPending} onClick={() => save.mutate()}>Save branding</Button>
          {save.isSuccess && <Text size="sm" c="teal">Saved.</Text>}
        </Group>
      </Stack>
    </Paper>
  );
}
