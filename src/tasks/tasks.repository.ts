import { Injectable } from '@nestjs/common';
import type { QueryConfig } from 'pg';
import { In, MoreThan, type Repository } from 'typeorm';
import { Database } from '../database/database.js';
import { type Db, prepared } from '../database/db.js';
import { entityColumns } from '../database/entity-columns.js';
import { GroupCommit, type GroupCommitPolicy } from '../database/group-commit.js';
import { quoteIdentifier } from './processors/csv/csv-columns.js';
import { LINE_COLUMN } from './processors/csv/csv-import.options.js';
import { TaskEventEntity } from './task-event.entity.js';
import { TaskEntity } from './task.entity.js';
import { FINISHED_STATUSES, type TaskProgress, type TaskStatus } from './task.js';

/**
 * One task to insert (its job exists already, in the same transaction). Keys are the columns'
 * names: the insert reads them with json_populate_recordset.
 */
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
  callback_url: string | null;
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
 * batch line already done) is skipped: the caller looks the existing task up. Hand-written: one
 * statement for a whole group-committed batch, event and NOTIFY included.
 */
function insertTasks(columns: string): (values: unknown[]) => QueryConfig {
  return prepared(
    'tasks.insert',
    `
WITH inserted AS (
  INSERT INTO tasks (id, tenant, type, input_file_id, payload, options, max_attempts, job_id,
                     idempotency_key, parent_id, parent_line, callback_url)
  SELECT id, tenant, type, input_file_id, payload, COALESCE(options, '{}'), max_attempts, job_id,
         idempotency_key, parent_id, parent_line, callback_url
  FROM json_populate_recordset(NULL::tasks, $1::json)
  ON CONFLICT DO NOTHING
  RETURNING *
), events AS (
  INSERT INTO task_events (task_id, seq, kind, data)
  SELECT id, 1, 'created', jsonb_build_object('type', type) FROM inserted
), notified AS (
  SELECT pg_notify('taskyard_task_events', id::text || ':1') FROM inserted
)
SELECT ${columns} FROM inserted WHERE (SELECT count(*) FROM notified) >= 0`,
  );
}

/**
 * Fenced by the attempt: a stale attempt's late progress changes nothing. Hand-written: the event
 * log's append (seq taken under the task's row lock, gapless) for a whole group-committed batch of
 * tasks in one round trip. The rows are locked in id order first, as every multi-task write should,
 * so that two batches never wait on each other in a cycle.
 */
const WRITE_PROGRESS = prepared(
  'tasks.progress',
  `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::int[], $3::jsonb[]) AS i(id, attempt, progress)
), locked AS (
  SELECT t.id FROM tasks t JOIN input i ON i.id = t.id
  WHERE t.status = 'running' AND t.attempts = i.attempt
  ORDER BY t.id FOR UPDATE OF t
), bumped AS (
  UPDATE tasks t SET progress = i.progress, last_seq = t.last_seq + 1, updated_at = now()
  FROM locked l JOIN input i ON i.id = l.id
  WHERE t.id = l.id AND t.status = 'running' AND t.attempts = i.attempt
  RETURNING t.id, t.attempts, t.last_seq, i.progress
)
SELECT id, attempts, task_event_insert(id, last_seq, 'progress', progress) FROM bumped`,
);

/** Progress of many tasks shares one statement and one commit; see WRITE_PROGRESS. */
const PROGRESS_BATCHES: GroupCommitPolicy = {
  maxBatch: 500,
  failedBatch: { writeAlone: 'concurrently' },
};

const attemptKey = (id: string, attempt: number): string => `${id}:${attempt}`;

/** A task's progress to write, for the attempt that reports it. */
interface ProgressWrite {
  id: string;
  attempt: number;
  progress: TaskProgress;
}

/** The table names csv.import gives, as its result stores them (already quoted). */
const IMPORT_TABLE = /^imports\."task_[0-9a-f]{32}"$/;
/** JSON numbers beyond this lose digits in JavaScript; such ints are sent as strings. */
const MAX_SAFE = '9007199254740991';

/** A column of an import table, from the task's stored result. */
export interface ImportColumn {
  name: string;
  type: string;
}

/** A listed task with its position: created_at in µs since the epoch (a Date keeps only ms). */
export type ListedTask = TaskEntity & { createdUs: string };

