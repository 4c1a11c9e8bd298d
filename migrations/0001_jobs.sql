-- The queue engine's tables. All SQL that reads or writes them lives in src/jobs/sql.

CREATE TYPE job_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- Every claim takes the next value: the fencing token that each later write of the claimant must
-- present, so that a worker whose lease was lost can no longer change the job.
CREATE SEQUENCE job_lease_tokens AS bigint;

CREATE TABLE jobs (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue               text        NOT NULL DEFAULT 'default',
  type                text        NOT NULL,
  payload             jsonb       NOT NULL DEFAULT '{}',
  status              job_status  NOT NULL DEFAULT 'queued',
  priority            smallint    NOT NULL DEFAULT 0,
  run_at              timestamptz NOT NULL DEFAULT now(),
  attempts            integer     NOT NULL DEFAULT 0,
  max_attempts        integer     NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  timeout_ms          integer     CHECK (timeout_ms > 0),
  idempotency_key     text,
  concurrency_key     text,
  group_key           text,
  lease_owner         text,
  lease_token         bigint,
  lease_expires_at    timestamptz,
  cancel_requested_at timestamptz,
  last_error          text,
  result              jsonb,
  progress            jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  finished_at         timestamptz
);

-- The claim query: queued jobs in priority, run_at, id order. Partial, so finished jobs cost nothing.
CREATE INDEX jobs_claim_idx ON jobs (priority DESC, run_at, id) WHERE status = 'queued';

-- A second enqueue with the same key finds the first job (ON CONFLICT ... DO NOTHING).
CREATE UNIQUE INDEX jobs_idempotency_key_idx ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The guarantee behind concurrency_key: two running jobs with one key cannot both commit.
CREATE UNIQUE INDEX jobs_running_concurrency_key_idx ON jobs (concurrency_key)
  WHERE status = 'running' AND concurrency_key IS NOT NULL;

-- The reaper's scan for expired leases.
CREATE INDEX jobs_lease_expiry_idx ON jobs (lease_expires_at) WHERE status = 'running';

-- No index for retention: it walks the primary key from the oldest job once an hour, and an index
-- on finished jobs would cost an insert on every completion.

-- A paused queue is skipped by the claim query; a queue without a row is active.
CREATE TABLE job_queues (
  name      text PRIMARY KEY,
  paused    boolean     NOT NULL DEFAULT false,
  paused_at timestamptz
);

-- Running jobs per group (fairness). The claim query raises `running` under the row's lock, so
-- concurrent claims across processes can never pass the cap; a trigger lowers it.
CREATE TABLE job_groups (
  key         text PRIMARY KEY,
  running     integer NOT NULL DEFAULT 0 CHECK (running >= 0),
  -- How many slots the last claim that touched the row was granted (read back by that claim).
  granted     integer NOT NULL DEFAULT 0,
  -- NULL: the worker's JOBS_GROUP_MAX_RUNNING.
  max_running integer CHECK (max_running > 0)
);

CREATE FUNCTION job_groups_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE job_groups SET running = running - 1 WHERE key = OLD.group_key;
  RETURN NULL;
END;
$$;

-- Any way out of `running` (done, failed, retried, cancelled, released, reaped) frees the slot.
CREATE TRIGGER jobs_group_release
  AFTER UPDATE OF status ON jobs
  FOR EACH ROW
  WHEN (OLD.status = 'running' AND NEW.status <> 'running' AND OLD.group_key IS NOT NULL)
  EXECUTE FUNCTION job_groups_release();

-- Recurring jobs: the last tick enqueued per schedule.
CREATE TABLE job_schedules (
  name      text PRIMARY KEY,
  cron      text        NOT NULL,
  last_tick timestamptz NOT NULL
);
