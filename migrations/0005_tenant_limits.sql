-- Per-tenant limits set by an admin (PUT /api/v1/admin/tenants/:tenant/limits). A NULL column
-- takes the setting's default (TASKS_TENANT_MAX_RUNNING, TASKS_TENANT_MAX_QUEUED,
-- FILES_TENANT_MAX_BYTES); 0 for queued tasks or bytes means no limit for that tenant.
CREATE TABLE tenant_limits (
  tenant            text PRIMARY KEY,
  max_running_tasks integer CHECK (max_running_tasks > 0),
  max_queued_tasks  integer CHECK (max_queued_tasks >= 0),
  max_stored_bytes  bigint  CHECK (max_stored_bytes >= 0),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- The queued-tasks check counts a tenant's queued tasks up to its limit (LIMIT n on this index).
CREATE INDEX tasks_tenant_queued_idx ON tasks (tenant) WHERE status = 'queued';

-- The stored-bytes check sums a tenant's file sizes from the index alone.
CREATE INDEX files_tenant_size_idx ON files (tenant) INCLUDE (size);
