// The check editor's badge (issue #20): a preview, the URL to copy and, for operators, a new key
// (the old URL stops working at once).
import { Group, Image, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { api, type Check, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/common';
import { useSession } from '../../session';
import { CopyUrl, previewSrc } from '../clients/ClientSharing';

export function CheckBadge({ check }: { check: Check }) {
  const { can } = useSession();
  const qc = useQueryClient();
  return (
    <Stack gap={4} data-testid="check-badge">
      <Title order={6}>Badge</Title>
      <Group gap="sm">
        <Image src={previewSrc(check.badge_url)} alt={`${check.name} badge`} h={20} w="auto" fit="contain" />
        {can('operate') && (
          <ConfirmButton
            label="New badge key"
            title="Regenerate the badge key?"
            message="The current badge URL stops working at once, wherever it is embedded."
            size="compact-xs"
            onConfirm={async () => {
              await unwrap(api.POST('/api/v1/checks/{id}/badge-key', { params: { path: { id: check.id } } }));
              await qc.invalidateQueries({ queryKey: ['device', check.device_id] });
            }}
          />
        )}
      </Group>
      <CopyUrl value={check.badge_url} label="badge URL" />
    </Stack>
  );
}
