import { createContext } from 'preact';
import { useContext, useEffect } from 'preact/hooks';
import type { TenantEvent } from '../../client/index.js';
import type { LiveFeed } from './live-feed.js';
import type { Session } from './session.js';

export interface SignedIn extends Session {
  feed: LiveFeed;
  signOut: () => void;
}

export const SessionContext = createContext<SignedIn | null>(null);

/** The signed-in session: views below the sign-in form always have one. */
export function useSession(): SignedIn {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in view');
  return session;
}

/** Calls `listener` with each live event while the calling view is on screen. */
export function useLiveEvents(listener: (event: TenantEvent) => void, deps: unknown[] = []): void {
  const { feed } = useSession();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => feed.listen(listener), [feed, ...deps]);
}
