-- A task's own callbackUrl (docs/webhooks.md, "A task's own callback"): its terminal events are
-- POSTed there, signed with the tenant's callback secret, and each attempt is recorded in
-- webhook_deliveries beside the endpoints' attempts.
ALTER TABLE tasks ADD COLUMN callback_url text;

-- One signing secret per tenant for callbacks, made on first use (GET /webhooks/default/secret
-- or the first delivery); the primary key makes two first uses agree on one.
CREATE TABLE webhook_callback_secrets (
  tenant     text PRIMARY KEY,
  secret     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An attempt is to an endpoint, or to a task's callbackUrl: exactly one of the two.
ALTER TABLE webhook_deliveries ALTER COLUMN endpoint_id DROP NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN task_id uuid REFERENCES tasks (id) ON DELETE CASCADE;
ALTER TABLE webhook_deliveries
  ADD CONSTRAINT webhook_deliveries_target_check CHECK (num_nonnulls(endpoint_id, task_id) = 1);

-- GET /tasks/{id}/callbacks: a task's latest callback attempts first (and the cascade on delete).
CREATE INDEX webhook_deliveries_task_idx ON webhook_deliveries (task_id, id DESC)
  WHERE task_id IS NOT NULL;
