-- The position of the tenant-wide live feed (`subscribe {all: true}`, src/gateway/tenant-stream.ts).
-- A sequence number alone cannot be a resumable position: values are taken in one order and
-- committed in another, so a cursor "after id N" would skip a row with a smaller id committed
-- later. Each event therefore records its transaction (`xid`): a position is a pg_snapshot, the
-- set of transactions whose events the client has had, and what comes next is every event whose
-- transaction is visible in a newer snapshot and not in that set (commit order, by construction).
-- `id` orders the events of such a delta; ids of one task rise with its seq, because both are
-- taken while the task's row is locked.
-- Rows older than this migration keep NULL in both: they precede every position.
ALTER TABLE task_events ADD COLUMN xid xid8;
ALTER TABLE task_events ADD COLUMN id bigint;
ALTER TABLE task_events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE SEQUENCE task_events_id_seq OWNED BY task_events.id;
ALTER TABLE task_events ALTER COLUMN id SET DEFAULT nextval('task_events_id_seq');

-- The first page of a delta: the transactions that ended between two snapshots.
CREATE INDEX task_events_xid_idx ON task_events (xid);
-- The later pages of a long delta, in id order (keyset).
CREATE INDEX task_events_id_idx ON task_events (id);
