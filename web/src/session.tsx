// The signed-in session: found at start (pasted token or the embedded local user), shared with the layout.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { ErrorState, Loading } from './components/States';
import { findSession, forgetToken, rememberToken, type Session, type SessionLookup } from './lib/auth';
import { connect, type Connection, type LiveSignal } from './lib/urql';
import { SignInPage } from './pages/SignInPage';

interface SessionValue {
  session: Session;
  live: LiveSignal;
  signOut(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionGate>');
  return value;
}

export function SessionGate({ children }: { children: ReactNode }) {
  const [lookup, setLookup] = useState<SessionLookup | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the trigger: signing out bumps it to look the session up again
  useEffect(() => {
    let current = true;
    setLookup(null);
    void findSession().then((found) => current && setLookup(found));
    return () => {
      current = false;
    };
  }, [attempt]);

  const signOut = useCallback(() => {
    forgetToken();
    setAttempt((n) => n + 1);
  }, []);

  const session = lookup?.kind === 'signed-in' ? lookup.session : null;
  const [connection, setConnection] = useState<Connection | null>(null);
  useEffect(() => {
    if (!session) return setConnection(null);
    const opened = connect(session.token, signOut);
    setConnection(opened);
    return () => opened.close();
  }, [session, signOut]);

  if (!lookup) return <Loading label="Signing in…" />;
  if (lookup.kind === 'unreachable') return <ErrorState title="Cannot reach BrightRun" error={lookup.message} retry={() => setAttempt((n) => n + 1)} />;
  if (!session) {
    return (
      <SignInPage
        onSignedIn={(token) => {
          rememberToken(token);
          setAttempt((n) => n + 1);
        }}
      />
    );
  }
  if (!connection) return <Loading label="Signing in…" />;
  return (
    <SessionContext.Provider value={{ session, live: connection.live, signOut }}>
      <Provider value={connection.client}>{children}</Provider>
    </SessionContext.Provider>
  );
}
