/** Socket errors of a connection to PostgreSQL that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is not there for us: class 08 (connection exception), 57P01-03
 * (terminated by an administrator, crash shutdown, cannot connect now: starting or stopping),
 * 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** pg and pg-pool say these in plain messages, with no code. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  // "… unexpectedly", "… due to connection timeout"
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/** 55000 is a broad class; with this message it is a database closed to new connections. */
const NOT_ACCEPTING = /is not currently accepting connections/;

/**
 * True when `error` (or what it wraps: TypeORM's driverError, a cause, an AggregateError's errors)
 * says PostgreSQL cannot be reached, rather than that the statement was wrong: a fault that goes
 * away by itself, answered 503 with Retry-After.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, driverError, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true;
    if (code === '55000' && typeof message === 'string' && NOT_ACCEPTING.test(message)) return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m))) {
    return true;
  }
  const inner = [driverError, cause, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((e) => e !== error && isDatabaseUnavailable(e, depth + 1));
}
