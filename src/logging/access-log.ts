import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestLogger } from './logger.js';
import { assignRequestId } from './request-id.js';

/** Routes that probes and scrapers hit every few seconds: no access log line for them. */
const QUIET_ROUTES = ['/health/live', '/health/ready', '/metrics'];

type LoggedRequest = IncomingMessage & {
  originalUrl?: string;
  route?: { path?: string };
  caller?: { tenant: string };
  log: Logger;
};

/**
 * One short line per request once it has been answered: method, path, status, time, request id
 * and tenant. The query string is left out: it may carry a credential. Everything logged while the
 * request is handled carries its id (see ContextLogger).
 */
export function accessLog(rootLogger: Logger) {
  const http = pinoHttp({
    logger: rootLogger,
    genReqId: assignRequestId,
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (request) => QUIET_ROUTES.includes(pathOf(request)) },
    customSuccessMessage: (request, response, ms) =>
      `${request.method} ${pathOf(request)} ${response.statusCode} ${ms}ms`,
    customErrorMessage: (request, response) =>
      `${request.method} ${pathOf(request)} ${response.statusCode}`,
    customSuccessObject: (request, response, fields: { responseTime: number }) =>
      accessFields(request as LoggedRequest, response, fields.responseTime),
    customErrorObject: (request, response, error, fields: { responseTime: number }) => ({
      ...accessFields(request as LoggedRequest, response, fields.responseTime),
      error: error.message,
    }),
  });
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    http(request, response);
    requestLogger.run((request as LoggedRequest).log, next);
  };
}

function accessFields(request: LoggedRequest, response: ServerResponse, ms: number) {
  return {
    method: request.method,
    path: pathOf(request),
    route: request.route?.path,
    status: response.statusCode,
    ms,
    tenant: request.caller?.tenant,
  };
}

function pathOf(request: IncomingMessage & { originalUrl?: string }): string {
  return (request.originalUrl ?? request.url ?? '').split('?')[0] ?? '';
}
