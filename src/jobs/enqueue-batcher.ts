import type { Db } from './db.js';
import type { JobRow } from './job.js';
import { insertRows } from './enqueue-rows.js';

interface Pending {
  rowJson: string;
  key: string | null;
  resolve: (row: JobRow) => void;
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

  add(rowJson: string, key: string | null): Promise<JobRow> {
    return new Promise((resolve, reject) => {
      this.pending.push({ rowJson, key, resolve, reject });
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
        const rows = await insertRows(
          this.db,
          batch.map((p) => p.rowJson),
          batch.map((p) => p.key),
        );
        batch.forEach((p, i) => p.resolve(rows[i]));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = false;
  }
}
