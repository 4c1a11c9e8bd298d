import { FeedSocket } from './feed-socket.js';
import type { TaskEvent } from './types.js';

export { FollowTaskError } from './feed-socket.js';
export type { TaskEvent } from './types.js';

/** The kinds of a task's last event. */
export const FINAL_KINDS: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Follows one task over Socket.IO: yields its events in seq order, from the first (or after
 * `afterSeq`) until it ends. After a dropped connection it reconnects and resumes after the last
 * seq it yielded, so no event is skipped or repeated. It throws a FollowTaskError when the key is
 * refused, the task is not found, `url` is not a Taskyard service, or the server stays out of reach
 * for `giveUpAfterMs` (with `failFast`, as soon as the first connection fails).
 *
 *     for await (const event of followTask('http://localhost:3000', key, taskId)) { … }
 */
export async function* followTask(
  url: string,
  apiKey: string,
  taskId: string,
  options: {
    afterSeq?: number;
    signal?: AbortSignal;
    giveUpAfterMs?: number;
    failFast?: boolean;
  } = {},
): AsyncGenerator<TaskEvent> {
  let lastSeq = options.afterSeq ?? 0;
  const feed = new FeedSocket<TaskEvent>(url, apiKey, {
    ...options,
    // On every (re)connection: subscribe again from the last seq handed out.
    subscription: () => ({ taskId, afterSeq: lastSeq }),
    accept: (event) => event.taskId === taskId && event.seq > lastSeq,
  });
  for await (const event of feed.events()) {
    // Events of one task arrive in order; a seq jump is never skipped over silently.
    const continues = event.seq === lastSeq + 1 || (event.replaces ?? event.seq) <= lastSeq + 1;
    if (!continues) {
      feed.resubscribe();
      continue;
    }
    lastSeq = event.seq;
    yield event;
    if (FINAL_KINDS.has(event.kind)) return;
  }
}
