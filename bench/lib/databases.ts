import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** `serverUrl` with its database name replaced by `database`. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh database name made of `parts` and a random suffix, safe as an unquoted identifier. */
export function uniqueDatabaseName(...parts: string[]): string {
  const words = parts.map((part) => part.toLowerCase().replaceAll(/[^a-z0-9]+/g, '_'));
  return ['bench', ...words, randomBytes(4).toString('hex')].join('_');
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Creates database `name` on the server at `serverUrl`; returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return databaseUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  // FORCE ends sessions a crashed measurement may have left behind.
  await withClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}

/** Creates a fresh database, runs `use` with its URL, and drops it whatever happens. */
export async function withFreshDatabase<T>(
  serverUrl: string,
  nameParts: string[],
  use: (url: string) => Promise<T>,
): Promise<T> {
  const name = uniqueDatabaseName(...nameParts);
  const url = await createDatabase(serverUrl, name);
  try {
    return await use(url);
  } finally {
    await dropDatabase(serverUrl, name);
  }
}

/** Gives every system the same start: freshly enqueued rows vacuumed and analyzed. */
export async function vacuumAnalyze(url: string): Promise<void> {
  await withClient(url, (client) => client.query('VACUUM ANALYZE'));
}

/** Version and the settings that most sway queue throughput, as one line. */
export async function describeServer(serverUrl: string): Promise<string> {
  const settings = ['autovacuum', 'synchronous_commit', 'shared_buffers', 'max_connections'];
  return withClient(serverUrl, async (client) => {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const values = await client.query<{ name: string; setting: string }>(
      'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name',
      [settings],
    );
    const described = values.rows.map((row) => `${row.name} ${row.setting}`).join(', ');
    return `PostgreSQL ${version.rows[0].server_version} (${described})`;
  });
}
