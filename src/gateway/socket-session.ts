import type { Socket } from 'socket.io';
import { type Caller, tenantScope } from '../auth/api-key.js';
import { problemOf } from '../http/problem.js';
import type { TaskEventView } from '../tasks/task.js';
import { MessageLimiter, type MessageLimits } from './message-limiter.js';
import { type DeliveredEvent, ProgressHold } from './progress-hold.js';
import type { FeedClient } from './task-event-feed.js';
import type { StreamEvent, StreamFollower } from './tenant-stream.js';

/** The one server event: `task.event` with `{taskId, seq, kind, at, data}` (and `position`). */
export const TASK_EVENT = 'task.event';
/** Packets waiting on a connection past which it counts as congested. */
const MAX_UNSENT_PACKETS = 64;
/**
 * Past this many unsent packets the client is dropped: live events of many tasks that it does not
 * read would otherwise pile up in memory. It reconnects and resumes from its last seq or position.
 */
export const MAX_UNSENT_HARD = 2_000;

/**
 * What the gateway keeps per connection: who it is, its message budget, and the back-pressure
 * shared by its subscriptions — `unsent` counts packets given to the connection since it last
 * drained; live progress is merged past 64, replays and the tenant stream wait for the drain.
 */
export class SocketSession {
  readonly limiter: MessageLimiter;
  readonly feed: FeedClient;
  follower?: StreamFollower;
  private unsent = 0;
  private waiters: (() => void)[] = [];
  private readonly hold: ProgressHold;
  private closed = false;

  constructor(
    readonly socket: Socket,
    readonly caller: Caller,
    readonly key: string,
    limits: MessageLimits,
    private readonly emitted: (event: TaskEventView) => void,
    private readonly onDrain: (session: SocketSession) => void,
  ) {
    this.limiter = new MessageLimiter(limits);
    this.hold = new ProgressHold(
      (event) => this.emit(event),
      () => this.congested(),
    );
    this.feed = {
      lastSent: new Map(),
      live: new Set(),
      send: (event) => this.hold.deliver(event),
      replay: (event) => this.emit(event),
      congested: () => this.congested(),
      drained: () => this.drained(),
      lane: Promise.resolve(),
    };
    socket.conn.on('drain', () => {
      this.unsent = 0;
      this.hold.drain();
      for (const wake of this.waiters.splice(0)) wake();
      this.onDrain(this);
    });
  }

  /** A follower for the tenant stream; its events go out as they come, paced by its group. */
  newFollower(): StreamFollower {
    this.follower = {
      scope: tenantScope(this.caller),
      position: { base: { xmin: 0n, xmax: 0n, xip: [] } },
      send: (event: StreamEvent) => this.emit(event),
      congested: () => this.congested(),
    };
    return this.follower;
  }

  get subscriptions(): number {
    return this.feed.lastSent.size + (this.follower ? 1 : 0);
  }

  close(): void {
    this.closed = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private congested(): boolean {
    return this.unsent >= MAX_UNSENT_PACKETS;
  }

  private drained(): Promise<void> {
    if (this.closed || !this.congested()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private emit(event: DeliveredEvent | StreamEvent): void {
    if (this.closed) return;
    this.unsent++;
    this.socket.emit(TASK_EVENT, event);
    this.emitted(event);
    if (this.unsent > MAX_UNSENT_HARD) {
      this.socket.emit(
        'error',
        problemOf({
          status: 429,
          detail: 'The connection did not read its events and was closed; resume.',
        }),
      );
      this.socket.disconnect(true);
    }
  }
}
