-- The W3C traceparent a job was queued under (src/tracing): its runs, in whichever process, are
-- spans of that trace. NULL when traces are off.
ALTER TABLE jobs ADD COLUMN trace_parent text;
