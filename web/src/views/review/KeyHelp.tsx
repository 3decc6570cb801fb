// The Review view's keys (`?`).
import { Kbd, Modal, Table } from '@mantine/core';

export const KEYS: Array<[string, string]> = [
  ['j', 'next run'],
  ['k', 'previous run'],
  ['x', 'select or unselect the run'],
  ['r', 'review: the selected runs, or the current one (a note box; Enter submits, Esc closes)'],
  ['t', 'open a PSA ticket for the run and put its reference in the note box'],
  ['?', 'show or hide these keys'],
];

export function KeyHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keys" centered>
      <Table data-testid="key-help">
        <Table.Tbody>
          {KEYS.map(([k, what]) => (
            <Table.Tr key={k}>
              <Table.Td w={50}><Kbd>{k}</Kbd></Table.Td>
              <Table.Td>{what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
