import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, Request, Response } from 'express';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { redactUrl } from '../logging/redact-url.js';
import { methodNotAllowedFor } from './method-not-allowed.js';
import { toProblem } from './to-problem.js';

/** Every HTTP error leaves as RFC 9457 `application/problem+json`, internals never included. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    @InjectLogger('http') private readonly logger: ContextLogger,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const express = this.adapterHost.httpAdapter.getInstance<Express>();
    const { problem, headers, unexpected } = toProblem(
      methodNotAllowedFor(error, request, express) ?? error,
      request.originalUrl.split('?')[0] ?? '/',
    );
    if (typeof request.id === 'string') problem.requestId = request.id;
    // Nest's 404 names the URL it could not route, query included: no credential goes back out.
    problem.detail = problem.detail.replaceAll(request.originalUrl, redactUrl(request.originalUrl));

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
