import type { Db } from '../db.js';

/**
 * Deletes finished jobs older than the cut-off, a bounded batch at a time (short locks, small WAL
 * bursts). It walks the primary key from the oldest job: there is deliberately no index on finished
 * jobs (it would cost every completion an insert), and old jobs sit at the low end of the key.
 */
const PRUNE_FINISHED = `
DELETE FROM jobs WHERE id IN (
  SELECT id FROM jobs
  WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < now() - $1::bigint * interval '1 millisecond'
  ORDER BY id
  LIMIT $2)`;

export async function pruneFinished(db: Db, olderThanMs: number, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await db.query(PRUNE_FINISHED, [olderThanMs, batch])).rowCount ?? 0;
    total += deleted;
    if (deleted < batch) return total;
  }
}
