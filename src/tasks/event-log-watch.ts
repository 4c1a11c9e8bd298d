import { type Db, prepared } from '../database/db.js';

/**
 * Whether task events committed since the previous snapshot, and the snapshot now: the events
 * whose transaction the new snapshot sees and the old one did not (as the tenant stream's delta,
 * through task_events_xid_idx). An id or seq high-water mark would not do: ids are taken in one
 * order and committed in another, so a smaller id committed later would never be noticed.
 * pg_current_snapshot() is the statement's own snapshot, the one the EXISTS reads with.
 */
const EVENTS_SINCE = prepared(
  'tasks.events-since',
  `SELECT pg_current_snapshot()::text AS snapshot, EXISTS (
     SELECT 1 FROM task_events e
     WHERE ((e.xid >= pg_snapshot_xmax($1::pg_snapshot)
             AND e.xid < pg_snapshot_xmax(pg_current_snapshot()))
            OR e.xid = ANY (ARRAY(SELECT pg_snapshot_xip($1::pg_snapshot))))
       AND pg_visible_in_snapshot(e.xid, pg_current_snapshot())
       AND NOT pg_visible_in_snapshot(e.xid, $1::pg_snapshot)
   ) AS moved`,
);

/**
 * For poll-only mode (no LISTEN): tells whether any task event was committed since the last call,
 * in one cheap query, so that readers re-read only when there is something to read.
 */
export class EventLogWatch {
  private last?: string;

  constructor(private readonly db: Db) {}

  /** True at the first call (nothing is known yet) and whenever events committed since the last. */
  async moved(): Promise<boolean> {
    const base = this.last ?? '1:1:';
    const [row] = (await this.db.query<{ snapshot: string; moved: boolean }>(EVENTS_SINCE([base])))
      .rows;
    if (!row) return true;
    const first = this.last === undefined;
    this.last = row.snapshot;
    return first || row.moved;
  }
}
