-- What ended a job's last attempt, recorded apart from last_error's text so that the tasks trigger
-- reads it instead of parsing that text: the kind (ERROR_KINDS in src/jobs/errors.ts), the detail a
-- task shows, and whether the last attempt was handed back by a stopping worker (not counted).
ALTER TABLE jobs
  ADD COLUMN error_kind   text CONSTRAINT jobs_error_kind_check
                               CHECK (error_kind IN ('error', 'timeout', 'cancelled', 'lease-expired')),
  ADD COLUMN error_detail text,
  ADD COLUMN handed_back  boolean NOT NULL DEFAULT false;

-- Jobs still to run keep the error of their last attempt: read it once from the text it was
-- written as (`<ErrorName>: <message>`, or the reaper's sentence). Touches no status: no trigger.
UPDATE jobs SET
  error_kind = CASE WHEN last_error LIKE 'JobTimeoutError:%' THEN 'timeout'
                    WHEN last_error LIKE 'JobCancelledError:%' THEN 'cancelled'
                    WHEN last_error LIKE 'lease expired:%' THEN 'lease-expired'
                    ELSE 'error' END,
  error_detail = COALESCE(substring(last_error FROM '^[A-Za-z]*Error: (.*)$'), last_error)
WHERE last_error IS NOT NULL AND status IN ('queued', 'running');
