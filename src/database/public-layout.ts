import type { QueryRunner } from 'typeorm';
import type { Migration } from './migrator.js';

/**
 * What migrations 0001–0005 made in `public`, before Taskyard had a schema of its own. Frozen: every
 * later migration runs in the new schema. Indexes, constraints, triggers and the sequences owned by
 * columns move with their tables.
 */
const TABLES = [
  'schema_migrations',
  'jobs',
  'job_queues',
  'job_groups',
  'job_schedules',
  'api_keys',
  'files',
  'tasks',
  'task_events',
  'socket_io_attachments',
  'tenant_limits',
];
const SEQUENCES = ['job_lease_tokens'];
const TYPES = ['job_status', 'task_status'];
/** As `oid::regprocedure` prints them with public on the search_path. */
const FUNCTIONS = [
  'job_groups_release()',
  'task_event_insert(uuid,integer,text,jsonb)',
  'task_child_finished(uuid,task_status,integer)',
  'task_children_tally(tasks)',
  'task_finish(uuid,task_status,jsonb,jsonb)',
  'task_error_of(job_status,text)',
  'tasks_follow_job()',
];

/**
 * Moves an installation made before DATABASE_SCHEMA existed from `public` into `schema`, in one
 * transaction; the caller holds the migration lock. It is one when `schema` has no migrations
 * table yet and `public.schema_migrations` records this folder's first migration with the same
 * checksum; anything else in public (a host application's own `jobs`, say) is left alone.
 * Answers whether it moved anything.
 */
export async function moveFromPublic(
  runner: QueryRunner,
  schema: string,
  migrations: Migration[],
): Promise<boolean> {
  if (schema === 'public' || !(await isTaskyardInPublic(runner, schema, migrations[0]))) {
    return false;
  }
  await runner.startTransaction();
  try {
    // regprocedure prints argument types unqualified only while their schema is on the path.
    await runner.query(`SET LOCAL search_path = public`);
    for (const statement of await moveStatements(runner, schema)) await runner.query(statement);
    await runner.commitTransaction();
    return true;
  } catch (error) {
    await runner.rollbackTransaction();
    throw new Error(
      `Moving Taskyard's tables from public to ${schema} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function isTaskyardInPublic(
  runner: QueryRunner,
  schema: string,
  first: Migration | undefined,
): Promise<boolean> {
  if (!first) return false;
  const [state] = (await runner.query(
    `SELECT to_regclass(format('%I.schema_migrations', $1::text)) IS NOT NULL AS moved,
            (SELECT count(*) FROM information_schema.columns
              WHERE table_schema = 'public' AND table_name = 'schema_migrations'
                AND column_name IN ('version', 'name', 'checksum')) = 3 AS recorded`,
    [schema],
  )) as { moved: boolean; recorded: boolean }[];
  if (!state || state.moved || !state.recorded) return false;
  const rows = (await runner.query(
    'SELECT 1 FROM public.schema_migrations WHERE version = $1 AND name = $2 AND checksum = $3',
    [first.version, first.name, first.checksum],
  )) as unknown[];
  return rows.length === 1;
}

/** Functions first: their signatures name the types, which must still be found in public. */
async function moveStatements(runner: QueryRunner, schema: string): Promise<string[]> {
  const rows = (await runner.query(
    `SELECT 1 AS step, format('ALTER FUNCTION public.%s SET SCHEMA %I', p.oid::regprocedure, $1::text) AS sql
       FROM pg_proc p
      WHERE p.pronamespace = 'public'::regnamespace AND p.oid::regprocedure::text = ANY($2)
     UNION ALL
     SELECT 2, format('ALTER %s public.%I SET SCHEMA %I',
                   CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.relname, $1::text)
       FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace
        AND ((c.relkind = 'r' AND c.relname = ANY($3)) OR (c.relkind = 'S' AND c.relname = ANY($4)))
     UNION ALL
     SELECT 3, format('ALTER TYPE public.%I SET SCHEMA %I', t.typname, $1::text)
       FROM pg_type t
      WHERE t.typnamespace = 'public'::regnamespace AND t.typname = ANY($5)
     ORDER BY step`,
    [schema, FUNCTIONS, TABLES, SEQUENCES, TYPES],
  )) as { sql: string }[];
  return rows.map((row) => row.sql);
}
