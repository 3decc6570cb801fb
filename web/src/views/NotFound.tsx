import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState } from '../components/common';

export default function NotFound() {
  return (
    <EmptyState title="No such page">
      <Text size="sm">
        Go to the <Anchor component={Link} to="/devices">device list</Anchor>.
      </Text>
    </EmptyState>
  );
}