@Injectable()
export class TasksRepository {
  private readonly tasks: Repository<TaskEntity>;
  private readonly taskEvents: Repository<TaskEventEntity>;
  /** The tasks' columns for hand-written SQL that returns whole tasks. */
  private readonly columns: string;
  private readonly insertTasks: (values: unknown[]) => QueryConfig;
  private readonly findTask: (values: unknown[]) => QueryConfig;
  private readonly progressWrites: GroupCommit<ProgressWrite, boolean>;

  constructor(private readonly database: Database) {
    this.tasks = database.repository(TaskEntity);
    this.taskEvents = database.repository(TaskEventEntity);
    this.columns = entityColumns(this.tasks.metadata);
    this.insertTasks = insertTasks(this.columns);
    this.findTask = prepared(
      'tasks.find',
      `SELECT ${this.columns} FROM tasks WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)`,
    );
    this.progressWrites = new GroupCommit(
      (items) => this.writeProgressMany(items),
      PROGRESS_BATCHES,
    );
  }

  async insert(tx: Db, rows: NewTaskRow[]): Promise<TaskEntity[]> {
    return (await tx.query<TaskEntity>(this.insertTasks([JSON.stringify(rows)]))).rows;
  }

  /**
   * Hand-written and prepared: the hot read (each task run, each long-poll wake-up), where
   * TypeORM's findOneBy costs about three times the CPU; also runs in a create's transaction.
   */
  async find(id: string, tenant?: string, db: Db = this.database): Promise<TaskEntity | undefined> {
    return (await db.query<TaskEntity>(this.findTask([id, tenant ?? null]))).rows[0];
  }

  /** The id of the task that runs as job `jobId`, if it is one of `tenant` (undefined: any). */
  async idOfJob(jobId: string, tenant?: string): Promise<string | null> {
    const task = await this.tasks.findOne({
      select: { id: true },
      where: { jobId, ...(tenant === undefined ? {} : { tenant }) },
    });
    return task?.id ?? null;
  }

  /** In the create's transaction: hand-written, since TypeORM cannot join a pg transaction. */
  async findByIdempotencyKey(tx: Db, tenant: string, key: string): Promise<TaskEntity | undefined> {
    const { rows } = await tx.query<TaskEntity>(
      `SELECT ${this.columns} FROM tasks WHERE tenant = $1 AND idempotency_key = $2`,
      [tenant, key],
    );
    return rows[0];
  }

