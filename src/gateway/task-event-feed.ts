import type { TaskEventView } from '../tasks/task.js';

const FINAL_KINDS = new Set(['succeeded', 'failed', 'cancelled']);
/** How many events the reader answers at most per call. */
export const READ_PAGE = 1000;

/** One connected client's subscriptions, as the feed keeps them. */
export interface FeedClient {
  tenant: string;
  admin: boolean;
  /** The seq last sent per task: what comes next continues from it, with no gap or repeat. */
  lastSent: Map<string, number>;
  tasks: Set<string>;
  all: boolean;
  send(event: TaskEventView): void;
}

export interface FeedEvent extends TaskEventView {
  tenant: string;
}

/** Reads a task's events after a seq, in order, with the task's tenant. */
export type EventReader = (taskId: string, afterSeq: number) => Promise<FeedEvent[]>;

/**
 * Delivers task events to this node's clients. A notification (task, seq) only says that the task
 * moved on: the feed reads the log after the lowest seq its clients have of that task and sends
 * each client what it has not had, in order. Reads of one task run one after another, so a
 * subscription's replay and the live events that follow it meet with no gap and no repeat.
 */
export class TaskEventFeed {
  private readonly byTask = new Map<string, Set<FeedClient>>();
  private readonly following = new Set<FeedClient>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly read: EventReader) {}

  /** Sends the task's events after `afterSeq`, then every later one. */
  subscribe(client: FeedClient, taskId: string, afterSeq: number): Promise<void> {
    client.tasks.add(taskId);
    client.lastSent.set(taskId, afterSeq);
    const clients = this.byTask.get(taskId) ?? new Set<FeedClient>();
    clients.add(client);
    this.byTask.set(taskId, clients);
    return this.catchUp(taskId);
  }

  /** Every event of the client's tenant (all tenants for an admin) from now on. */
  subscribeAll(client: FeedClient): void {
    client.all = true;
    this.following.add(client);
  }

  unsubscribe(client: FeedClient, taskId?: string): void {
    if (taskId === undefined) {
      client.all = false;
      this.following.delete(client);
      return;
    }
    client.tasks.delete(taskId);
    if (!client.all) client.lastSent.delete(taskId);
    const clients = this.byTask.get(taskId);
    clients?.delete(client);
    if (clients?.size === 0) this.byTask.delete(taskId);
  }

  remove(client: FeedClient): void {
    for (const taskId of client.tasks) this.unsubscribe(client, taskId);
    this.unsubscribe(client);
  }

  /** A notification: `taskId` reached `seq`; undefined after the listener reconnected. */
  notify(taskId: string | undefined, seq?: number): void {
    if (taskId === undefined) {
      for (const id of this.byTask.keys()) void this.catchUp(id);
      return;
    }
    if (!this.byTask.has(taskId) && this.following.size === 0) return;
    // A client following its tenant starts a task it has not seen at this event.
    for (const client of this.following) {
      if (seq !== undefined && !client.lastSent.has(taskId)) client.lastSent.set(taskId, seq - 1);
    }
    void this.catchUp(taskId);
  }

  get clientsFollowingTasks(): number {
    return this.byTask.size;
  }

  private catchUp(taskId: string): Promise<void> {
    const previous = this.queues.get(taskId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(taskId)).catch(() => undefined);
    this.queues.set(taskId, next);
    void next.then(() => {
      if (this.queues.get(taskId) === next) this.queues.delete(taskId);
    });
    return next;
  }

  /** The reader answers in pages: read on while pages come back full. */
  private async readAll(taskId: string, afterSeq: number): Promise<FeedEvent[]> {
    const events: FeedEvent[] = [];
    for (let from = afterSeq; ;) {
      const page = await this.read(taskId, from);
      events.push(...page);
      const last = page.at(-1);
      if (page.length < READ_PAGE || !last) return events;
      from = last.seq;
    }
  }

  private async deliver(taskId: string): Promise<void> {
    const clients = [...(this.byTask.get(taskId) ?? []), ...this.following];
    const froms = clients.map((c) => c.lastSent.get(taskId)).filter((s) => s !== undefined);
    if (froms.length === 0) return;
    const events = await this.readAll(taskId, Math.min(...froms));
    const tenant = events[0]?.tenant;
    for (const client of new Set(clients)) {
      const explicit = client.tasks.has(taskId);
      if (!explicit && !(client.admin || client.tenant === tenant)) {
        client.lastSent.delete(taskId);
        continue;
      }
      for (const { tenant: _tenant, ...event } of events) {
        if (event.seq <= (client.lastSent.get(taskId) ?? Number.MAX_SAFE_INTEGER)) continue;
        client.lastSent.set(taskId, event.seq);
        client.send(event);
        // A task followed through its tenant is forgotten once it ends.
        if (!explicit && FINAL_KINDS.has(event.kind)) client.lastSent.delete(taskId);
      }
    }
  }
}
