import type { Logger } from 'pino';
import type { Db } from '../jobs/db.js';
import { finishJobs, type Outcome } from '../jobs/sql/finish.sql.js';

interface Pending {
  outcome: Outcome;
  resolve: (accepted: boolean) => void;
}

/**
 * Writes job outcomes in batches: outcomes that arrive while a write is in flight share the next
 * statement. Each caller learns whether its outcome was accepted (false: the lease was lost, and
 * another worker owns the job now).
 */
export class OutcomeWriter {
  private pending: Pending[] = [];
  private flushing = false;
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: () => void = () => undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly maxBatch = 1000,
  ) {}

  write(outcome: Outcome): Promise<boolean> {
    return new Promise((resolve) => {
      this.pending.push({ outcome, resolve });
      if (!this.flushing) {
        this.flushing = true;
        this.idle = new Promise((settle) => (this.settleIdle = settle));
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves when every outcome handed in so far has been written (or given up on). */
  drained(): Promise<void> {
    return this.idle;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      const refused = await this.writeWithRetry(batch.map((p) => p.outcome));
      for (const p of batch) p.resolve(refused !== undefined && !refused.has(p.outcome.id));
    }
    this.flushing = false;
    this.settleIdle();
  }

  /**
   * A failed write is tried again for a while: the outcome is worth keeping. If the database stays
   * away longer than the lease, the reaper hands the jobs out again anyway (at-least-once).
   */
  /** The ids refused, or undefined when the write failed for good. */
  private async writeWithRetry(outcomes: Outcome[]): Promise<Set<string> | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await finishJobs(this.db, outcomes);
      } catch (error) {
        if (attempt >= 5) {
          this.logger.error(
            { err: error, jobs: outcomes.length },
            'could not record job outcomes; their leases will expire',
          );
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
