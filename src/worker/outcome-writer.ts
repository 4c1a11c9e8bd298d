import type { Logger } from 'pino';
import type { Db } from '../jobs/db.js';
import { finishJobs, type Outcome } from '../jobs/sql/finish.sql.js';
import type { Lease } from '../jobs/sql/lease.sql.js';

interface Pending {
  outcome: Outcome;
  resolve: (accepted: boolean) => void;
}

/**
 * Writes job outcomes in batches: outcomes that arrive while a write is in flight share the next
 * statement. Each caller learns whether its outcome was accepted (false: the lease was lost, and
 * another worker owns the job now). The worker counts `size` against what it may claim and renews
 * the `leases()` of outcomes still to be written, so this queue stays short and its leases valid.
 */
export class OutcomeWriter {
  private pending: Pending[] = [];
  private writing: Pending[] = [];
  private flushing = false;
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: () => void = () => undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    /** How long a failed write is retried: past the lease, the reaper hands the jobs out anyway. */
    private readonly retryForMs: number,
    /** Called after each batch is written (or given up on): room for more work. */
    private readonly onWritten: () => void = () => undefined,
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

  /** Outcomes handed in and not yet written. */
  get size(): number {
    return this.pending.length + this.writing.length;
  }

  /** The leases of the jobs whose outcome is still to be written. */
  leases(): Lease[] {
    return [...this.writing, ...this.pending].map(({ outcome }) => ({
      id: outcome.id,
      token: outcome.token,
    }));
  }

  /** Resolves when every outcome handed in so far has been written (or given up on). */
  drained(): Promise<void> {
    return this.idle;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.writing = batch;
      const refused = await this.writeWithRetry(batch.map((p) => p.outcome));
      this.writing = [];
      for (const p of batch) p.resolve(refused !== undefined && !refused.has(p.outcome.id));
      this.onWritten();
    }
    this.flushing = false;
    this.settleIdle();
  }

  /**
   * A failed write is retried while the leases can still be valid: the outcomes are worth keeping.
   * A batch that PostgreSQL refuses for its data (SQLSTATE class 22, e.g. a NUL in a text) is
   * written one outcome at a time, so that one bad outcome cannot sink the others.
   * Returns the ids refused, or undefined when the write failed for good.
   */
  private async writeWithRetry(outcomes: Outcome[]): Promise<Set<string> | undefined> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await finishJobs(this.db, outcomes);
      } catch (error) {
        if (isDataError(error) && outcomes.length > 1) return this.writeOneByOne(outcomes);
        if (isDataError(error) || Date.now() > deadline) {
          this.logger.error({ err: error, jobs: outcomes.length }, 'could not record job outcomes');
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  private async writeOneByOne(outcomes: Outcome[]): Promise<Set<string>> {
    const refused = new Set<string>();
    for (const outcome of outcomes) {
      const result = await this.writeWithRetry([outcome]);
      if (result === undefined || result.has(outcome.id)) refused.add(outcome.id);
    }
    return refused;
  }
}

function isDataError(error: unknown): boolean {
  return ((error as { code?: string }).code ?? '').startsWith('22');
}
