import { TaskyardConnectionError } from './errors.js';
import { FINAL_KINDS } from './follow-task.js';
import type { TaskEvent } from './types.js';

/** How long a poll that has worked before keeps trying through lost connections (a restart). */
const RECONNECT_FOR_MS = 15_000;
const RECONNECT_PAUSE_MS = 1_000;

export interface PollingSource {
  /** Every event after `seq`, in order. */
  eventsAfter(seq: number, signal?: AbortSignal): Promise<TaskEvent[]>;
  /** Answers when the task has moved past `seq` (or has ended), or when the server's wait ends. */
  changedAfter(seq: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Follows a task over REST, for where WebSocket does not get through: reads its log after the
 * last seq, then long-polls the task until it changes, until the final event. A first call that
 * gets no answer throws; once it has worked, lost connections are tried again for 15 s.
 */
export async function* followByPolling(
  source: PollingSource,
  afterSeq: number,
  signal?: AbortSignal,
): AsyncGenerator<TaskEvent> {
  let lastSeq = afterSeq;
  let reachedAt: number | undefined;
  for (;;) {
    try {
      const events = await source.eventsAfter(lastSeq, signal);
      reachedAt = Date.now();
      for (const event of events) {
        signal?.throwIfAborted();
        lastSeq = event.seq;
        yield event;
        if (FINAL_KINDS.has(event.kind)) return;
      }
      await source.changedAfter(lastSeq, signal);
      reachedAt = Date.now();
    } catch (error) {
      const retry =
        error instanceof TaskyardConnectionError &&
        reachedAt !== undefined &&
        Date.now() - reachedAt < RECONNECT_FOR_MS;
      if (!retry) throw error;
      await pause(RECONNECT_PAUSE_MS, signal);
    }
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const done = (): void => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const aborted = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
