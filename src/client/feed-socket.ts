import { io, type Socket } from 'socket.io-client';

/** How long the server may stay out of reach (at the start, or after a lost connection). */
const DEFAULT_GIVE_UP_AFTER_MS = 15_000;

export class FollowTaskError extends Error {
  constructor(
    message: string,
    readonly problem?: unknown,
    /** No answer from the service (as opposed to a refusal): another transport may still work. */
    readonly unreachable = false,
  ) {
    super(message);
    this.name = 'FollowTaskError';
  }
}

export interface SubscribeAck {
  ok: boolean;
  position?: string;
  error?: { detail?: string };
}

export type ConnectionState = 'subscribed' | 'disconnected';

export interface FeedOptions<Event> {
  /** The `subscribe` payload, asked for again at every (re)connection. */
  subscription: () => object;
  /** Whether an incoming `task.event` belongs to this feed (it may note what it saw). */
  accept: (event: Event) => boolean;
  onAck?: (ack: SubscribeAck) => void;
  /** Told when the subscription is in place, and when the connection drops (it reconnects). */
  onConnection?: (state: ConnectionState) => void;
  signal?: AbortSignal;
  giveUpAfterMs?: number;
  /** End at once, unreachable, when the first connection fails (the caller has another way). */
  failFast?: boolean;
}

/**
 * One connection to the `/tasks` namespace that subscribes again on every (re)connection and
 * queues the events it accepts. Its `events()` end with a FollowTaskError when the server refuses
 * (a bad key, an unknown task, no `/tasks` namespace at `url`), the caller aborts, or the server
 * stays out of reach for `giveUpAfterMs`.
 */
export class FeedSocket<Event> {
  private readonly socket: Socket;
  private readonly base: string;
  private readonly buffered: Event[] = [];
  private wake?: () => void;
  private failure?: FollowTaskError;
  private lastError = 'no answer';
  private giveUp?: ReturnType<typeof setTimeout>;
  private connectedOnce = false;

  constructor(
    url: string,
    apiKey: string,
    private readonly options: FeedOptions<Event>,
  ) {
    this.base = url.replace(/\/+$/, '');
    this.socket = io(`${this.base}/tasks`, { auth: { token: apiKey }, transports: ['websocket'] });
    this.armGiveUp();
    this.socket.on('task.event', (event: Event) => {
      if (!options.accept(event)) return;
      this.buffered.push(event);
      this.nudge();
    });
    this.socket.on('connect', () => this.subscribe());
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return; // closed by us
      this.options.onConnection?.('disconnected');
      this.armGiveUp();
      // The server ended the session (a restart, a revoked key): try again; a refusal ends it.
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('connect_error', (error: Error & { data?: { detail?: string } }) =>
      this.connectFailed(error),
    );
  }

  /** The accepted events as they come; the connection closes when the caller stops reading. */
  async *events(): AsyncGenerator<Event> {
    const onAbort = (): void => this.fail(new FollowTaskError('aborted'));
    this.options.signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        // An abort ends the feed at once, even with events still queued.
        if (this.options.signal?.aborted) throw new FollowTaskError('aborted');
        const event = this.buffered.shift();
        if (event) {
          yield event;
          continue;
        }
        if (this.failure) throw this.failure;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      clearTimeout(this.giveUp);
      this.options.signal?.removeEventListener('abort', onAbort);
      this.socket.close();
    }
  }

  /** Drops what is queued and subscribes afresh, from what `subscription()` now says. */
  resubscribe(): void {
    this.buffered.length = 0;
    this.socket.disconnect().connect();
  }

  private subscribe(): void {
    this.connectedOnce = true;
    clearTimeout(this.giveUp);
    this.giveUp = undefined;
    this.socket.emitWithAck('subscribe', this.options.subscription()).then(
      (ack: SubscribeAck) => {
        if (ack.ok) {
          this.options.onAck?.(ack);
          this.options.onConnection?.('subscribed');
        } else this.fail(new FollowTaskError(ack.error?.detail ?? 'subscribe refused', ack.error));
        this.nudge();
      },
      () => this.nudge(),
    );
  }

  private connectFailed(error: Error & { data?: { detail?: string } }): void {
    this.lastError = error.message;
    // Refused by the server (a bad key), or no /tasks namespace there: retrying will not help.
    if (error.data) this.fail(new FollowTaskError(error.data.detail ?? error.message, error.data));
    if (error.message === 'Invalid namespace') {
      this.fail(
        new FollowTaskError(
          `${this.base} is not a Taskyard service's base URL (no /tasks namespace there); give its root, e.g. http://localhost:3000`,
        ),
      );
    }
    if (this.options.failFast && !this.connectedOnce) {
      this.fail(new FollowTaskError(this.unreachableMessage(), undefined, true));
    }
    this.nudge();
  }

  private armGiveUp(): void {
    const giveUpAfterMs = this.options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS;
    this.giveUp ??= setTimeout(() => {
      this.fail(
        new FollowTaskError(
          `${this.unreachableMessage()} for ${giveUpAfterMs / 1000} s`,
          undefined,
          true,
        ),
      );
    }, giveUpAfterMs);
  }

  private unreachableMessage(): string {
    return `cannot reach a Taskyard service at ${this.base} (${this.lastError})`;
  }

  private fail(error: FollowTaskError): void {
    this.failure ??= error;
    this.nudge();
  }

  private nudge(): void {
    this.wake?.();
  }
}
