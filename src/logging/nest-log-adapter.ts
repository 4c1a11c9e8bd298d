import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest's boot chatter: one line per module and route. Useful when debugging, noise otherwise. */
const BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'WebSocketsController',
]);

/**
 * Nest's own log lines into the process's pino logger. Boot chatter goes to debug. An error that
 * stops start-up (ExceptionHandler) goes to debug with its stack too: the start-up code prints one
 * line that says what failed and what to do. TypeORM's connection retries are warnings without a
 * stack trace.
 */
export class NestLogAdapter implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    this.write(BOOT_CONTEXTS.has(context ?? '') ? 'debug' : 'info', message, context);
  }

  error(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    const stack = rest.find((item): item is string => typeof item === 'string' && item !== context);
    if (context === 'ExceptionHandler') {
      this.write('debug', message, context, stack);
    } else if (context === 'TypeOrmModule') {
      this.write('warn', message, context);
    } else {
      this.write('error', message, context, stack);
    }
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, contextOf(rest));
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, contextOf(rest));
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, contextOf(rest));
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, contextOf(rest));
  }

  private write(
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    message: unknown,
    context: string | undefined,
    stack?: string,
  ): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = { context };
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

/** Nest passes the context as the last string argument. */
function contextOf(rest: unknown[]): string | undefined {
  const last = rest.at(-1);
  return typeof last === 'string' ? last : undefined;
}
