-- Remote workers (docs/remote-workers.md): processes outside Taskyard that claim tasks over HTTP
-- with a `worker` API key. One row per tenant and worker name, holding the task types it serves
-- as registered (type, input, options JSON Schema, media types, concurrency). The jobs it claims
-- carry `remote:<tenant>/<name>` as lease_owner; the register, claim and heartbeat routes stamp
-- last_seen_at.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('user', 'admin', 'worker'));

CREATE TABLE remote_workers (
  tenant        text        NOT NULL,
  name          text        NOT NULL,
  types         jsonb       NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, name)
);
-- No other index: GET /task-types and task creation read the (small) table whole.
