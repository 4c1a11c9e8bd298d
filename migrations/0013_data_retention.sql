-- Retention of tasks and files (docs/architecture.md, "Data retention"): a tenant's own ages,
-- set by an admin beside its limits; NULL takes TASKS_RETENTION_HOURS / FILES_RETENTION_HOURS,
-- 0 keeps that data.
ALTER TABLE tenant_limits
  ADD COLUMN task_retention_hours integer CHECK (task_retention_hours >= 0),
  ADD COLUMN file_retention_hours integer CHECK (file_retention_hours >= 0);

-- The file retention walks uploads (not artifacts) from the oldest.
CREATE INDEX files_uploads_created_idx ON files (created_at) WHERE task_id IS NULL;
