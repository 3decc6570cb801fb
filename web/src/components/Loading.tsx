import { Center, Loader } from '@mantine/core';

/** The spinner a page shows while its first data loads. */
export function Loading() {
  return (
    <Center h={240}>
      <Loader aria-label="Loading" />
    </Center>
  );
}
