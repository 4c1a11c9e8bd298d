import { useEffect, useState } from 'preact/hooks';
import { SessionContext, type SignedIn } from './context.js';
import { LiveFeed } from './live-feed.js';
import { forgetKey, openSession, type Session, storedKey } from './session.js';
import { Layout } from './views/layout.js';
import { Routes } from './views/routes.js';
import { SignIn } from './views/sign-in.js';

export function App() {
  const [session, setSession] = useState<SignedIn | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);

  const begin = (opened: Session): void => {
    const feed = new LiveFeed(location.origin, opened.key);
    const signOut = (): void => {
      feed.stop();
      forgetKey();
      setSession(null);
    };
    setSession({ ...opened, feed, signOut });
    setRestoring(false);
  };

  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    openSession(key).then(begin, () => {
      forgetKey();
      setRestoring(false);
    });
  }, []);

  if (restoring) return <p class="loading">Signing in…</p>;
  if (!session) return <SignIn onSignedIn={begin} />;
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Routes />
      </Layout>
    </SessionContext.Provider>
  );
}
