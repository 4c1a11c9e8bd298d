import type { TaskEventView } from '../tasks/task.js';
import type { FeedEvent } from './gateway-reads.js';

/** How many events one read answers at most. */
export const READ_PAGE = 500;
/** How long a failed read waits before it is made again. */
const RETRY_MS = 1000;

/** One connected client's task subscriptions, as the feed keeps them. */
export interface FeedClient {
  /** The seq last sent per task: what comes next continues from it, with no gap or repeat. */
  lastSent: Map<string, number>;
  /** Tasks it follows live (its replay done). */
  live: Set<string>;
  /** Live events: progress may be merged while the connection is congested. */
  send(event: TaskEventView): void;
  /** Replayed events: every one, paced by `drained`. */
  replay(event: TaskEventView): void;
  congested(): boolean;
  /** Resolves when the connection has room again, or has closed. */
  drained(): Promise<void>;
  /** Replays of one client run one after another: one page in memory per client. */
  lane: Promise<void>;
}

/** Reads a task's events after a seq, in order, with the task's tenant. */
export type EventReader = (taskId: string, afterSeq: number, limit: number) => Promise<FeedEvent[]>;

interface TaskState {
  clients: Set<FeedClient>;
  reading: boolean;
  again: boolean;
}

/**
 * Delivers the events of the tasks clients subscribed to. A subscription first replays the log
 * after its seq, page by page, waiting for the connection to drain between pages (memory stays
 * flat, the first event goes out after one page's read); then it joins the task's live readers.
 * A notification only says that the task moved on: the feed reads the log after the lowest seq its
 * live clients have and sends each what it has not had. Reads of one task run one at a time, and
 * notifications that come meanwhile make one more read, not one each.
 */
export class TaskEventFeed {
  private readonly tasks = new Map<string, TaskState>();

  constructor(
    private readonly read: EventReader,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Sends the task's events after `afterSeq`, then every later one. */
  subscribe(client: FeedClient, taskId: string, afterSeq: number): void {
    client.lastSent.set(taskId, afterSeq);
    this.queueReplay(client, taskId);
  }

  unsubscribe(client: FeedClient, taskId: string): void {
    client.lastSent.delete(taskId);
    client.live.delete(taskId);
    const state = this.tasks.get(taskId);
    state?.clients.delete(client);
    if (state?.clients.size === 0 && !state.reading) this.tasks.delete(taskId);
  }

  remove(client: FeedClient): void {
    for (const taskId of client.lastSent.keys()) this.unsubscribe(client, taskId);
  }

  /** A notification: `taskId` moved on; undefined after the listener reconnected. */
  notify(taskId: string | undefined): void {
    if (taskId === undefined) {
      for (const id of this.tasks.keys()) this.catchUp(id);
      return;
    }
    if (this.tasks.has(taskId)) this.catchUp(taskId);
  }

  get followedTasks(): number {
    return this.tasks.size;
  }

  /** A replay that fails (the database, a full read queue) goes on from where it stopped, later. */
  private queueReplay(client: FeedClient, taskId: string): void {
    client.lane = client.lane
      .then(() => this.replay(client, taskId))
      .catch((error: unknown) => {
        this.onError(error);
        setTimeout(() => this.queueReplay(client, taskId), RETRY_MS).unref();
      });
  }

  private async replay(client: FeedClient, taskId: string): Promise<void> {
    for (;;) {
      const from = client.lastSent.get(taskId);
      if (from === undefined) return; // unsubscribed meanwhile
      const page = await this.read(taskId, from, READ_PAGE);
      for (const event of page) {
        if (client.lastSent.get(taskId) !== event.seq - 1) return;
        client.lastSent.set(taskId, event.seq);
        client.replay(withoutTenant(event));
        if (client.congested()) await client.drained();
      }
      if (page.length < READ_PAGE) break;
    }
    if (!client.lastSent.has(taskId)) return;
    // Live from here; one read now covers what was written during the last page's read.
    client.live.add(taskId);
    const state = this.tasks.get(taskId) ?? { clients: new Set(), reading: false, again: false };
    state.clients.add(client);
    this.tasks.set(taskId, state);
    this.catchUp(taskId);
  }

  private catchUp(taskId: string): void {
    const state = this.tasks.get(taskId);
    if (!state) return;
    if (state.reading) {
      state.again = true;
      return;
    }
    state.reading = true;
    void (async () => {
      do {
        state.again = false;
        await this.deliver(taskId, state).catch((error: unknown) => {
          this.onError(error);
          setTimeout(() => this.catchUp(taskId), RETRY_MS).unref();
        });
      } while (state.again);
      state.reading = false;
      if (state.clients.size === 0) this.tasks.delete(taskId);
    })();
  }

  private async deliver(taskId: string, state: TaskState): Promise<void> {
    for (;;) {
      const froms = [...state.clients].map((c) => c.lastSent.get(taskId) ?? Infinity);
      const from = Math.min(...froms);
      if (!Number.isFinite(from)) return;
      const page = await this.read(taskId, from, READ_PAGE);
      for (const client of state.clients) {
        for (const event of page) {
          const last = client.lastSent.get(taskId);
          if (last === undefined || event.seq <= last) continue;
          client.lastSent.set(taskId, event.seq);
          client.send(withoutTenant(event));
        }
      }
      if (page.length < READ_PAGE) return;
    }
  }
}

function withoutTenant({ tenant: _tenant, ...event }: FeedEvent): TaskEventView {
  return event;
}
