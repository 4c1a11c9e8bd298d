import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { toProblem } from './to-problem.js';

/** Every HTTP error leaves as RFC 9457 `application/problem+json`, internals never included. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(ProblemDetailsFilter.name);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { problem, headers, unexpected } = toProblem(
      error,
      request.originalUrl.split('?')[0] ?? '/',
    );
    if (typeof request.id === 'string') problem.requestId = request.id;

    if (unexpected) this.logger.error({ err: error }, 'request failed unexpectedly');
    if (response.headersSent) {
      response.end();
      return;
    }
    response
      .status(problem.status)
      .set(headers)
      .type('application/problem+json')
      .send(JSON.stringify(problem));
  }
}
