import type { TaskEventView } from '../tasks/task.js';

/** A progress event that stands for the consecutive progress events from `replaces` to `seq`. */
export type DeliveredEvent = TaskEventView & { replaces?: number };

/**
 * Backpressure for one client: while its connection has too much unsent, progress events are not
 * queued but held, one per task, each replacing the last; what is held goes out when the
 * connection drains, or before the task's next other event, so the order never changes. A client
 * that cannot keep up gets the latest progress instead of every step; `replaces` tells it which
 * seqs the merged event stands for, so it can tell that from a gap.
 */
export class ProgressHold {
  private readonly held = new Map<string, DeliveredEvent>();

  constructor(
    private readonly send: (event: DeliveredEvent) => void,
    private readonly congested: () => boolean,
  ) {}

  deliver(event: TaskEventView): void {
    const held = this.held.get(event.taskId);
    if (event.kind === 'progress' && (held || this.congested())) {
      this.held.set(event.taskId, { ...event, replaces: held?.replaces ?? held?.seq ?? event.seq });
      return;
    }
    if (held) this.flushTask(event.taskId, held);
    this.send(event);
  }

  /** Sends everything held (the connection has room again). */
  drain(): void {
    for (const [taskId, held] of this.held) this.flushTask(taskId, held);
  }

  get size(): number {
    return this.held.size;
  }

  private flushTask(taskId: string, held: DeliveredEvent): void {
    this.held.delete(taskId);
    // A single held event stands only for itself.
    const { replaces, ...event } = held;
    this.send(replaces === undefined || replaces === held.seq ? event : held);
  }
}
