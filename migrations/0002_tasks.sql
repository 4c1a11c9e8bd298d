-- API keys, files, tasks and their event log. A task runs as one job of type `task:<type>`; the
-- trigger at the end keeps the task's state in step with its job's, in the job's own transaction,
-- so that no crash can leave a finished job beside a running task.

CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant       text        NOT NULL,
  name         text        NOT NULL,
  role         text        NOT NULL CHECK (role IN ('user', 'admin')),
  -- sha256 of the key. Keys are 256 random bits, so a fast unsalted hash is enough.
  key_hash     bytea       NOT NULL UNIQUE,
  -- The first characters of the key, to recognise it in a list.
  key_prefix   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE files (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant        text        NOT NULL,
  -- Blobs are stored once per content: several rows may share one.
  sha256        text        NOT NULL,
  size          bigint      NOT NULL,
  media_type    text        NOT NULL,
  -- As the client sent it; metadata only, never used as a path.
  name          text,
  -- Set for the output files of a task (its artifacts).
  task_id       uuid,
  artifact_name text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (task_id, artifact_name)
);

CREATE INDEX files_sha256_idx ON files (sha256);

CREATE TYPE task_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

CREATE TABLE tasks (
  id                 uuid PRIMARY KEY,
  tenant             text        NOT NULL,
  type               text        NOT NULL,
  status             task_status NOT NULL DEFAULT 'queued',
  input_file_id      uuid REFERENCES files (id) ON DELETE RESTRICT,
  payload            jsonb,
  options            jsonb       NOT NULL DEFAULT '{}',
  progress           jsonb,
  result             jsonb,
  error              jsonb,
  attempts           integer     NOT NULL DEFAULT 0,
  max_attempts       integer     NOT NULL,
  -- When a queued task may run (set while it waits for a retry).
  run_at             timestamptz,
  job_id             bigint      NOT NULL UNIQUE,
  idempotency_key    text,
  parent_id          uuid REFERENCES tasks (id) ON DELETE SET NULL,
  -- A batch child's line in its parent's manifest: a re-run of the parent skips lines it has done.
  parent_line        integer,
  children_total     integer     NOT NULL DEFAULT 0,
  children_succeeded integer     NOT NULL DEFAULT 0,
  children_failed    integer     NOT NULL DEFAULT 0,
  children_cancelled integer     NOT NULL DEFAULT 0,
  -- The task's own work is done; it finishes when its last child does.
  awaiting_children  boolean     NOT NULL DEFAULT false,
  -- The seq of its latest event; bumped under the row lock, so seqs have no gaps.
  last_seq           integer     NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  started_at         timestamptz,
  finished_at        timestamptz
);

ALTER TABLE files ADD FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE;

CREATE UNIQUE INDEX tasks_idempotency_key_idx ON tasks (tenant, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
-- Listing: newest first, per tenant, and for admins across tenants.
CREATE INDEX tasks_tenant_created_idx ON tasks (tenant, created_at DESC, id DESC);
CREATE INDEX tasks_created_idx ON tasks (created_at DESC, id DESC);
CREATE UNIQUE INDEX tasks_parent_line_idx ON tasks (parent_id, parent_line) WHERE parent_id IS NOT NULL;
CREATE INDEX tasks_input_file_idx ON tasks (input_file_id) WHERE input_file_id IS NOT NULL;

CREATE TABLE task_events (
  task_id uuid        NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  seq     integer     NOT NULL,
  kind    text        NOT NULL,
  data    jsonb,
  at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, seq)
);

-- Tables that csv.import loads, one per task.
CREATE SCHEMA imports;

-- Appends an event with a seq the caller took by bumping tasks.last_seq (which locked the row).
-- Listeners are told the task and seq; they read the row, so no payload is too big for NOTIFY.
CREATE FUNCTION task_event_insert(p_task uuid, p_seq integer, p_kind text, p_data jsonb)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO task_events (task_id, seq, kind, data) VALUES (p_task, p_seq, p_kind, p_data);
  SELECT pg_notify('taskyard_task_events', p_task::text || ':' || p_seq);
$$;

