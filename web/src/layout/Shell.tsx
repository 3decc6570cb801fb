import { ActionIcon, AppShell, Badge, Burger, Group, Menu, NavLink, Text, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconLogout, IconMoon, IconShieldCheck, IconSun, IconUser } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ROUTES } from '../routes';
import { useSession } from '../session';
import { useOpenAlertCount } from '../views/alerts/open-count';
import { useReviewQueue } from '../views/review/api';

/** The Alerts view's Open tab count: the same query (useOpenAlertCount), so they never differ. */
function OpenAlertsBadge() {
  const n = useOpenAlertCount() ?? 0;
  return n > 0 ? (
    <Badge size="sm" color="red" variant="filled" aria-label={`${n} open alerts`}>
      {n}
    </Badge>
  ) : null;
}

/** The runs waiting for review: the Review view's unfiltered queue (one cache entry). */
function ReviewQueueBadge() {
  const n = useReviewQueue({}).data?.total ?? 0;
  return n > 0 ? (
    <Badge size="sm" color="orange" variant="filled" aria-label={`${n} runs to review`}>
      {n}
    </Badge>
  ) : null;
}

export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { session, signOut } = useSession();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const location = useLocation();
  const navigate = useNavigate();
  const section = `/${location.pathname.split('/')[1] ?? ''}`;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <IconShieldCheck size={24} color="var(--mantine-color-blue-6)" />
            <Text fw={700} size="lg">
              Keepwatch
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Tooltip label={scheme === 'dark' ? 'Light mode' : 'Dark mode'}>
              <ActionIcon variant="default" size="lg" aria-label="Toggle colour scheme" onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}>
                {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
              </ActionIcon>
            </Tooltip>
            <Menu position="bottom-end">
              <Menu.Target>
                <ActionIcon variant="default" size="lg" aria-label="Account">
                  <IconUser size={18} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {session?.user.email} · {session?.user.role}
                </Menu.Label>
                <Menu.Item component={Link} to="/settings/account">
                  Change password
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={14} />} onClick={() => void signOut().then(() => navigate('/'))}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {ROUTES.filter((r) => r.nav).map((r) => {
          const Icon = r.nav!.icon;
          return (
            <NavLink
              key={r.path}
              component={Link}
              to={r.path}
              onClick={close}
              label={r.nav!.label}
              leftSection={<Icon size={18} />}
              active={section === r.path || (r.path === '/devices' && section === '/')}
              rightSection={r.path === '/alerts' ? <OpenAlertsBadge /> : r.path === '/review' ? <ReviewQueueBadge /> : null}
            />
          );
        })}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
