import type { Logger } from 'pino';
import { GroupCommit } from '../database/group-commit.js';
import type { Db } from '../jobs/db.js';
import { finishJobs, type Outcome } from '../jobs/sql/finish.sql.js';
import type { Lease } from '../jobs/sql/lease.sql.js';

/**
 * Writes job outcomes in batches: outcomes that arrive while a write is in flight share the next
 * statement. Each caller learns whether its outcome was accepted (false: the lease was lost, and
 * another worker owns the job now). The worker counts `size` against what it may claim and renews
 * the `leases()` of outcomes still to be written, so this queue stays short and its leases valid.
 */
export class OutcomeWriter {
  private readonly commits: GroupCommit<Outcome, boolean>;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    /** How long a failed write is retried: past the lease, the reaper hands the jobs out anyway. */
    private readonly retryForMs: number,
    /** Called after each batch is written (or given up on): room for more work. */
    onWritten: () => void = () => undefined,
    maxBatch = 1000,
  ) {
    // A batch that PostgreSQL refuses for its data (SQLSTATE class 22, e.g. a NUL in a text) is
    // written one outcome at a time, so that one bad outcome cannot sink the others.
    this.commits = new GroupCommit((outcomes) => this.writeWithRetry(outcomes), {
      maxBatch,
      failedBatch: { writeAlone: 'in-turn', if: isDataError },
      afterBatch: onWritten,
    });
  }

  write(outcome: Outcome): Promise<boolean> {
    return this.commits.add(outcome).catch(() => false);
  }

  /** Outcomes handed in and not yet written. */
  get size(): number {
    return this.commits.size;
  }

  /** The leases of the jobs whose outcome is still to be written. */
  leases(): Lease[] {
    return this.commits.unwritten().map(({ id, token }) => ({ id, token }));
  }

  /** Resolves when every outcome handed in so far has been written (or given up on). */
  drained(): Promise<void> {
    return this.commits.drained();
  }

  /**
   * A failed write is retried while the leases can still be valid: the outcomes are worth keeping.
   * A data error in a batch of several is thrown, for the batch to be written one by one.
   * Answers for each outcome whether it was accepted (all false when the write failed for good).
   */
  private async writeWithRetry(outcomes: Outcome[]): Promise<boolean[]> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const refused = await finishJobs(this.db, outcomes);
        return outcomes.map((outcome) => !refused.has(outcome.id));
      } catch (error) {
        if (isDataError(error) && outcomes.length > 1) throw error;
        if (isDataError(error) || Date.now() > deadline) {
          this.logger.error({ err: error, jobs: outcomes.length }, 'could not record job outcomes');
          return outcomes.map(() => false);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }
}

function isDataError(error: unknown): boolean {
  return ((error as { code?: string }).code ?? '').startsWith('22');
}