-- A child reached an end: count it in its running parent, and finish the parent after its last one.
CREATE FUNCTION task_child_finished(p_parent uuid, p_status task_status, p_delta integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  p tasks%ROWTYPE;
  done integer;
  seq integer;
BEGIN
  UPDATE tasks SET
    children_succeeded = children_succeeded + CASE WHEN p_status = 'succeeded' THEN p_delta ELSE 0 END,
    children_failed = children_failed + CASE WHEN p_status = 'failed' THEN p_delta ELSE 0 END,
    children_cancelled = children_cancelled + CASE WHEN p_status = 'cancelled' THEN p_delta ELSE 0 END
  WHERE id = p_parent AND status = 'running'
  RETURNING * INTO p;
  IF NOT FOUND OR p_delta < 0 THEN RETURN; END IF;
  done := p.children_succeeded + p.children_failed + p.children_cancelled;
  IF p.awaiting_children AND done >= p.children_total THEN
    PERFORM task_finish(p.id, 'succeeded', task_children_tally(p), NULL);
  ELSIF p.awaiting_children AND done * 100 / p.children_total > (done - 1) * 100 / p.children_total THEN
    -- One progress event per percent, not per child.
    UPDATE tasks SET
      progress = jsonb_build_object('percent', done * 100 / children_total,
                                    'message', format('%s of %s children finished', done, children_total)),
      last_seq = last_seq + 1, updated_at = now()
    WHERE id = p.id RETURNING last_seq INTO seq;
    PERFORM task_event_insert(p.id, seq, 'progress', (SELECT progress FROM tasks WHERE id = p.id));
  END IF;
END;
$$;

CREATE FUNCTION task_children_tally(p tasks) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('children', p.children_total, 'succeeded', p.children_succeeded,
                            'failed', p.children_failed, 'cancelled', p.children_cancelled);
$$;

-- Ends a task: its state, its event, and its parent's count, in the caller's transaction.
CREATE FUNCTION task_finish(p_task uuid, p_status task_status, p_result jsonb, p_error jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  seq integer;
  parent uuid;
BEGIN
  UPDATE tasks SET status = p_status, result = p_result, error = p_error, awaiting_children = false,
    progress = CASE WHEN p_status = 'succeeded' THEN '{"percent": 100}'::jsonb ELSE progress END,
    finished_at = now(), updated_at = now(), last_seq = last_seq + 1
  WHERE id = p_task RETURNING last_seq, parent_id INTO seq, parent;
  PERFORM task_event_insert(p_task, seq, p_status::text,
    CASE WHEN p_status = 'succeeded' THEN jsonb_build_object('result', p_result)
         ELSE jsonb_build_object('error', p_error) END);
  IF parent IS NOT NULL THEN PERFORM task_child_finished(parent, p_status, 1); END IF;
END;
$$;

-- `last_error` reads "<ErrorName>: <message>"; a task shows the message and a problem type.
CREATE FUNCTION task_error_of(p_status job_status, p_error text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'type', 'urn:taskyard:problem:' || CASE
      WHEN p_status = 'cancelled' THEN 'task-cancelled'
      WHEN p_error LIKE 'JobTimeoutError:%' THEN 'task-timeout'
      ELSE 'task-failed' END,
    'title', CASE WHEN p_status = 'cancelled' THEN 'Task cancelled'
                  WHEN p_error LIKE 'JobTimeoutError:%' THEN 'Task timed out'
                  ELSE 'Task failed' END,
    'detail', COALESCE(substring(p_error FROM '^[A-Za-z]*Error: (.*)$'), p_error, 'cancelled'));
$$;

CREATE FUNCTION tasks_follow_job() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t tasks%ROWTYPE;
  seq integer;
BEGIN
  SELECT * INTO t FROM tasks WHERE job_id = NEW.id FOR UPDATE;
  IF NOT FOUND THEN RETURN NULL; END IF;

  IF NEW.status = 'running' THEN
    UPDATE tasks SET status = 'running', attempts = NEW.attempts, run_at = NULL,
      started_at = COALESCE(started_at, now()), updated_at = now(), last_seq = last_seq + 1
    WHERE id = t.id RETURNING last_seq INTO seq;
    PERFORM task_event_insert(t.id, seq, 'started', jsonb_build_object('attempt', NEW.attempts));

  ELSIF NEW.status = 'queued' THEN
    IF OLD.status <> 'running' AND t.parent_id IS NOT NULL AND t.status <> 'running' THEN
      PERFORM task_child_finished(t.parent_id, t.status, -1);
    END IF;
    UPDATE tasks SET status = 'queued', attempts = NEW.attempts, run_at = NEW.run_at,
      result = NULL, finished_at = NULL, awaiting_children = false,
      error = CASE WHEN OLD.status = 'running' THEN task_error_of(NEW.status, NEW.last_error) END,
      updated_at = now(), last_seq = last_seq + 1
    WHERE id = t.id RETURNING last_seq INTO seq;
    PERFORM task_event_insert(t.id, seq, 'retrying', jsonb_build_object(
      'attempt', NEW.attempts, 'runAt', NEW.run_at,
      'reason', CASE WHEN OLD.status <> 'running' THEN 'retry requested'
                     WHEN NEW.attempts < OLD.attempts THEN 'handed back by a stopping worker'
                     ELSE COALESCE(substring(NEW.last_error FROM '^[A-Za-z]*Error: (.*)$'), NEW.last_error) END));

  ELSIF t.status IN ('succeeded', 'failed', 'cancelled') THEN
    NULL; -- already ended (a batch parent cancelled while it waited for its children)

  ELSIF NEW.status = 'succeeded' AND t.children_total > 0 THEN
    IF t.children_succeeded + t.children_failed + t.children_cancelled >= t.children_total THEN
      PERFORM task_finish(t.id, 'succeeded', task_children_tally(t), NULL);
    ELSE
      UPDATE tasks SET awaiting_children = true, updated_at = now() WHERE id = t.id;
    END IF;

  ELSIF NEW.status = 'succeeded' THEN
    PERFORM task_finish(t.id, 'succeeded', NEW.result, NULL);

  ELSE
    PERFORM task_finish(t.id, NEW.status::text::task_status, NULL, task_error_of(NEW.status, NEW.last_error));
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_tasks_follow
  AFTER UPDATE OF status ON jobs
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.type LIKE 'task:%')
  EXECUTE FUNCTION tasks_follow_job();
