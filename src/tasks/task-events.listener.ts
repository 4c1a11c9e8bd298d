import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { type ChannelWatch, listenOrPoll } from '../database/listen-or-poll.js';
import { EventLogWatch } from './event-log-watch.js';

/** The channel task_event_insert() notifies: `<task id>:<seq>` per event. */
export const TASK_EVENTS_CHANNEL = 'taskyard_task_events';

type Waiter = (seq: number | undefined) => void;

/** Hears every task event of the cluster: `(taskId, seq)`, or `(undefined)` after a reconnection. */
export type EventSubscriber = (taskId: string | undefined, seq?: number) => void;

/**
 * Hears every task event of the cluster, whichever process wrote it, on one connection, and tells
 * the waiters of this process (long polls) which task moved on.
 */
@Injectable()
export class TaskEventsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener?: ChannelWatch;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly subscribers = new Set<EventSubscriber>();
  /** Poll-only mode's question: were task events committed since the last poll? */
  private readonly eventLog: EventLogWatch;

  constructor(
    private readonly config: AppConfig,
    database: Database,
    @InjectLogger('task-events') private readonly logger: ContextLogger,
  ) {
    this.eventLog = new EventLogWatch(database);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Only API processes answer long polls.
    if (!this.config.runsApi) return;
    this.listener = await listenOrPoll(
      this.config.database,
      this.config.jobs.pollIntervalMs,
      TASK_EVENTS_CHANNEL,
      {
        onNotification: (payload) => this.dispatch(payload),
        // Events may have been missed (a reconnection, or no LISTEN at all): everyone re-reads.
        onMaybeMissed: () => this.wakeAll(),
        // Poll-only: one query per interval; everyone re-reads only when events were committed.
        hasNews: () => this.eventLog.moved(),
      },
      this.logger.logger,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
    this.wakeAll();
  }

  /**
   * Resolves with the new seq at the task's next event, or with undefined after `timeoutMs`.
   * Register before reading the task, so that an event between the read and the wait is not missed.
   */
  nextEvent(
    taskId: string,
    timeoutMs: number,
  ): { promise: Promise<number | undefined>; cancel(): void } {
    const set = this.waiters.get(taskId) ?? new Set<Waiter>();
    this.waiters.set(taskId, set);
    let timer: NodeJS.Timeout | undefined;
    let settle: Waiter | undefined;
    const cancel = (): void => {
      clearTimeout(timer);
      if (settle) set.delete(settle);
      if (set.size === 0 && this.waiters.get(taskId) === set) this.waiters.delete(taskId);
    };
    const promise = new Promise<number | undefined>((resolve) => {
      settle = (seq) => {
        cancel();
        resolve(seq);
      };
      timer = setTimeout(() => settle?.(undefined), timeoutMs);
    });
    if (settle) set.add(settle);
    return { promise, cancel };
  }

  /** Every event from now on, for the gateway; returns the unsubscribe function. */
  onEvent(subscriber: EventSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  private dispatch(payload: string): void {
    const separator = payload.lastIndexOf(':');
    const taskId = payload.slice(0, separator);
    const seq = Number(payload.slice(separator + 1));
    for (const subscriber of this.subscribers) subscriber(taskId, seq);
    const set = this.waiters.get(taskId);
    if (!set) return;
    for (const waiter of set) waiter(seq);
  }

  private wakeAll(): void {
    for (const subscriber of this.subscribers) subscriber(undefined);
    for (const set of this.waiters.values()) for (const waiter of set) waiter(undefined);
  }
}
