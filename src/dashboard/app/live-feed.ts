import { followTenant } from '../../client/index.js';
import type { TenantEvent } from '../../client/index.js';

export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

type Listener = (event: TenantEvent) => void;

/**
 * One Socket.IO subscription to every task the key may see, shared by all views: each view adds
 * a listener while it is on screen. The SDK's follower resumes from the last position after a
 * dropped connection (no event lost or repeated); when it gives up, this starts it again.
 */
export class LiveFeed {
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<(state: FeedState) => void>();
  private readonly abort = new AbortController();
  private position?: string;
  state: FeedState = 'connecting';

  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {
    void this.run();
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchState(listener: (state: FeedState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  stop(): void {
    this.abort.abort();
    this.setState('stopped');
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        for await (const event of followTenant(this.url, this.key, {
          after: this.position,
          signal,
          onConnection: (state) => this.setState(state === 'subscribed' ? 'live' : 'reconnecting'),
        })) {
          this.position = event.position;
          for (const listener of this.listeners) listener(event);
        }
      } catch {
        if (signal.aborted) return;
        this.setState('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }

  private setState(state: FeedState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
