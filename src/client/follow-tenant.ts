import { type ConnectionState, FeedSocket } from './feed-socket.js';
import type { TenantEvent } from './types.js';

export type { TenantEvent } from './types.js';

/**
 * Follows every task of the key's tenant (every tenant for an admin key) over Socket.IO: yields
 * each event once, in seq order per task, from now or from `after` (a `position` it yielded
 * before, e.g. kept across a restart). After a dropped connection it reconnects and resumes from
 * the position of the last event it received, so nothing is skipped or repeated. It runs until
 * `signal` aborts; it throws a FollowTaskError when the key or position is refused, or the server
 * stays out of reach for `giveUpAfterMs`.
 *
 *     for await (const event of followTenant('http://localhost:3000', key)) { save(event.position); … }
 */
export async function* followTenant(
  url: string,
  apiKey: string,
  options: {
    after?: string;
    signal?: AbortSignal;
    giveUpAfterMs?: number;
    /** Told when the subscription is in place, and when the connection drops. */
    onConnection?: (state: ConnectionState) => void;
  } = {},
): AsyncGenerator<TenantEvent> {
  let position = options.after;
  const feed = new FeedSocket<TenantEvent>(url, apiKey, {
    ...options,
    subscription: () => (position === undefined ? { all: true } : { all: true, after: position }),
    accept: (event) => {
      if (typeof event.position !== 'string') return false; // a task subscription's event
      position = event.position;
      return true;
    },
    onAck: (ack) => {
      position ??= ack.position;
    },
  });
  yield* feed.events();
}
