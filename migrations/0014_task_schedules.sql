-- Recurring tasks a tenant schedules (POST /api/v1/schedules; docs/schedules.md): a task spec, a
-- cron expression read in an IANA time zone, and when it runs next. Worker processes create the
-- due ones' tasks (src/schedules/schedule-ticker.ts): the row lock (FOR UPDATE SKIP LOCKED) and
-- the task's idempotency key `schedule:<id>:<tick>` make each tick one task across all nodes.
CREATE TABLE task_schedules (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant        text        NOT NULL,
  type          text        NOT NULL,
  payload       jsonb,
  options       jsonb       NOT NULL DEFAULT '{}',
  input_file_id uuid REFERENCES files (id) ON DELETE RESTRICT,
  cron          text        NOT NULL,
  timezone      text        NOT NULL DEFAULT 'UTC',
  paused        boolean     NOT NULL DEFAULT false,
  -- The next tick to run; NULL while paused.
  next_run_at   timestamptz,
  last_run_at   timestamptz,
  last_task_id  uuid,
  -- Why the last tick made no task (e.g. the tenant's queued-tasks limit), else NULL.
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The ticker reads the due schedules, earliest first.
CREATE INDEX task_schedules_due_idx ON task_schedules (next_run_at) WHERE next_run_at IS NOT NULL;
-- GET /schedules lists a tenant's schedules in creation order.
CREATE INDEX task_schedules_tenant_idx ON task_schedules (tenant, created_at);
