/**
 * Start-up settings every system's connections get in the shared rows, so that no system's commits
 * skip the WAL flush the others wait for, and none plans with JIT while another does not. JIT off is
 * what Taskyard runs with in production; synchronous_commit on is PostgreSQL's default.
 */
export const SHARED_SESSION: Readonly<Record<string, string>> = {
  jit: 'off',
  synchronous_commit: 'on',
};

export function describeSharedSession(): string {
  return Object.entries(SHARED_SESSION)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

/**
 * `url` with the shared settings as its `options` parameter: node-postgres sends them in the
 * start-up packet of every connection made from it, whichever library opens the connection.
 */
export function withSharedSession(url: string): string {
  const withOptions = new URL(url);
  const options = Object.entries(SHARED_SESSION).map(([name, value]) => `-c ${name}=${value}`);
  withOptions.searchParams.set('options', options.join(' '));
  return withOptions.toString();
}
