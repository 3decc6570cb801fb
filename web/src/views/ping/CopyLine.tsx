// A value to paste somewhere else (a URL, a key), with its Copy button.
import { Button, Code, CopyButton, Group, Text } from '@mantine/core';

export function CopyLine({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">{label}</Text>
      <Group gap="xs" wrap="nowrap">
        <Code style={{ wordBreak: 'break-all' }} data-testid={testId}>{value}</Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="subtle" onClick={copy} aria-label={`Copy ${label}`} style={{ flexShrink: 0 }}>{copied ? 'Copied' : 'Copy'}</Button>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}
