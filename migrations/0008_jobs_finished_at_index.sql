-- GET /admin/activity counts the jobs that finished in the last minutes (src/jobs/sql/activity.sql.ts).
-- Finished jobs are kept for JOBS_RETENTION_HOURS, so without an index each refresh would read them
-- all. BRIN, not btree: a finishing job's new row version lands on a page written about when it was
-- enqueued, so finished_at follows the physical order closely enough for block-range min/max, and
-- a completion costs no extra btree insert (see the note on retention in 0001). The newest ranges
-- stay unsummarized until a vacuum and are always read: they are the ones the window wants.
CREATE INDEX jobs_finished_at_brin ON jobs USING brin (finished_at) WITH (pages_per_range = 32);
