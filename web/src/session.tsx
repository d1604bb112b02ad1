import { ApolloProvider } from '@apollo/client/react';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
} from 'react';
import { type ApolloSession, createApolloSession } from './apollo/client';
import type { ConnectionState } from './apollo/connection';
import { loadToken, saveToken } from './lib/token';

export interface SessionContextValue {
  session: ApolloSession;
  token: string | null;
  /** Why the last session ended, when it was not the user's own choice. */
  notice: string | null;
  signIn(token: string): void;
  signOut(notice?: string): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

export function useConnection(): ConnectionState {
  const { connection } = useSession().session;
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot);
}

/**
 * Owns the token (localStorage) and the Apollo client built for it. A new
 * token means a new client, cache and WebSocket.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(loadToken);
  const [notice, setNotice] = useState<string | null>(null);
  const [session, setSession] = useState<ApolloSession | null>(null);

  const signOut = useCallback((why?: string) => {
    saveToken(null);
    setToken(null);
    setNotice(why ?? null);
  }, []);

  const signIn = useCallback((next: string) => {
    saveToken(next);
    setNotice(null);
    setToken(next);
  }, []);

  useEffect(() => {
    const created = createApolloSession({
      token,
      onAuthLost: () => signOut('Your session has ended. Please log in again.'),
    });
    setSession(created);
    return () => created.dispose();
  }, [token, signOut]);

  // Another tab logged in or out: follow it.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === 'parley.token') setToken(event.newValue);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // Render nothing for the instant between a token change and its new client.
  if (!session || session.token !== token) return null;
  return (
    <SessionContext.Provider value={{ session, token, notice, signIn, signOut }}>
      <ApolloProvider client={session.client}>{children}</ApolloProvider>
    </SessionContext.Provider>
  );
}
