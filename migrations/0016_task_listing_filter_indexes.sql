-- Listing filtered by status or by type, newest first (GET /api/v1/tasks?status=…&type=…). With
-- only the created_at indexes, a filter that matches few rows (status=running, a type nobody uses)
-- walks the whole index: about half a second at 1,000,000 tasks. Each index here finds the first
-- page in a few pages read, for a tenant and for an admin across tenants.
--
-- Write cost: one more index entry per index on each task insert. A status change was already
-- never a HOT update (tasks_tenant_queued_idx's predicate reads status), so every index already
-- gets an entry on it; type never changes. Progress and partial events change neither column,
-- so they stay HOT. A filter on several statuses reads each status's entries and sorts them.
-- Built in the migration's transaction, which holds task writes while it runs: about 20 s at
-- 1,000,000 tasks on a 2-core machine.
CREATE INDEX tasks_status_created_idx ON tasks (status, created_at DESC, id DESC);
CREATE INDEX tasks_tenant_status_created_idx ON tasks (tenant, status, created_at DESC, id DESC);
CREATE INDEX tasks_type_created_idx ON tasks (type, created_at DESC, id DESC);
CREATE INDEX tasks_tenant_type_created_idx ON tasks (tenant, type, created_at DESC, id DESC);
