import { pino, type Logger } from 'pino';
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

/**
 * The one pino logger of the process: JSON lines on stdout, or pretty lines when asked for debug
 * output in a terminal. Nest's logger and the HTTP request logger are children of it.
 */
export function createRootLogger(
  level: LogLevel,
  stdoutIsTerminal: boolean = process.stdout.isTTY,
): Logger {
  const pretty = stdoutIsTerminal && (level === 'debug' || level === 'trace');
  const options = {
    level,
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  // Synchronous writes: lines stay in order and none is lost when the process exits right after
  // logging (pino's default asynchronous stdout can reorder the last lines before an exit).
  return pino(options, pino.destination({ dest: 1, sync: true }));
}
