import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type ChannelWatch, listenOrPoll } from '../database/listen-or-poll.js';
import { JOBS_CHANNEL } from '../jobs/db.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';

/**
 * The queue's NOTIFY (`queue:<name>` when jobs become ready) for long-polling claims: one LISTEN
 * connection per process, opened by the first claim that waits. A waiter registered before its
 * claim misses no notification sent after it.
 */
@Injectable()
export class JobsWakeup implements OnApplicationShutdown {
  private listener?: ChannelWatch;
  private starting?: Promise<void>;
  /** Each waiting claim's wake-up, with the queue it waits on. */
  private readonly waiters = new Map<() => void, string>();

  constructor(
    private readonly config: AppConfig,
    @InjectLogger('RemoteWorkers') private readonly logger: ContextLogger,
  ) {}

  /** Resolves at the next notification for `queue`, or after `ms`; cancel() drops the wait. */
  async waiter(queue: string, ms: number): Promise<{ woken: Promise<void>; cancel: () => void }> {
    await this.start();
    let wake!: () => void;
    let timer: NodeJS.Timeout | undefined;
    const woken = new Promise<void>((resolve) => {
      wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, ms);
    });
    this.waiters.set(wake, queue);
    return { woken, cancel: wake };
  }

  async onApplicationShutdown(): Promise<void> {
    this.wakeAll();
    await this.listener?.stop();
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      this.listener = await listenOrPoll(
        this.config.database,
        this.config.jobs.pollIntervalMs,
        JOBS_CHANNEL,
        {
          onNotification: (payload) => this.notified(payload),
          // Anything may have been missed (a reconnection, or no LISTEN): every waiter claims again.
          onMaybeMissed: () => this.wakeAll(),
        },
        this.logger.logger,
      );
    })();
    return this.starting;
  }

  private notified(payload: string): void {
    if (!payload.startsWith('queue:')) return;
    const queue = payload.slice('queue:'.length);
    for (const [wake, waitedOn] of this.waiters) if (waitedOn === queue) wake();
  }

  private wakeAll(): void {
    for (const wake of this.waiters.keys()) wake();
  }
}
