import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Database } from '../database/database.js';
import { type Db, prepared } from '../database/db.js';
import { quoteIdentifier } from './processors/csv/csv-columns.js';
import { LINE_COLUMN } from './processors/csv/csv-import.options.js';
import type { TaskEventRow, TaskProgress, TaskRow, TaskStatus } from './task.js';

/** One task to insert (its job exists already, in the same transaction). */
export interface NewTaskRow {
  id: string;
  tenant: string;
  type: string;
  input_file_id: string | null;
  payload: unknown;
  options: Record<string, unknown>;
  max_attempts: number;
  job_id: string;
  idempotency_key: string | null;
  parent_id: string | null;
  parent_line: number | null;
}

export interface TaskFilter {
  tenant?: string;
  statuses?: TaskStatus[];
  type?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Continue after this (created_at in µs since the epoch, id) position. */
  after?: { createdUs: string; id: string };
  limit: number;
}

/**
 * Inserts tasks with their `created` event (seq 1). A row that conflicts (idempotency key, or a
 * batch line already done) is skipped: the caller looks the existing task up.
 */
const INSERT_TASKS = prepared(
  'tasks.insert',
  `
WITH inserted AS (
  INSERT INTO tasks (id, tenant, type, input_file_id, payload, options, max_attempts, job_id,
                     idempotency_key, parent_id, parent_line)
  SELECT id, tenant, type, input_file_id, payload, COALESCE(options, '{}'), max_attempts, job_id,
         idempotency_key, parent_id, parent_line
  FROM json_populate_recordset(NULL::tasks, $1::json)
  ON CONFLICT DO NOTHING
  RETURNING *
), events AS (
  INSERT INTO task_events (task_id, seq, kind, data)
  SELECT id, 1, 'created', jsonb_build_object('type', type) FROM inserted
), notified AS (
  SELECT pg_notify('taskyard_task_events', id::text || ':1') FROM inserted
)
SELECT * FROM inserted WHERE (SELECT count(*) FROM notified) >= 0`,
);

/** Fenced by the attempt: a stale attempt's late progress changes nothing. */
const WRITE_PROGRESS = prepared(
  'tasks.progress',
  `
WITH bumped AS (
  UPDATE tasks SET progress = $3, last_seq = last_seq + 1, updated_at = now()
  WHERE id = $1 AND status = 'running' AND attempts = $2
  RETURNING id, last_seq
)
SELECT task_event_insert(id, last_seq, $4, $5) FROM bumped`,
);

/** The table names csv.import gives, as its result stores them (already quoted). */
const IMPORT_TABLE = /^imports\."task_[0-9a-f]{32}"$/;
/** JSON numbers beyond this lose digits in JavaScript; such ints are sent as strings. */
const MAX_SAFE = '9007199254740991';

/** A column of an import table, from the task's stored result. */
export interface ImportColumn {
  name: string;
  type: string;
}

const LIST_COLUMNS = `*, (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us`;

@Injectable()
export class TasksRepository {
  readonly pool: Pool;

  constructor(database: Database) {
    this.pool = database.pool;
  }

  async insert(tx: Db, rows: NewTaskRow[]): Promise<TaskRow[]> {
    return (await tx.query<TaskRow>(INSERT_TASKS([JSON.stringify(rows)]))).rows;
  }

  async find(id: string, tenant?: string, db: Db = this.pool): Promise<TaskRow | undefined> {
    const { rows } = await db.query<TaskRow>(
      `SELECT * FROM tasks WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)`,
      [id, tenant ?? null],
    );
    return rows[0];
  }

  async findByIdempotencyKey(tx: Db, tenant: string, key: string): Promise<TaskRow | undefined> {
    const { rows } = await tx.query<TaskRow>(
      `SELECT * FROM tasks WHERE tenant = $1 AND idempotency_key = $2`,
      [tenant, key],
    );
    return rows[0];
  }

  /** Newest first; `created_us` is the cursor of each row. */
  async list(filter: TaskFilter): Promise<(TaskRow & { created_us: string })[]> {
    const { rows } = await this.pool.query<TaskRow & { created_us: string }>(
      `SELECT ${LIST_COLUMNS} FROM tasks
       WHERE ($1::text IS NULL OR tenant = $1)
         AND ($2::task_status[] IS NULL OR status = ANY($2))
         AND ($3::text IS NULL OR type = $3)
         AND ($4::timestamptz IS NULL OR created_at >= $4)
         AND ($5::timestamptz IS NULL OR created_at < $5)
         AND ($6::bigint IS NULL
              OR (created_at, id) < ('epoch'::timestamptz + $6 * interval '1 microsecond', $7::uuid))
       ORDER BY created_at DESC, id DESC
       LIMIT $8`,
      [
        filter.tenant ?? null,
        filter.statuses ?? null,
        filter.type ?? null,
        filter.createdAfter ?? null,
        filter.createdBefore ?? null,
        filter.after?.createdUs ?? null,
        filter.after?.id ?? null,
        filter.limit,
      ],
    );
    return rows;
  }

