import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import { type Observable, tap } from 'rxjs';
import { contextOf, recordError } from './spans.js';

/**
 * The HTTP server span of a route (`POST /api/v1/tasks`), continuing a client's `traceparent`.
 * Manual rather than auto-instrumentation, which needs a loader hook under ESM.
 */
@Injectable()
export class RequestSpan implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = execution.switchToHttp();
    const request = http.getRequest<Request>();
    const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
    const parent = contextOf(request.headers);
    const span = trace.getTracer('taskyard').startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route },
      },
      parent,
    );
    if (!span.isRecording()) return next.handle();
    // Ended once the answer is sent: its status is set by then, by the handler or the error filter.
    const response = http.getResponse<Response>();
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      span.end();
    });
    // Nest binds the handler to the async context it is called in: this span's.
    return context
      .with(trace.setSpan(parent, span), () => next.handle())
      .pipe(
        tap({
          error: (error: unknown) => {
            // A 4xx is the client's error, not the server's (OpenTelemetry's HTTP conventions).
            if (!(error instanceof HttpException && error.getStatus() < 500))
              recordError(span, error);
          },
        }),
      );
  }
}
