-- @socket.io/postgres-adapter: broadcasts between API nodes travel by NOTIFY; payloads too large
-- for NOTIFY are stored here and fetched by id (the adapter deletes old rows itself).
CREATE TABLE socket_io_attachments (
  id         bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload    bytea
);
