-- Webhook endpoints a tenant registers (POST /api/v1/webhooks), and the attempts to deliver to
-- them. The secret is kept as given (it signs every delivery, so it cannot be a hash); the API
-- shows it once, at creation.
CREATE TABLE webhook_endpoints (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant     text        NOT NULL,
  url        text        NOT NULL,
  events     text[]      NOT NULL CHECK (cardinality(events) > 0),
  secret     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- GET /webhooks lists a tenant's endpoints in creation order.
CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant, created_at);

-- One row per attempt to deliver one event to one endpoint; removed with the endpoint.
CREATE TABLE webhook_deliveries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  message_id  text        NOT NULL,
  event_type  text        NOT NULL,
  attempt     integer     NOT NULL CHECK (attempt >= 1),
  outcome     text        NOT NULL CHECK (outcome IN ('delivered', 'failed', 'refused')),
  status_code integer,
  duration_ms integer     NOT NULL CHECK (duration_ms >= 0),
  error       text,
  at          timestamptz NOT NULL DEFAULT now()
);

-- GET /webhooks/{id}/deliveries: an endpoint's latest attempts first.
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);
