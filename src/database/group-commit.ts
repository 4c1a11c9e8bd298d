/** How a group commit batches its items and what a batch whose write throws does to them. */
export interface GroupCommitPolicy {
  /** The most items one write takes. */
  maxBatch: number;
  /**
   * `fail-all`: every item of the batch fails with the error. Else each item is written again on
   * its own (`concurrently` or `in-turn`), when `if` says the error calls for it (otherwise all
   * fail), so that one bad item cannot sink the others.
   */
  failedBatch:
    'fail-all' | { writeAlone: 'concurrently' | 'in-turn'; if?: (error: unknown) => boolean };
  /** Called after each batch is written (or failed): room for more work. */
  afterBatch?: () => void;
}

interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items added while a write is in flight share the next write, and so one commit
 * (and one flush of NOTIFYs) serves many callers. Each caller still hears back only after its own
 * item was written. `write` answers one result per item, in order.
 */
export class GroupCommit<In, Out> {
  private pending: Pending<In, Out>[] = [];
  private writing: Pending<In, Out>[] = [];
  private flushing = false;
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: () => void = () => undefined;

  constructor(
    private readonly write: (items: In[]) => Promise<Out[]>,
    private readonly policy: GroupCommitPolicy,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        this.idle = new Promise((settle) => (this.settleIdle = settle));
        // One turn of the event loop lets calls made together (Promise.all) share the first write.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Items added and not yet written. */
  get size(): number {
    return this.pending.length + this.writing.length;
  }

  /** Items added and not yet written: the batch being written first, then those waiting. */
  unwritten(): In[] {
    return [...this.writing, ...this.pending].map((p) => p.item);
  }

  /** Resolves when every item added so far has been written (or has failed). */
  drained(): Promise<void> {
    return this.idle;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.policy.maxBatch);
      this.writing = batch;
      try {
        const written = await this.write(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(written[i]));
      } catch (error) {
        await this.failed(batch, error);
      }
      this.writing = [];
      this.policy.afterBatch?.();
    }
    this.flushing = false;
    this.settleIdle();
  }

  private async failed(batch: Pending<In, Out>[], error: unknown): Promise<void> {
    const { failedBatch } = this.policy;
    if (failedBatch === 'fail-all' || batch.length === 1 || failedBatch.if?.(error) === false) {
      for (const p of batch) p.reject(error);
    } else if (failedBatch.writeAlone === 'concurrently') {
      await Promise.all(batch.map((p) => this.writeAlone(p)));
    } else {
      for (const p of batch) await this.writeAlone(p);
    }
  }

  private async writeAlone(pending: Pending<In, Out>): Promise<void> {
    try {
      const [written] = await this.write([pending.item]);
      pending.resolve(written);
    } catch (error) {
      pending.reject(error);
    }
  }
}
