import type { Logger } from 'pino';
import { type DatabaseTargets, listenTarget } from './connection-options.js';
import { PgListener } from './pg-listener.js';

/** What a channel's user is told: each notification, and when it must re-read everything. */
export interface ChannelEvents {
  onNotification(payload: string): void;
  /** After a reconnection (notifications may have been missed), and at polls when there is no LISTEN. */
  onMaybeMissed(): void;
  /** Poll-only: whether anything happened since the last poll (left out: assume it did). */
  hasNews?(): Promise<boolean>;
}

/** Stops listening or polling. */
export interface ChannelWatch {
  stop(): Promise<void>;
}

/**
 * LISTENs on `channel` over the direct connection; with none (DATABASE_LISTEN_URL=none) calls
 * `onMaybeMissed` every `pollIntervalMs` instead (when `hasNews` says so, or cannot tell), so its
 * user re-reads as after a reconnection.
 */
export async function listenOrPoll(
  database: DatabaseTargets,
  pollIntervalMs: number,
  channel: string,
  events: ChannelEvents,
  logger: Logger,
): Promise<ChannelWatch> {
  const target = listenTarget(database);
  if (!target) {
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return;
      polling = true;
      void (events.hasNews?.() ?? Promise.resolve(true))
        .catch(() => true)
        .then((news) => news && events.onMaybeMissed())
        .finally(() => (polling = false));
    }, pollIntervalMs);
    timer.unref();
    return { stop: async () => clearInterval(timer) };
  }
  const listener = new PgListener(
    target,
    channel,
    {
      onNotification: (payload) => events.onNotification(payload),
      onConnectionChange: (connected) => connected && events.onMaybeMissed(),
    },
    logger,
  );
  await listener.start();
  return listener;
}