  async events(taskId: string, afterSeq: number, limit: number): Promise<TaskEventRow[]> {
    const { rows } = await this.pool.query<TaskEventRow>(
      `SELECT * FROM task_events WHERE task_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [taskId, afterSeq, limit],
    );
    return rows;
  }

  /** A task's events after a seq, with its tenant: what the live feed sends. */
  async eventsWithTenant(
    taskId: string,
    afterSeq: number,
    limit = 1000,
  ): Promise<(TaskEventRow & { tenant: string })[]> {
    const { rows } = await this.pool.query<TaskEventRow & { tenant: string }>(
      `SELECT e.*, t.tenant FROM task_events e JOIN tasks t ON t.id = e.task_id
       WHERE e.task_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
      [taskId, afterSeq, limit],
    );
    return rows;
  }

  /**
   * Rows of a csv.import table after a line, in line order, each as one JSON object (`_line`
   * first; keys in column order, which jsonb would not keep). The table and column names come
   * from the task's stored result, never from the request, and are quoted here. Uses the unique
   * index on _line that the import builds.
   */
  async importRows(
    table: string,
    columns: ImportColumn[],
    afterLine: string,
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    if (!IMPORT_TABLE.test(table)) throw new Error(`not an import table: ${table}`);
    const select = columns.map(({ name, type }) => {
      const column = quoteIdentifier(name);
      return type === 'int'
        ? `CASE WHEN ${column} BETWEEN -${MAX_SAFE} AND ${MAX_SAFE} THEN to_json(${column}) ` +
            `ELSE to_json(${column}::text) END AS ${column}`
        : column;
    });
    const { rows } = await this.pool.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json(r) AS row FROM (
         SELECT ${[LINE_COLUMN, ...select].join(', ')} FROM ${table}
         WHERE ${LINE_COLUMN} > $1 ORDER BY ${LINE_COLUMN} LIMIT $2) r ORDER BY r.${LINE_COLUMN}`,
      [afterLine, limit],
    );
    return rows.map((r) => r.row);
  }

  /** False when the attempt is no longer the task's current one. */
  async writeProgress(id: string, attempt: number, progress: TaskProgress): Promise<boolean> {
    const json = JSON.stringify(progress);
    const { rowCount } = await this.pool.query(
      WRITE_PROGRESS([id, attempt, json, 'progress', json]),
    );
    return rowCount === 1;
  }

  /** A `partial` event; the task's progress is left as it is. */
  async writePartial(id: string, attempt: number, data: unknown): Promise<boolean> {
    const { rows } = await this.pool.query<{ last_seq: number }>(
      `WITH bumped AS (
         UPDATE tasks SET last_seq = last_seq + 1, updated_at = now()
         WHERE id = $1 AND status = 'running' AND attempts = $2 RETURNING id, last_seq)
       SELECT task_event_insert(id, last_seq, 'partial', $3), last_seq FROM bumped`,
      [id, attempt, JSON.stringify({ data })],
    );
    return rows.length === 1;
  }

  async addChildren(tx: Db, parentId: string, count: number): Promise<void> {
    await tx.query(`UPDATE tasks SET children_total = children_total + $2 WHERE id = $1`, [
      parentId,
      count,
    ]);
  }

  /** The jobs of a task's children that have not finished. */
  async unfinishedChildJobs(parentId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ job_id: string }>(
      `SELECT job_id FROM tasks WHERE parent_id = $1 AND status IN ('queued', 'running')`,
      [parentId],
    );
    return rows.map((row) => row.job_id);
  }

  /** Ends a task that waits for its children as cancelled; false if it was not waiting any more. */
  async cancelAwaiting(id: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ done: boolean }>(
      `WITH target AS (
         SELECT id FROM tasks WHERE id = $1 AND status = 'running' AND awaiting_children FOR UPDATE)
       SELECT task_finish(id, 'cancelled', NULL, jsonb_build_object(
         'type', 'urn:taskyard:problem:task-cancelled', 'title', 'Task cancelled',
         'detail', 'cancelled while it waited for its children')) IS NULL AS done FROM target`,
      [id],
    );
    return rows.length === 1;
  }

  /** Deletes a finished task (its events and artifact rows go with it); false if it was not finished. */
  async deleteFinished(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM tasks WHERE id = $1 AND status IN ('succeeded', 'failed', 'cancelled')`,
      [id],
    );
    return rowCount === 1;
  }
}
