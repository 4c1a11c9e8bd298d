import type { Db } from './db.js';
import { insertPrepared, type PreparedJob } from './enqueue-rows.js';
import type { Job } from './job.js';

interface Pending {
  job: PreparedJob;
  resolve: (job: Job) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for single enqueues: calls that arrive while a flush is in flight share the next
 * INSERT, and so one commit and one NOTIFY. Each call still resolves only after its job committed.
 */
export class EnqueueBatcher {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 1000,
  ) {}

  add(job: PreparedJob): Promise<Job> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // One turn of the event loop lets calls made together (Promise.all) share the first flush.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const jobs = await insertPrepared(
          this.db,
          batch.map((p) => p.job),
        );
        batch.forEach((p, i) => p.resolve(jobs[i]));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = false;
  }
}
