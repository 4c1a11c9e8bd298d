import { Client, type ClientConfig, type QueryConfig } from 'pg';
import type { Pooler } from '../config/environment.js';

/** What Taskyard's own connections need to know: where the server is and which schema is theirs. */
export interface ConnectionTarget {
  /** Unset until the embedded server runs. */
  readonly url?: string;
  readonly schema: string;
  /** Unset: the URL leads to PostgreSQL itself (or a session pooler). */
  readonly pooler?: Pooler;
  /** Unset: named prepared statements are used. */
  readonly preparedStatements?: boolean;
}

/** AppConfig's `database` as the connection helpers read it: where the direct connection is. */
export interface DatabaseTargets extends ConnectionTarget {
  readonly listenUrl?: string;
  readonly pollOnly: boolean;
}

/** pg's connection settings for one of Taskyard's own connections. */
export interface PgConnectionSettings {
  connectionString: string;
  /** Server settings at connection start-up (`-c name=value ...`); none through a pooler. */
  options?: string;
  /** For pools: a client that drops statement names, when they cannot be kept. */
  Client?: typeof Client;
}

/**
 * The direct connection (DATABASE_LISTEN_URL, else DATABASE_URL), for what needs a session of its
 * own: LISTEN and the migrations' session lock.
 */
export function directTarget(database: DatabaseTargets): ConnectionTarget {
  return { url: database.listenUrl ?? database.url, schema: database.schema };
}

/** Where LISTEN connects; undefined when there is no direct connection (DATABASE_LISTEN_URL=none). */
export function listenTarget(database: DatabaseTargets): ConnectionTarget | undefined {
  return database.pollOnly ? undefined : directTarget(database);
}

/**
 * The URL and start-up options of a connection of Taskyard's own: `search_path` is its schema, so
 * ordinary SQL and TypeORM stay unqualified, and `jit` is off (short OLTP statements only: the
 * claim query's cost estimate can pass jit_above_cost, and JIT compilation then adds ~30 ms to a
 * statement that runs in ~2 ms). `settings` adds more (e.g. synchronous_commit for claims).
 *
 * pg lets an `options` parameter of the URL replace the `options` given beside it, so the URL's own
 * options (a user's statement_timeout, say) are taken out of it and put first: ours come after and
 * win where both set the same name.
 */
export function pgConnectionSettings(
  target: ConnectionTarget,
  settings: Record<string, string> = {},
): PgConnectionSettings {
  if (!target.url)
    throw new Error('The database URL is not known yet: start the embedded server first');
  const client = target.preparedStatements === false ? { Client: UnnamedStatementsClient } : {};
  // A transaction pooler refuses start-up options (PgBouncer: "unsupported startup parameter"), and
  // could not keep them anyway: the role's own settings give the search_path there (checked at start).
  if (target.pooler === 'transaction') return { connectionString: target.url, ...client };
  const url = new URL(target.url);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  const ours = { jit: 'off', ...settings, search_path: target.schema };
  const options = [
    own,
    ...Object.entries(ours).map(([name, value]) => `-c ${name}=${value}`),
  ].filter(Boolean);
  return { connectionString: url.toString(), options: options.join(' '), ...client };
}

/**
 * A pg client that sends named statements unnamed: a pooler without protocol-level prepared
 * statements (PgBouncer before 1.21, or max_prepared_statements = 0) would run an Execute on a
 * server connection that never saw the Parse. Each call is then parsed and planned again.
 */
class UnnamedStatementsClient extends Client {
  constructor(config?: ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((first: unknown, ...rest: unknown[]) =>
      query(isNamed(first) ? { ...first, name: undefined } : first, ...rest)) as Client['query'];
  }
}

/** A plain query config with a name; a Submittable (COPY streams, cursors) is left as it is. */
function isNamed(value: unknown): value is QueryConfig {
  if (typeof value !== 'object' || value === null) return false;
  const config = value as Partial<QueryConfig> & { submit?: unknown };
  return typeof config.name === 'string' && typeof config.submit !== 'function';
}
