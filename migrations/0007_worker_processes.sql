-- The registry of worker processes (src/worker/worker-registry.ts): every process that runs the
-- worker (ROLE=worker or all) registers at start-up under its worker id (the lease_owner of the
-- jobs it claims), stamps last_seen_at at each heartbeat (WORKERS_HEARTBEAT_MS) and sets gone_at
-- when it stops cleanly. A process killed without a word is reported gone by the readers once
-- last_seen_at is older than WORKERS_GONE_AFTER_MS; rows last seen before the retention period
-- are deleted by the retention job. `kind` leaves room for workers that are not Taskyard processes.
CREATE TABLE worker_processes (
  id           text PRIMARY KEY,
  kind         text NOT NULL DEFAULT 'process' CONSTRAINT worker_processes_kind_check
                    CHECK (kind IN ('process')),
  role         text NOT NULL,
  host         text NOT NULL,
  pid          integer NOT NULL,
  version      text NOT NULL,
  started_at   timestamptz NOT NULL,
  concurrency  integer NOT NULL,
  in_flight    integer NOT NULL DEFAULT 0,
  -- The job types it has handlers for, and the queues it takes jobs from (empty: every queue).
  types        text[] NOT NULL,
  queues       text[] NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  gone_at      timestamptz
);
-- No other index: the table holds one row per process started within the retention period, the
-- listing reads it whole, and the heartbeat (an UPDATE by primary key of columns no index covers)
-- then stays a HOT update that writes no index entry.
