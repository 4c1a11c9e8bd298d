import { io, type Socket } from 'socket.io-client';
import { FollowTaskError, type TaskEvent } from './follow-task.js';

/** An event of the tenant stream: a task event and the position to resume from after it. */
export interface TenantEvent extends TaskEvent {
  position: string;
}

const DEFAULT_GIVE_UP_AFTER_MS = 15_000;

type Ack = { ok: boolean; position?: string; error?: { detail?: string } };

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
  options: { after?: string; signal?: AbortSignal; giveUpAfterMs?: number } = {},
): AsyncGenerator<TenantEvent> {
  let position = options.after;
  const buffered: TenantEvent[] = [];
  let wake: (() => void) | undefined;
  let failure: FollowTaskError | undefined;
  const nudge = (): void => wake?.();
  const base = url.replace(/\/+$/, '');
  const socket: Socket = io(`${base}/tasks`, {
    auth: { token: apiKey },
    transports: ['websocket'],
  });
  const giveUpAfterMs = options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS;
  let lastError = 'no answer';
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
  socket.on('task.event', (event: TenantEvent) => {
    if (typeof event.position !== 'string') return; // a task subscription's event, not ours
    position = event.position;
    buffered.push(event);
    nudge();
  });
  socket.on('connect', () => {
    clearTimeout(giveUp);
    giveUp = undefined;
    const payload = position === undefined ? { all: true } : { all: true, after: position };
    socket.emitWithAck('subscribe', payload).then((ack: Ack) => {
      if (!ack.ok)
        failure = new FollowTaskError(ack.error?.detail ?? 'subscribe refused', ack.error);
      else position ??= ack.position;
      nudge();
    }, nudge);
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return;
    armGiveUp();
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error: Error & { data?: { detail?: string } }) => {
    lastError = error.message;
    if (error.data) failure ??= new FollowTaskError(error.data.detail ?? error.message, error.data);
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
        yield event;
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
