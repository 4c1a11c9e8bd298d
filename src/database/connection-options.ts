/** What Taskyard's own connections need to know: where the server is and which schema is theirs. */
export interface ConnectionTarget {
  /** Unset until the embedded server runs. */
  readonly url?: string;
  readonly schema: string;
}

/** pg's connection settings for one of Taskyard's own connections. */
export interface PgConnectionSettings {
  connectionString: string;
  /** Server settings at connection start-up (`-c name=value ...`). */
  options: string;
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
  const url = new URL(target.url);
  const own = url.searchParams.get('options');
  url.searchParams.delete('options');
  const ours = { jit: 'off', ...settings, search_path: target.schema };
  const options = [
    own,
    ...Object.entries(ours).map(([name, value]) => `-c ${name}=${value}`),
  ].filter(Boolean);
  return { connectionString: url.toString(), options: options.join(' ') };
}
