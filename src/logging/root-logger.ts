import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/environment.js';

/** Header and field values that must never reach a log line. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.databaseUrl',
];

/** Fields of an error worth a log line; pg errors also carry their client (with its secret key). */
const ERROR_FIELDS = ['type', 'message', 'stack', 'code', 'severity', 'detail', 'hint', 'cause'];

function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as Record<string, unknown>;
  return Object.fromEntries(
    ERROR_FIELDS.filter((f) => f in serialized).map((f) => [f, serialized[f]]),
  );
}

/**
 * The one pino logger of the process: readable lines in a terminal, JSON lines otherwise (for log
 * collectors). Nest's logger and the HTTP access log are children of it. Writes are synchronous:
 * lines stay in order and none is lost when the process exits right after logging.
 */
export function createRootLogger(
  level: LogLevel,
  stdoutIsTerminal: boolean = process.stdout.isTTY,
): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (!stdoutIsTerminal) return pino(options, pino.destination({ dest: 1, sync: true }));
  return pino(
    options,
    pretty({
      sync: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: (log, messageKey) => {
        const message = typeof log[messageKey] === 'string' ? log[messageKey] : '';
        return typeof log.context === 'string' ? `[${log.context}] ${message}` : message;
      },
    }),
  );
}
