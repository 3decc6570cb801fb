// Every page of the console. Adding a view is one file under views/ plus one line here.
import { IconAlertTriangle, IconBuilding, IconChartBar, IconChecklist, IconDeviceDesktop, IconLayoutGrid, IconMail, IconSettings } from '@tabler/icons-react';
import { type ComponentType, lazy } from 'react';

export interface RouteDef {
  path: string;
  element: ComponentType;
  /** Shown in the navigation when set. */
  nav?: { label: string; icon: ComponentType<{ size?: number }> };
}

export const ROUTES: RouteDef[] = [
  { path: '/', element: lazy(() => import('./views/Devices')) },
  { path: '/devices', element: lazy(() => import('./views/Devices')), nav: { label: 'Devices', icon: IconDeviceDesktop } },
  { path: '/devices/:id', element: lazy(() => import('./views/DevicePage')) },
  { path: '/clients', element: lazy(() => import('./views/Clients')), nav: { label: 'Clients', icon: IconBuilding } },
  { path: '/clients/:id', element: lazy(() => import('./views/ClientPage')) },
  { path: '/alerts', element: lazy(() => import('./views/Alerts')), nav: { label: 'Alerts', icon: IconAlertTriangle } },
  { path: '/alerts/:id', element: lazy(() => import('./views/Alerts')) },
  { path: '/review', element: lazy(() => import('./views/Review')), nav: { label: 'Review', icon: IconChecklist } },
  { path: '/grid', element: lazy(() => import('./views/Grid')), nav: { label: 'Grid', icon: IconLayoutGrid } },
  { path: '/inbox', element: lazy(() => import('./views/Inbox')), nav: { label: 'Inbox', icon: IconMail } },
  { path: '/inbox/:id', element: lazy(() => import('./views/Inbox')) },
  { path: '/reports', element: lazy(() => import('./views/Reports')), nav: { label: 'Reports', icon: IconChartBar } },
  { path: '/settings', element: lazy(() => import('./views/Settings')), nav: { label: 'Settings', icon: IconSettings } },
  { path: '/settings/:tab', element: lazy(() => import('./views/Settings')) },
  { path: '*', element: lazy(() => import('./views/NotFound')) },
];
