import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsRegistry } from './metrics.registry.js';

/** A fixed label for requests no route matched, so that scanners cannot blow up the label set. */
const UNMATCHED_ROUTE = '(unmatched)';

@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsRegistry) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const stopTimer = this.metrics.httpRequestDuration.startTimer();
    response.once('finish', () => {
      // Express sets request.route once a route handler ran; its path is the template. Nest's
      // not-found handler is itself a wildcard route: wildcards count as unmatched.
      const template = (request.route as { path?: string } | undefined)?.path;
      const route = template && !template.includes('*') ? template : UNMATCHED_ROUTE;
      stopTimer({ method: request.method, route, status_code: String(response.statusCode) });
    });
    next();
  }
}
