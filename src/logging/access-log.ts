import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestLogger } from './logger.js';
import { redactUrl } from './redact-url.js';
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
 * One short line per request once it has been answered: method, URL, status, time, request id
 * and tenant. The query string is logged with the value of every parameter that looks like a
 * credential redacted (`?access_token=[redacted]`). Everything logged while the request is handled
 * carries its id (see ContextLogger).
 */
export function accessLog(rootLogger: Logger) {
  const http = pinoHttp({
    logger: rootLogger,
    genReqId: assignRequestId,
    quietReqLogger: true,
    quietResLogger: true,
    // Wherever a request object is logged (an error's context), its URL's credentials are not.
    serializers: { req: (req: { url?: string }) => ({ ...req, url: redactUrl(req.url ?? '') }) },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (request) => QUIET_ROUTES.includes(pathOf(request)) },
    customSuccessMessage: (request, response, ms) =>
      `${request.method} ${loggedUrl(request)} ${response.statusCode} ${ms}ms`,
    customErrorMessage: (request, response) =>
      `${request.method} ${loggedUrl(request)} ${response.statusCode}`,
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
    url: loggedUrl(request),
    route: request.route?.path,
    status: response.statusCode,
    ms,
    tenant: request.caller?.tenant,
  };
}

/** The URL as sent, credentials in its query redacted. */
function loggedUrl(request: IncomingMessage & { originalUrl?: string }): string {
  return redactUrl(request.originalUrl ?? request.url ?? '');
}

function pathOf(request: IncomingMessage & { originalUrl?: string }): string {
  return (request.originalUrl ?? request.url ?? '').split('?')[0] ?? '';
}
