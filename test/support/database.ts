import { randomBytes } from 'node:crypto';
import { Client, type QueryResultRow } from 'pg';

/** Set by the global setup: a URL with the right to create databases on the test server. */
export const ADMIN_URL_VARIABLE = 'TASKYARD_TEST_ADMIN_URL';

export function adminUrl(): string {
  const url = process.env[ADMIN_URL_VARIABLE];
  if (!url)
    throw new Error(`${ADMIN_URL_VARIABLE} is not set: run the tests through jest's global setup`);
  return url;
}

/** The schema of Taskyard's tables in test databases (DATABASE_SCHEMA's default). */
export const TEST_SCHEMA = 'taskyard';

export function urlForDatabase(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A URL whose connections look in `schema` first, as Taskyard's own do, then in public (where a
 * test's host application keeps its tables): tests then query both unqualified. Taskyard's own
 * connections set their search_path by themselves, to its schema alone.
 */
export function withSearchPath(url: string, schema = TEST_SCHEMA): string {
  const withPath = new URL(url);
  // %20 for the space, not searchParams' '+': psql (libpq) reads these URLs too and decodes only %XX.
  withPath.search = `options=${encodeURIComponent(`-c search_path=${schema},public`)}`;
  return withPath.toString();
}

/** Runs one statement on the server's maintenance connection. */
export function adminQuery<Row extends QueryResultRow = QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  return queryOnce<Row>(adminUrl(), sql, params);
}

/** One statement on a connection of its own. */
export async function queryOnce<Row extends QueryResultRow = QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  query<Row extends QueryResultRow = QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<Row[]>;
  drop(): Promise<void>;
}

/**
 * A fresh database of the test file's own, with Taskyard's schema still empty; the application
 * migrates it when it starts. Its `url` has that schema on the search_path.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `taskyard_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withSearchPath(urlForDatabase(name));
  // So that a test's own tables, made before the application starts, are where it looks for them.
  await queryOnce(url, `CREATE SCHEMA ${TEST_SCHEMA}`);
  return {
    name,
    url,
    query: (sql, params) => queryOnce(url, sql, params),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}
