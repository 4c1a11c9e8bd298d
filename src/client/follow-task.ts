import { io, type Socket } from 'socket.io-client';

/** One event of a task, as the `/tasks` namespace sends it. */
export interface TaskEvent {
  taskId: string;
  seq: number;
  kind: string;
  at: string;
  data: unknown;
  /** On a progress event merged for a client that could not keep up: the first seq it stands for. */
  replaces?: number;
}

const FINAL_KINDS = new Set(['succeeded', 'failed', 'cancelled']);
/** How long the server may stay out of reach (at the start, or after a lost connection). */
const DEFAULT_GIVE_UP_AFTER_MS = 15_000;

export class FollowTaskError extends Error {
  constructor(
    message: string,
    readonly problem?: unknown,
  ) {
    super(message);
    this.name = 'FollowTaskError';
  }
}

/**
 * Follows one task over Socket.IO: yields its events in seq order, from the first (or after
 * `afterSeq`) until it ends. After a dropped connection it reconnects and resumes after the last
 * seq it yielded, so no event is skipped or repeated. It throws a FollowTaskError when the key is
 * refused, the task is not found, `url` is not a Taskyard service, or the server stays out of reach
 * for `giveUpAfterMs`.
 *
 *     for await (const event of followTask('http://localhost:3000', key, taskId)) { … }
 */
export async function* followTask(
  url: string,
  apiKey: string,
  taskId: string,
  options: { afterSeq?: number; signal?: AbortSignal; giveUpAfterMs?: number } = {},
): AsyncGenerator<TaskEvent> {
  let lastSeq = options.afterSeq ?? 0;
  const buffered: TaskEvent[] = [];
  let wake: (() => void) | undefined;
  let failure: FollowTaskError | undefined;
  const base = url.replace(/\/+$/, '');
  const socket: Socket = io(`${base}/tasks`, {
    auth: { token: apiKey },
    transports: ['websocket'],
  });
  const nudge = (): void => wake?.();
  let lastError = 'no answer';
  const giveUpAfterMs = options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS;
  let giveUp: NodeJS.Timeout | undefined;
  const armGiveUp = (): void => {
    giveUp ??= setTimeout(() => {
      failure ??= new FollowTaskError(
        `cannot reach a Taskyard service at ${base} (${lastError}) for ${giveUpAfterMs / 1000} s`,
      );
      nudge();
    }, giveUpAfterMs);
  };
  armGiveUp();
  socket.on('task.event', (event: TaskEvent) => {
    if (event.taskId !== taskId || event.seq <= lastSeq) return;
    buffered.push(event);
    nudge();
  });
  // On every (re)connection: subscribe again from the last seq handed out.
  socket.on('connect', () => {
    clearTimeout(giveUp);
    giveUp = undefined;
    socket
      .emitWithAck('subscribe', { taskId, afterSeq: lastSeq })
      .then((ack: { ok: boolean; error?: { detail?: string } }) => {
        if (!ack.ok)
          failure = new FollowTaskError(ack.error?.detail ?? 'subscribe refused', ack.error);
        nudge();
      }, nudge);
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return; // closed by us: done
    armGiveUp();
    // The server ended the session (a restart, a revoked key): try again; a refusal ends it.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error: Error & { data?: { detail?: string } }) => {
    lastError = error.message;
    // Refused by the server (a bad key), or no /tasks namespace there: retrying will not help.
    if (error.data) failure ??= new FollowTaskError(error.data.detail ?? error.message, error.data);
    if (error.message === 'Invalid namespace') {
      failure ??= new FollowTaskError(
        `${base} is not a Taskyard service's base URL (no /tasks namespace there); give its root, e.g. http://localhost:3000`,
      );
    }
    nudge();
  });
  const onAbort = (): void => {
    failure = new FollowTaskError('aborted');
    nudge();
  };
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const event = buffered.shift();
      if (event) {
        // Events of one task arrive in order; a seq jump is never skipped over silently.
        const continues = event.seq === lastSeq + 1 || (event.replaces ?? event.seq) <= lastSeq + 1;
        if (!continues) {
          buffered.length = 0;
          socket.disconnect().connect();
          continue;
        }
        lastSeq = event.seq;
        yield event;
        if (FINAL_KINDS.has(event.kind)) return;
        continue;
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearTimeout(giveUp);
    options.signal?.removeEventListener('abort', onAbort);
    socket.close();
  }
}
