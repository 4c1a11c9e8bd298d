const PRUNE_FINISHED = `
DELETE FROM jobs WHERE id IN (
  SELECT id FROM jobs
  WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < now() - $1::bigint * interval '1 millisecond'
  LIMIT $2)`;
export async function pruneFinished(db, olderThanMs, batch = 5000) {
    let total = 0;
    for (;;) {
        const deleted = (await db.query(PRUNE_FINISHED, [olderThanMs, batch])).rowCount ?? 0;
        total += deleted;
        if (deleted < batch)
            return total;
    }
}
//# sourceMappingURL=prune.sql.js.map