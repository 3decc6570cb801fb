// Removing the demo estate (issue #16): the demo's three clients with everything under them, and
// nothing else; the same as `keepwatch demo --remove`.
import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ConfirmAction } from '../device/CheckEditor';

export function Demo() {
  const qc = useQueryClient();
  const [removed, setRemoved] = useState<string[] | null>(null);
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs" align="flex-start">
        <Title order={5}>Demo data</Title>
        <Text size="sm" c="dimmed">
          The demo estate is three clients: Acme Widgets, Contoso Legal and Northwind Dental. Removing it deletes those clients with their devices, checks, jobs and alerts, and nothing else: your own clients stay. A demo client you renamed is yours and stays; devices you added to a demo client go with it.
        </Text>
        <ConfirmAction
          label="Remove demo data"
          title="Remove the demo estate?"
          message="Acme Widgets, Contoso Legal and Northwind Dental are deleted with everything under them. This cannot be undone (keepwatch demo loads it again)."
          onConfirm={async () => {
            const r = await unwrap(api.DELETE('/api/v1/demo', {}));
            setRemoved(r.removed);
            await qc.invalidateQueries();
          }}
        />
        {removed && <Text size="sm" role="status">{removed.length > 0 ? `Removed ${removed.join(', ')}.` : 'There was no demo data to remove.'}</Text>}
      </Stack>
    </Paper>
  );
}
