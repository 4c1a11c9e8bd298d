import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';

/** Which failed tasks a read or an action is about; every field narrows. */
export interface FailureFilter {
  type?: string;
  queue?: string;
  tenant?: string;
  /** One group's `key`. */
  key?: string;
}

export interface FailureGroupRow {
  key: string;
  type: string;
  problem_type: string;
  title: string;
  detail: string;
  count: number;
  first_seen: Date;
  last_seen: Date;
  sample_task_id: string;
}

/** A failed task picked for an action: what TasksService.deleteFinished needs of it. */
export interface PickedFailure {
  id: string;
  type: string;
  tenant: string;
  jobId: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Failed tasks with their group, filtered by $1 type, $2 queue, $3 tenant, $4 key. The group is the
 * task type, the error's title and its detail with UUIDs and then digit runs masked ("row 17" and
 * "row 18" are one group); the key is the md5 of the three, so it stays the same while the group
 * exists and needs no table. The queue is the job's (tasks have none of their own), so a task whose
 * job retention removed has `queue` null. Hand-written: an aggregate over an expression. It reads
 * every failed task (no index on tasks.status: one would make each status change of every task
 * a non-HOT update), so it is for a view opened by hand, not a timer.
 */
const FAILED = `
WITH failed AS (
  SELECT t.id, t.type, t.tenant, t.job_id, t.finished_at, j.queue,
         COALESCE(t.error ->> 'type', '') AS problem_type,
         COALESCE(t.error ->> 'title', '') AS title,
         regexp_replace(regexp_replace(COALESCE(t.error ->> 'detail', ''), '${UUID}', '<uuid>', 'gi'),
                        '[0-9]+', '<n>', 'g') AS detail
  FROM tasks t LEFT JOIN jobs j ON j.id = t.job_id
  WHERE t.status = 'failed' AND ($1::text IS NULL OR t.type = $1)
    AND ($2::text IS NULL OR j.queue = $2) AND ($3::text IS NULL OR t.tenant = $3)
), keyed AS (
  SELECT *, md5(type || E'\\n' || title || E'\\n' || detail) AS key FROM failed
)
SELECT * FROM keyed WHERE $4::text IS NULL OR key = $4`;

const GROUPS = `
SELECT key, type, min(problem_type) AS problem_type, title, detail, count(*)::int AS count,
       min(finished_at) AS first_seen, max(finished_at) AS last_seen,
       (array_agg(id ORDER BY finished_at DESC, id))[1] AS sample_task_id
FROM (${FAILED}) f
GROUP BY key, type, title, detail
ORDER BY count DESC, last_seen DESC, key`;

/**
 * Oldest first, at most $5; with $6, only tasks whose job still exists (a task whose job retention
 * removed cannot be retried, and would otherwise be picked again at every call).
 */
const PICK = `
SELECT id, type, tenant, job_id AS "jobId" FROM (${FAILED}) f
WHERE NOT $6::boolean OR queue IS NOT NULL
ORDER BY finished_at, id
LIMIT $5`;

const COUNT = `SELECT count(*)::int AS n FROM (${FAILED}) f WHERE NOT $5::boolean OR queue IS NOT NULL`;

@Injectable()
export class FailuresRepository {
  constructor(private readonly database: Database) {}

  async groups(filter: FailureFilter): Promise<FailureGroupRow[]> {
    return (await this.database.query<FailureGroupRow>(GROUPS, values(filter))).rows;
  }

  async pick(filter: FailureFilter, limit: number, retryable: boolean): Promise<PickedFailure[]> {
    const params = [...values(filter), limit, retryable];
    return (await this.database.query<PickedFailure>(PICK, params)).rows;
  }

  async count(filter: FailureFilter, retryable: boolean): Promise<number> {
    const params = [...values(filter), retryable];
    return (await this.database.query<{ n: number }>(COUNT, params)).rows[0]?.n ?? 0;
  }
}

function values({ type, queue, tenant, key }: FailureFilter): (string | null)[] {
  return [type ?? null, queue ?? null, tenant ?? null, key ?? null];
}
