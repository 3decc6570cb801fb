// Settings → Single sign-on: the two optional mappings applied when single sign-on makes a user at
// their first sign-in — claim value → role (`role_claim`) and group → clients (`group_clients`).
// Edited as rows here, sent as the objects PUT /api/v1/sso takes (docs/security.md).
import { ActionIcon, Button, Group, MultiSelect, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { ApiError } from '../../api/client';
import { useClients } from '../../components/common';

export type SsoRole = 'viewer' | 'operator' | 'admin';
export const SSO_ROLES: Array<{ value: SsoRole; label: string }> = [
  { value: 'viewer', label: 'viewer — read only' },
  { value: 'operator', label: 'operator — acknowledge, dismiss, edit checks' },
  { value: 'admin', label: 'admin — all but users' },
];

export interface RoleRow {
  value: string;
  role: SsoRole;
}
export interface GroupRow {
  group: string;
  clients: string[];
}
export interface Mappings {
  roleClaim: string;
  roles: RoleRow[];
  groupClaim: string;
  groups: GroupRow[];
}
type RoleClaim = { claim: string; values: Record<string, SsoRole> } | null;
type GroupClients = { claim: string; groups: Record<string, string[]> } | null;

export function mappingsOf(roleClaim: RoleClaim, groupClients: GroupClients): Mappings {
  return {
    roleClaim: roleClaim?.claim ?? '',
    roles: Object.entries(roleClaim?.values ?? {}).map(([value, role]) => ({ value, role })),
    groupClaim: groupClients?.claim ?? '',
    groups: Object.entries(groupClients?.groups ?? {}).map(([group, clients]) => ({ group, clients })),
  };
}

/**
 * The request fields. Rows without a value (or group) are left out; a mapping with neither a claim
 * name nor rows is null (none). A claim name left empty beside rows is sent as is: the server names it.
 */
export function mappingsBody(m: Mappings): { role_claim: RoleClaim; group_clients: GroupClients } {
  const roles = m.roles.filter((r) => r.value.trim() !== '');
  const groups = m.groups.filter((g) => g.group.trim() !== '');
  return {
    role_claim: m.roleClaim.trim() === '' && roles.length === 0 ? null : { claim: m.roleClaim.trim(), values: Object.fromEntries(roles.map((r) => [r.value.trim(), r.role])) },
    group_clients: m.groupClaim.trim() === '' && groups.length === 0 ? null : { claim: m.groupClaim.trim(), groups: Object.fromEntries(groups.map((g) => [g.group.trim(), g.clients])) },
  };
}

/** A claim value (or group) given twice: the second would silently replace the first. */
export function duplicateOf(keys: string[]): string | null {
  const seen = new Set<string>();
  for (const k of keys.map((x) => x.trim()).filter(Boolean)) {
    if (seen.has(k)) return k;
    seen.add(k);
  }
  return null;
}

/** True when a claim value or a group is listed twice (the form refuses to save then). */
export function hasDuplicates(m: Mappings): boolean {
  return duplicateOf(m.roles.map((r) => r.value)) !== null || duplicateOf(m.groups.map((g) => g.group)) !== null;
}

/** Every problem the server named under `prefix` (the field itself, or anything inside it). */
export function problemsUnder(err: ApiError | null, prefix: string): string | undefined {
  const found = (err?.problem?.errors ?? []).filter((e) => e.field === prefix || e.field.startsWith(`${prefix}.`) || e.field.startsWith(`${prefix}[`));
  return found.length ? found.map((e) => (e.field === prefix ? e.message : `${e.field.slice(prefix.length + 1)}: ${e.message}`)).join('; ') : undefined;
}

/** True when the server's problems name a field of the mappings (so the form shows them here). */
export function namesMapping(err: ApiError | null): boolean {
  return Boolean(problemsUnder(err, 'role_claim') || problemsUnder(err, 'group_clients'));
}

export function SsoMappings({ value, onChange, error }: { value: Mappings; onChange: (m: Mappings) => void; error: ApiError | null }) {
  const { clients } = useClients();
  const set = (patch: Partial<Mappings>) => onChange({ ...value, ...patch });
  const setRole = (i: number, patch: Partial<RoleRow>) => set({ roles: value.roles.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const setGroup = (i: number, patch: Partial<GroupRow>) => set({ groups: value.groups.map((g, j) => (j === i ? { ...g, ...patch } : g)) });
  const known = new Set(clients.map((c) => c.id));
  // A stored id of a client since deleted stays selectable (and removable) rather than vanishing unseen.
  const orphans = [...new Set(value.groups.flatMap((g) => g.clients).filter((id) => !known.has(id)))];
  const clientData = [...clients.map((c) => ({ value: c.id, label: c.name })), ...orphans.map((id) => ({ value: id, label: `${id} (unknown client)` }))];
  const dupRole = duplicateOf(value.roles.map((r) => r.value));
  const dupGroup = duplicateOf(value.groups.map((g) => g.group));
  const rolesError = problemsUnder(error, 'role_claim.values') ?? (dupRole ? `"${dupRole}" is listed twice` : undefined);
  const groupsError = problemsUnder(error, 'group_clients.groups') ?? (dupGroup ? `"${dupGroup}" is listed twice` : undefined);
  const roleClaimError = problemsUnder(error, 'role_claim.claim') ?? (error?.problem?.errors ?? []).find((e) => e.field === 'role_claim')?.message;
  const groupClaimError = problemsUnder(error, 'group_clients.claim') ?? (error?.problem?.errors ?? []).find((e) => e.field === 'group_clients')?.message;
  return (
    <Stack gap="md">
      <Stack gap="xs" data-testid="sso-role-claim">
        <Title order={6}>Role from a claim</Title>
        <Text size="sm" c="dimmed">
          A user made at their first sign-in gets the role of the first value of this claim listed here (e.g. Entra ID app roles in “roles”); otherwise the role of new users above. Never owner.
        </Text>
        <TextInput label="Role claim" placeholder="roles" maw={320} value={value.roleClaim} error={roleClaimError} onChange={(e) => set({ roleClaim: e.currentTarget.value })} />
        {value.roles.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place; the value itself is being edited
          <Group key={i} gap="xs" align="flex-end" data-testid="sso-role-row">
            <TextInput label={i === 0 ? 'Claim value' : undefined} aria-label={`Claim value ${i + 1}`} placeholder="Keepwatch.Admins" value={r.value} onChange={(e) => setRole(i, { value: e.currentTarget.value })} w={260} />
            <Select
              label={i === 0 ? 'Role' : undefined}
              aria-label={`Role for claim value ${i + 1}`}
              data={SSO_ROLES}
              value={r.role}
              onChange={(v) => v && setRole(i, { role: v as SsoRole })}
              allowDeselect={false}
              w={300}
            />
            <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove claim value ${i + 1}`} onClick={() => set({ roles: value.roles.filter((_, j) => j !== i) })}>
              <IconX size={16} />
            </ActionIcon>
          </Group>
        ))}
        {rolesError && (
          <Text size="sm" c="red" data-testid="sso-role-claim-error">
            {rolesError}
          </Text>
        )}
        <Group>
          <Button size="xs" variant="light" onClick={() => set({ roles: [...value.roles, { value: '', role: 'viewer' }] })}>
            Add a claim value
          </Button>
        </Group>
      </Stack>
      <Stack gap="xs" data-testid="sso-group-clients">
        <Title order={6}>Clients from groups</Title>
        <Text size="sm" c="dimmed">
          A user made at their first sign-in who is in any group listed here sees only the clients of their groups; in none of them, every client.
        </Text>
        <TextInput label="Group claim" placeholder="groups" maw={320} value={value.groupClaim} error={groupClaimError} onChange={(e) => set({ groupClaim: e.currentTarget.value })} />
        {value.groups.map((g, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <Group key={i} gap="xs" align="flex-end" data-testid="sso-group-row">
            <TextInput label={i === 0 ? 'Group' : undefined} aria-label={`Group ${i + 1}`} placeholder="group id or name" value={g.group} onChange={(e) => setGroup(i, { group: e.currentTarget.value })} w={260} />
            <MultiSelect
              label={i === 0 ? 'Clients' : undefined}
              aria-label={`Clients of group ${i + 1}`}
              placeholder={g.clients.length ? undefined : 'pick clients'}
              data={clientData}
              value={g.clients}
              onChange={(v) => setGroup(i, { clients: v })}
              searchable
              w={300}
            />
            <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove group ${i + 1}`} onClick={() => set({ groups: value.groups.filter((_, j) => j !== i) })}>
              <IconX size={16} />
            </ActionIcon>
          </Group>
        ))}
        {groupsError && (
          <Text size="sm" c="red" data-testid="sso-group-clients-error">
            {groupsError}
          </Text>
        )}
        <Group>
          <Button size="xs" variant="light" onClick={() => set({ groups: [...value.groups, { group: '', clients: [] }] })}>
            Add a group
          </Button>
        </Group>
      </Stack>
    </Stack>
  );
}
