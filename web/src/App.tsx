import { useQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { api, unwrap } from './api/client';
import { Loading } from './components/Loading';
import { Shell } from './layout/Shell';
import { ROUTES } from './routes';
import { SessionProvider, useSessionQuery } from './session';
import { SetupPage } from './views/SetupPage';
import { ENROLMENT_SUBTITLE, ENROLMENT_TITLE, MfaEnrolment } from './views/MfaPages';
import { AuthCard, SignInPage } from './views/SignInPage';

export function App() {
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => unwrap(api.GET('/api/v1/setup')), staleTime: Infinity, refetchInterval: false });
  const session = useSessionQuery();
  if (setup.isPending || session.isPending) return <Loading />;
  const s = session.data ?? null;
  return (
    <SessionProvider session={s}>
      {s === null ? (
        setup.data?.needs_setup ? <SetupPage demoAvailable={setup.data.demo_available} /> : <SignInPage />
      ) : s.mfa_enrolment_required ? (
        <AuthCard title={ENROLMENT_TITLE} subtitle={ENROLMENT_SUBTITLE}>
          <MfaEnrolment />
        </AuthCard>
      ) : (
        <Shell>
          <Suspense fallback={<Loading />}>
            <Routes>
              {ROUTES.map((r) => (
                <Route key={r.path} path={r.path} element={<r.element />} />
              ))}
            </Routes>
          </Suspense>
        </Shell>
      )}
    </SessionProvider>
  );
}
