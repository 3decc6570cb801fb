// Who is signed in. The session cookie is HTTP-only: the app learns who it is from
// GET /api/v1/session, which also hands over the CSRF token for writes.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { ApiError, api, type Session, setCsrfToken, unwrap } from './api/client';

interface SessionState {
  session: Session | null;
  can(ability: 'read' | 'operate' | 'admin' | 'manage_users'): boolean;
  /** Sets the session after sign-in, setup or password change. */
  adopt(session: Session): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export async function fetchSession(): Promise<Session | null> {
  try {
    const s = await unwrap(api.GET('/api/v1/session'));
    setCsrfToken(s.csrf_token);
    return s;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function SessionProvider({ session, children }: { session: Session | null; children: ReactNode }) {
  const qc = useQueryClient();
  const state: SessionState = {
    session,
    can: (ability) => session?.abilities.includes(ability) ?? false,
    adopt: (s) => {
      setCsrfToken(s.csrf_token);
      qc.setQueryData(['session'], s);
    },
    signOut: async () => {
      await unwrap(api.DELETE('/api/v1/session')).catch(() => {});
      setCsrfToken(null);
      qc.setQueryData(['session'], null);
      // Nothing of this user's view may show to the next one; setup state stays.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' && q.queryKey[0] !== 'setup' });
    },
  };
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function useSessionQuery() {
  return useQuery({ queryKey: ['session'], queryFn: fetchSession, staleTime: 60_000, refetchInterval: 5 * 60_000 });
}
