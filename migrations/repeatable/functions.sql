-- Taskyard's functions and the triggers that call them, as they are now. Re-applied whole, in one
-- transaction, after the numbered migrations whenever this file's checksum changed (recorded in
-- schema_repeatables): edit it here, never with CREATE OR REPLACE in a numbered migration. It runs
-- with search_path set to Taskyard's schema, so names stay unqualified; the trigger functions keep
-- that path (SET search_path FROM CURRENT) because they also fire on connections Taskyard does not
-- own (a host application's transaction cancelling a job). Constants shared with TypeScript are
-- checked by test/e2e/shared-constants.spec.ts.

-- Replaced by task_problem(job_status, text, text), which reads jobs.error_kind and error_detail.
DROP FUNCTION IF EXISTS task_error_of(job_status, text);

CREATE OR REPLACE FUNCTION job_groups_release() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE job_groups SET running = running - 1 WHERE key = OLD.group_key;
  RETURN NULL;
END;
$$;

-- Any way out of `running` (done, failed, retried, cancelled, released, reaped) frees the slot.
DROP TRIGGER IF EXISTS jobs_group_release ON jobs;
CREATE TRIGGER jobs_group_release
  AFTER UPDATE OF status ON jobs
  FOR EACH ROW
  WHEN (OLD.status = 'running' AND NEW.status <> 'running' AND OLD.group_key IS NOT NULL)
  EXECUTE FUNCTION job_groups_release();

-- Appends an event with a seq the caller took by bumping tasks.last_seq (which locked the row).
-- Listeners are told the task and seq; they read the row, so no payload is too big for NOTIFY.
CREATE OR REPLACE FUNCTION task_event_insert(p_task uuid, p_seq integer, p_kind text, p_data jsonb)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO task_events (task_id, seq, kind, data) VALUES (p_task, p_seq, p_kind, p_data);
  SELECT pg_notify('taskyard_task_events', p_task::text || ':' || p_seq);
$$;

CREATE OR REPLACE FUNCTION task_children_tally(p tasks) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('children', p.children_total, 'succeeded', p.children_succeeded,
                            'failed', p.children_failed, 'cancelled', p.children_cancelled);
$$;

-- A child reached an end: count it in its running parent, and finish the parent after its last one.
CREATE OR REPLACE FUNCTION task_child_finished(p_parent uuid, p_status task_status, p_delta integer)
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

-- Ends a task: its state, its event, and its parent's count, in the caller's transaction.
CREATE OR REPLACE FUNCTION task_finish(p_task uuid, p_status task_status, p_result jsonb, p_error jsonb)
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

-- A task's error, from what the worker recorded of the job's last attempt (jobs.error_kind and
-- error_detail, written by src/jobs/sql/finish.sql.ts and reap.sql.ts). No error: cancelled unrun.
CREATE OR REPLACE FUNCTION task_problem(p_status job_status, p_kind text, p_detail text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'type', 'urn:taskyard:problem:' || CASE
      WHEN p_status = 'cancelled' THEN 'task-cancelled'
      WHEN p_kind = 'timeout' THEN 'task-timeout'
      ELSE 'task-failed' END,
    'title', CASE WHEN p_status = 'cancelled' THEN 'Task cancelled'
                  WHEN p_kind = 'timeout' THEN 'Task timed out'
                  ELSE 'Task failed' END,
    'detail', COALESCE(p_detail, 'cancelled'));
$$;

-- Keeps a task in step with its job, in the job's own transaction, so that no crash can leave a
-- finished job beside a running task.
CREATE OR REPLACE FUNCTION tasks_follow_job() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
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
      error = CASE WHEN OLD.status = 'running' THEN task_problem(NEW.status, NEW.error_kind, NEW.error_detail) END,
      updated_at = now(), last_seq = last_seq + 1
    WHERE id = t.id RETURNING last_seq INTO seq;
    PERFORM task_event_insert(t.id, seq, 'retrying', jsonb_build_object(
      'attempt', NEW.attempts, 'runAt', NEW.run_at,
      'reason', CASE WHEN OLD.status <> 'running' THEN 'retry requested'
                     WHEN NEW.handed_back THEN 'handed back by a stopping worker'
                     ELSE NEW.error_detail END));

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
    PERFORM task_finish(t.id, NEW.status::text::task_status, NULL,
                        task_problem(NEW.status, NEW.error_kind, NEW.error_detail));
  END IF;
  RETURN NULL;
END;
$$;

-- A task runs as one job of type `task:<type>` (TASK_JOB_PREFIX).
DROP TRIGGER IF EXISTS jobs_tasks_follow ON jobs;
CREATE TRIGGER jobs_tasks_follow
  AFTER UPDATE OF status ON jobs
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.type LIKE 'task:%')
  EXECUTE FUNCTION tasks_follow_job();

-- Whether a registered worker process counts as alive: it has not stopped, and it was heard from
-- within p_gone_after_ms (WORKERS_GONE_AFTER_MS of the reader). The one definition, for every read
-- of worker_processes; plain SQL, so it is inlined into the query that calls it.
CREATE OR REPLACE FUNCTION worker_alive(p_gone_at timestamptz, p_last_seen_at timestamptz,
                                        p_gone_after_ms integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT p_gone_at IS NULL AND p_last_seen_at >= now() - p_gone_after_ms * interval '1 millisecond'
$$;

-- Webhooks: every task event, however it was appended (the create statement, progress, the
-- functions above), queues one fan-out job (src/webhooks/webhook-jobs.ts) in the event's own
-- transaction when an endpoint of the task's tenant subscribes to it: the event and its webhooks
-- commit together or not at all. The same for a terminal event of a task with a callback_url
-- (CALLBACK_EVENT_TYPES in src/webhooks/webhook-events.ts). One read of the task by its key, then
-- at most one probe of webhook_endpoints_tenant_idx, and for a fan-out a read of its job by its key.
CREATE OR REPLACE FUNCTION task_events_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM tasks t
             WHERE t.id = NEW.task_id
               AND ((t.callback_url IS NOT NULL
                     AND NEW.kind IN ('succeeded', 'failed', 'cancelled'))
                    OR EXISTS (SELECT 1 FROM webhook_endpoints e
                               WHERE e.tenant = t.tenant
                                 AND 'task.' || NEW.kind = ANY (e.events)))) THEN
    -- The fan-out continues the task's trace, stored with the task's job (src/tracing).
    INSERT INTO jobs (queue, type, payload, max_attempts, trace_parent)
      VALUES ('webhooks', 'taskyard.webhooks.fanout',
              jsonb_build_object('taskId', NEW.task_id, 'seq', NEW.seq), 5,
              (SELECT j.trace_parent FROM tasks t JOIN jobs j ON j.id = t.job_id
               WHERE t.id = NEW.task_id));
    PERFORM pg_notify('taskyard_jobs', 'queue:webhooks');
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS task_events_webhooks ON task_events;
CREATE TRIGGER task_events_webhooks
  AFTER INSERT ON task_events
  FOR EACH ROW
  EXECUTE FUNCTION task_events_webhooks();
