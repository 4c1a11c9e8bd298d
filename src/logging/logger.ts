import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject } from '@nestjs/common';
import type { Logger } from 'pino';

/** The current request's logger (its lines carry the request id) while a request is handled. */
export const requestLogger = new AsyncLocalStorage<Logger>();

type LogArguments = [message: string] | [fields: object, message?: string];
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A provider's named logger. Inside an HTTP request its lines also carry that request's id, so a
 * service's log line can be traced to the request that caused it.
 */
export class ContextLogger {
  /** The plain pino logger of this context, for components that take one. */
  readonly logger: Logger;

  constructor(
    root: Logger,
    private readonly context: string,
  ) {
    this.logger = root.child({ context });
  }

  fatal = (...args: LogArguments): void => this.write('fatal', args);
  error = (...args: LogArguments): void => this.write('error', args);
  warn = (...args: LogArguments): void => this.write('warn', args);
  info = (...args: LogArguments): void => this.write('info', args);
  debug = (...args: LogArguments): void => this.write('debug', args);
  trace = (...args: LogArguments): void => this.write('trace', args);

  private write(level: Level, [first, message]: LogArguments): void {
    const inRequest = requestLogger.getStore();
    const target = inRequest ?? this.logger;
    if (!target.isLevelEnabled(level)) return;
    const fields = typeof first === 'string' ? {} : first;
    const text = typeof first === 'string' ? first : message;
    target[level](inRequest ? { context: this.context, ...fields } : fields, text);
  }
}

/** Contexts asked for with @InjectLogger; LoggingModule provides one ContextLogger for each. */
export const loggerContexts = new Set<string>();

export function loggerToken(context: string): string {
  return `ContextLogger:${context}`;
}

/** Injects the ContextLogger named `context`. */
export function InjectLogger(context: string): ParameterDecorator {
  loggerContexts.add(context);
  return Inject(loggerToken(context));
}
