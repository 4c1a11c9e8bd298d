import type { AppConfig } from './config/app-config.js';

/** An error whose message already says what failed and what to do. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * One line that says what stopped start-up and what to do about it, for any error thrown while
 * starting: a missing folder, an unreachable database, a port in use, a failed migration.
 */
export function describeStartupFailure(error: unknown, config: AppConfig): string {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as NodeJS.ErrnoException).code ?? causeCode(err);
  if (err instanceof StartupError) return err.message;
  if (code === 'EADDRINUSE') {
    return `port ${config.port} on ${config.host} is already in use: stop what listens there, or set PORT to another port (0 picks a free one)`;
  }
  if (code === 'EACCES' && /listen/.test(err.message)) {
    return `no permission to listen on port ${config.port}: set PORT to 1024 or above`;
  }
  const database = databaseProblem(err, code);
  if (database) {
    return `cannot use the database at ${safeDatabaseUrl(config.database.url)}: ${database}; check DATABASE_URL (or leave it empty to use the embedded PostgreSQL)`;
  }
  const message = firstLine(err.message) || err.name;
  return `${message} (LOG_LEVEL=debug shows the details)`;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);
/** PostgreSQL's SQLSTATEs for a bad login, a missing database or a refused connection. */
const LOGIN_STATES: Record<string, string> = {
  '28P01': 'the password was refused',
  '28000': 'the login was refused',
  '3D000': 'the database does not exist',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has no free connection slot',
};

function databaseProblem(err: Error, code: string | undefined): string | undefined {
  const text = firstLine(err.message) || 'no answer';
  if (code && CONNECTION_CODES.has(code)) return `${text} (${code})`;
  if (code && LOGIN_STATES[code]) return `${LOGIN_STATES[code]} (${text})`;
  if (/timeout expired|Connection terminated/i.test(err.message)) return firstLine(err.message);
  return undefined;
}

function causeCode(err: Error): string | undefined {
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** host:port/database of a URL, never its user or password. */
function safeDatabaseUrl(url: string | undefined): string {
  if (!url) return '(no URL)';
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(an unreadable URL)';
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}
