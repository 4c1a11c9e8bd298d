import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource, QueryRunner } from 'typeorm';
import { SCHEMA_NAME } from '../config/environment.js';
import { moveFromPublic } from './public-layout.js';

/**
 * The project's migrations/ folder: beside the nearest package.json above this file, so that it is
 * found from src/ (tests), dist/ (builds) and other build folders alike.
 */
export const MIGRATIONS_DIR = findMigrationsDir(path.dirname(fileURLToPath(import.meta.url)));

function findMigrationsDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'migrations'))) {
      return path.join(dir, 'migrations');
    }
    if (dir === path.dirname(dir))
      throw new Error(`No migrations/ folder beside a package.json above ${from}`);
  }
}

/** `0007_add_task_events.sql`: a four-digit version, then a snake_case name. */
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Any fixed number: it names the lock that makes concurrent start-ups migrate one at a time. */
const MIGRATION_LOCK_ID = 7_240_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/**
 * migrations/repeatable/: files applied after the numbered ones whenever their checksum changed
 * (the database functions and triggers), each as a whole, recorded in `schema_repeatables`.
 */
const REPEATABLE_DIR = 'repeatable';
const REPEATABLE_NAME = /^()([a-z0-9_]+)\.sql$/;

export async function readMigrations(dir: string, repeatable = false): Promise<Migration[]> {
  const files = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (repeatable && error.code === 'ENOENT') return [];
    throw error;
  });
  const names = files.filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of names) {
    const match = (repeatable ? REPEATABLE_NAME : FILE_NAME).exec(file);
    if (!match)
      throw new Error(`Migration file name ${file} is not of the form 0001_snake_case.sql`);
    const version = Number(match[1]);
    if (!repeatable && migrations.some((m) => m.version === version)) {
      throw new Error(`Two migration files have version ${match[1]}`);
    }
    const sql = await readFile(path.join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version, name: match[2] ?? '', sql, checksum });
  }
  return migrations;
}

/**
 * Applies the SQL files of migrations/ in version order, each in its own transaction, in `schema`
 * (made if missing; an older installation's tables move there from public first), and records
 * them in its `schema_migrations`. An applied file that has since been edited stops the run:
 * migrations are append-only once they have shipped.
 */
export async function runMigrations(
  dataSource: DataSource,
  schema: string,
  dir = MIGRATIONS_DIR,
): Promise<Migration[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`"${schema}" is not a valid schema name`);
  const migrations = await readMigrations(dir);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Session-level lock: processes starting together wait here rather than race on DDL.
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await enterSchema(runner, schema);
    await moveFromPublic(runner, schema, migrations);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const applied = await appliedChecksums(runner);
    const pending: Migration[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum === undefined) pending.push(migration);
      else if (checksum !== migration.checksum) {
        throw new Error(
          `Migration ${label(migration)} was changed after it was applied; add a new migration instead`,
        );
      }
    }
    for (const migration of pending) await apply(runner, migration);
    await applyRepeatables(runner, await readMigrations(path.join(dir, REPEATABLE_DIR), true));
    return pending;
  } finally {
    await runner.query('RESET search_path').catch(() => undefined);
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * Makes the schema if it is missing (asking first: CREATE SCHEMA IF NOT EXISTS needs the right to
 * create one even when it exists) and puts this session in it, whatever the connection's own
 * search_path: the files' unqualified names then land there.
 */
async function enterSchema(runner: QueryRunner, schema: string): Promise<void> {
  const [found] = (await runner.query('SELECT to_regnamespace($1) IS NOT NULL AS found', [
    schema,
  ])) as { found: boolean }[];
  if (!found?.found) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await runner.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
}

async function appliedChecksums(runner: QueryRunner): Promise<Map<number, string>> {
  const rows = (await runner.query('SELECT version, checksum FROM schema_migrations')) as {
    version: number;
    checksum: string;
  }[];
  return new Map(rows.map((row) => [row.version, row.checksum]));
}

async function apply(runner: QueryRunner, migration: Migration): Promise<void> {
  await inTransaction(runner, label(migration), async () => {
    await runner.query(migration.sql);
    await runner.query(
      'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
      [migration.version, migration.name, migration.checksum],
    );
  });
}

async function inTransaction(
  runner: QueryRunner,
  file: string,
  work: () => Promise<void>,
): Promise<void> {
  await runner.startTransaction();
  try {
    await work();
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw new Error(`Migration ${file} failed: ${(error as Error).message}`, { cause: error });
  }
}

async function applyRepeatables(runner: QueryRunner, files: Migration[]): Promise<void> {
  if (files.length === 0) return;
  await runner.query(`
    CREATE TABLE IF NOT EXISTS schema_repeatables (
      name       text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const rows = (await runner.query('SELECT name, checksum FROM schema_repeatables')) as {
    name: string;
    checksum: string;
  }[];
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  for (const file of files) {
    if (applied.get(file.name) === file.checksum) continue;
    await inTransaction(runner, `repeatable/${file.name}.sql`, async () => {
      await runner.query(file.sql);
      await runner.query(
        `INSERT INTO schema_repeatables (name, checksum) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`,
        [file.name, file.checksum],
      );
    });
  }
}

function label(migration: Migration): string {
  return `${String(migration.version).padStart(4, '0')}_${migration.name}`;
}
