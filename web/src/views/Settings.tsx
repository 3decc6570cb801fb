import { NativeSelect, Tabs } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { PageTitle } from '../components/common';
import { useSession } from '../session';
import { Account } from './settings/Account';
import { SlaSettings } from './settings/SlaSettings';
import { Tokens } from './settings/Tokens';
import { Users } from './settings/Users';
import { Connectors } from './settings/Connectors';
import { Mailboxes } from './settings/Mailboxes';
import { Notifications } from './settings/Notifications';
import { Windows } from './settings/Windows';
import { Demo } from './settings/Demo';
import { Branding } from './settings/Branding';
import { Sessions } from './settings/Sessions';
import { Sso } from './settings/Sso';
import { Security } from './settings/Security';

export default function Settings() {
  const { tab = 'sla' } = useParams();
  const navigate = useNavigate();
  const { can, session } = useSession();
  // Connectors and mailboxes feed every client: not for someone limited to some.
  const unrestricted = session?.user.client_ids === null;
  const tabs = [
    { value: 'sla', label: 'SLA & alerts', body: <SlaSettings /> },
    { value: 'windows', label: 'Maintenance', body: <Windows /> },
    ...(can('admin')
      ? [
          { value: 'notifications', label: 'Notifications', body: <Notifications /> },
          ...(unrestricted ? [{ value: 'connectors', label: 'Connectors', body: <Connectors /> }, { value: 'mailboxes', label: 'Mailboxes', body: <Mailboxes /> }] : []),
        ]
      : []),
    ...(can('admin') ? [{ value: 'tokens', label: 'API tokens', body: <Tokens /> }] : []),
    ...(can('admin') && unrestricted ? [{ value: 'branding', label: 'Branding', body: <Branding /> }] : []),
    ...(can('admin') && unrestricted ? [{ value: 'demo', label: 'Demo data', body: <Demo /> }] : []),
    ...(can('manage_users') ? [{ value: 'users', label: 'Users', body: <Users /> }] : []),
    ...(can('manage_users') ? [{ value: 'sso', label: 'Single sign-on', body: <Sso /> }] : []),
    { value: 'security', label: 'Security', body: <Security /> },
    { value: 'sessions', label: 'Sessions', body: <Sessions /> },
    { value: 'account', label: 'Account', body: <Account /> },
  ];
  return (
    <>
      <PageTitle title="Settings" />
      <Tabs value={tab} onChange={(v) => navigate(`/settings/${v}`)} keepMounted={false}>
        {/* Nine tabs wrap into three rows on a phone: a select there instead. */}
        <NativeSelect hiddenFrom="sm" mb="md" aria-label="Settings section" data={tabs.map((t) => ({ value: t.value, label: t.label }))} value={tab} onChange={(e) => navigate(`/settings/${e.currentTarget.value}`)} />
        <Tabs.List mb="md" visibleFrom="sm">
          {tabs.map((t) => <Tabs.Tab key={t.value} value={t.value}>{t.label}</Tabs.Tab>)}
        </Tabs.List>
        {tabs.map((t) => <Tabs.Panel key={t.value} value={t.value}>{t.body}</Tabs.Panel>)}
      </Tabs>
    </>
  );
}
