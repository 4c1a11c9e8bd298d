import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../context.js';
import type { FeedState } from '../live-feed.js';
import { href, useRoute } from '../router.js';

const USER_LINKS: [label: string, segments: string[]][] = [
  ['Tasks', ['tasks']],
  ['Submit', ['submit']],
];

const ADMIN_LINKS: [label: string, segments: string[]][] = [
  ['Queues', ['ops', 'queues']],
  ['Failures', ['ops', 'failures']],
  ['Stuck', ['ops', 'stuck']],
  ['Workers', ['ops', 'workers']],
  ['Keys', ['ops', 'keys']],
];

const FEED_TEXT: Record<FeedState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  stopped: 'stopped',
};

export function Layout({ children }: { children: ComponentChildren }) {
  const { identity, signOut } = useSession();
  const route = useRoute();
  const links = identity.role === 'admin' ? [...USER_LINKS, ...ADMIN_LINKS] : USER_LINKS;
  const current = (segments: string[]): boolean =>
    segments.every((segment, i) => route[i] === segment) ||
    (route.length === 0 && segments[0] === 'tasks');

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('tasks')}>
          Taskyard
        </a>
        <nav aria-label="Main">
          <ul>
            {links.map(([label, segments]) => (
              <li key={label}>
                <a href={href(...segments)} aria-current={current(segments) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <FeedStatus />
          <span>
            {identity.tenant} · {identity.role}
          </span>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function FeedStatus() {
  const { feed } = useSession();
  const [state, setState] = useState(feed.state);
  useEffect(() => feed.watchState(setState), [feed]);
  return (
    <span class={`feed feed-${state}`} role="status" title="Live updates over Socket.IO">
      <span aria-hidden="true">●</span> {FEED_TEXT[state]}
    </span>
  );
}