  /**
   * Newest first, after the `after` position (keyset: tasks_created_idx, tasks_tenant_created_idx,
   * and their status and type variants from migration 0016, so that a filter matching few rows
   * does not walk every task), each with its input file's name, size and media type (one join on
   * the files' primary key).
   */
  async list(filter: TaskFilter): Promise<ListedTask[]> {
    const query = this.tasks
      .createQueryBuilder('t')
      .leftJoin('t.inputFile', 'f')
      .addSelect(['f.id', 'f.name', 'f.size', 'f.mediaType'])
      .addSelect(`(extract(epoch FROM t.created_at) * 1000000)::bigint::text`, 'created_us')
      .orderBy('t.created_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .limit(filter.limit);
    if (filter.tenant) query.andWhere('t.tenant = :tenant', { tenant: filter.tenant });
    if (filter.statuses) query.andWhere('t.status IN (:...statuses)', filter);
    if (filter.type) query.andWhere('t.type = :type', { type: filter.type });
    if (filter.createdAfter) query.andWhere('t.created_at >= :createdAfter', filter);
    if (filter.createdBefore) query.andWhere('t.created_at < :createdBefore', filter);
    if (filter.after) {
      query.andWhere(
        `(t.created_at, t.id) < ('epoch'::timestamptz + CAST(:us AS bigint) * interval '1 microsecond', CAST(:id AS uuid))`,
        { us: filter.after.createdUs, id: filter.after.id },
      );
    }
    const { entities, raw } = await query.getRawAndEntities<{ created_us: string }>();
    return entities.map((task, i) => Object.assign(task, { createdUs: raw[i]?.created_us ?? '' }));
  }

  async events(taskId: string, afterSeq: number, limit: number): Promise<TaskEventEntity[]> {
    return this.taskEvents.find({
      where: { taskId, seq: MoreThan(afterSeq) },
      order: { seq: 'ASC' },
      take: limit,
    });
  }

  /**
   * Rows of a csv.import table after a line, in line order, each as one JSON object (`_line`
   * first; keys in column order, which jsonb would not keep). The table and column names come
   * from the task's stored result, never from the request, and are quoted here. Uses the unique
   * index on _line that the import builds. Hand-written: an import table's columns are the file's,
   * so it has no entity.
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
    const { rows } = await this.database.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json(r) AS row FROM (
         SELECT ${[LINE_COLUMN, ...select].join(', ')} FROM ${table}
         WHERE ${LINE_COLUMN} > $1 ORDER BY ${LINE_COLUMN} LIMIT $2) r ORDER BY r.${LINE_COLUMN}`,
      [afterLine, limit],
    );
    return rows.map((r) => r.row);
  }

  /** False when the attempt is no longer the task's current one. */
  async writeProgress(id: string, attempt: number, progress: TaskProgress): Promise<boolean> {
    return this.progressWrites.add({ id, attempt, progress });
  }

  /**
   * One statement for the batch. A task reported twice in one batch (two calls of a remote worker
   * at once) gets one write, of the later value: both callers hear the same answer.
   */
  private async writeProgressMany(items: ProgressWrite[]): Promise<boolean[]> {
    const writes = [
      ...new Map(items.map((item) => [attemptKey(item.id, item.attempt), item])).values(),
    ];
    const { rows } = await this.database.query<{ id: string; attempts: number }>(
      WRITE_PROGRESS([
        writes.map((w) => w.id),
        writes.map((w) => w.attempt),
        writes.map((w) => JSON.stringify(w.progress)),
      ]),
    );
    const written = new Set(rows.map((row) => attemptKey(row.id, row.attempts)));
    return items.map((item) => written.has(attemptKey(item.id, item.attempt)));
  }

  /** A `partial` event; the task's progress is left as it is (hand-written: as WRITE_PROGRESS). */
  async writePartial(id: string, attempt: number, data: unknown): Promise<boolean> {
    const { rows } = await this.database.query<{ last_seq: number }>(
      `WITH bumped AS (
         UPDATE tasks SET last_seq = last_seq + 1, updated_at = now()
         WHERE id = $1 AND status = 'running' AND attempts = $2 RETURNING id, last_seq)
       SELECT task_event_insert(id, last_seq, 'partial', $3), last_seq FROM bumped`,
      [id, attempt, JSON.stringify({ data })],
    );
    return rows.length === 1;
  }

  /** In the batch's transaction: hand-written, since TypeORM cannot join a pg transaction. */
  async addChildren(tx: Db, parentId: string, count: number): Promise<void> {
    await tx.query(`UPDATE tasks SET children_total = children_total + $2 WHERE id = $1`, [
      parentId,
      count,
    ]);
  }

  /** The jobs of a task's children that have not finished. */
  async unfinishedChildJobs(parentId: string): Promise<string[]> {
    const children = await this.tasks.find({
      select: { jobId: true },
      where: { parentId, status: In(['queued', 'running']) },
    });
    return children.map((child) => child.jobId);
  }

  /**
   * Ends a task that waits for its children as cancelled; false if it was not waiting any more.
   * Hand-written: task_finish() appends the event under the row lock, as the trigger does.
   */
  async cancelAwaiting(id: string): Promise<boolean> {
    const { rows } = await this.database.query<{ done: boolean }>(
      `WITH target AS (
         SELECT id FROM tasks WHERE id = $1 AND status = 'running' AND awaiting_children FOR UPDATE)
       SELECT task_finish(id, 'cancelled', NULL,
         task_problem('cancelled', NULL, 'cancelled while it waited for its children')) IS NULL AS done
       FROM target`,
      [id],
    );
    return rows.length === 1;
  }

  /** Deletes a finished task (its events and artifact rows go with it); false if it was not finished. */
  /** Deletes those of the tasks that are finished; answers how many went. */
  async deleteFinished(ids: string[]): Promise<number> {
    const { affected } = await this.tasks.delete({
      id: In(ids),
      status: In([...FINISHED_STATUSES]),
    });
    return affected ?? 0;
  }
}
