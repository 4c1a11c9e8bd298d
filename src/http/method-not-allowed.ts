import { NotFoundException } from '@nestjs/common';
import type { Express, Request } from 'express';
import { ProblemException } from './problem.js';

/** What this module reads of Express's router (router 2.x): its layers, each maybe a route. */
interface RouterLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}

/**
 * The methods the application's routes answer on `path`, in Express's own matching (so
 * `/api/v1/tasks/:id` matches any id); empty when no route has this path. The routes are the ones
 * Nest registered (and /docs), read from the router rather than listed by hand.
 */
export function allowedMethods(app: Express, path: string): string[] {
  const layers = (app.router as unknown as { stack: RouterLayer[] }).stack;
  const methods = new Set<string>();
  for (const layer of layers) {
    if (!layer.route || !layer.match(path)) continue;
    for (const [method, handled] of Object.entries(layer.route.methods)) {
      if (handled && method !== '_all') methods.add(method.toUpperCase());
    }
  }
  // Express answers HEAD on every GET route by itself.
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/**
 * Nest's catch-all answers a request no route took with a NotFoundException, before any guard
 * runs; when a route has the path with other methods, that is a 405 instead. `request.route` is set
 * only once a route handles the request, so a 404 thrown by a handler stays a 404.
 */
export function methodNotAllowedFor(
  error: unknown,
  request: Request,
  app: Express,
): ProblemException | undefined {
  if (!(error instanceof NotFoundException) || request.route !== undefined) return undefined;
  const allowed = allowedMethods(app, request.path);
  if (allowed.length === 0) return undefined;
  return new ProblemException({
    status: 405,
    title: 'Method Not Allowed',
    detail: `${request.method} is not allowed on ${request.path}; allowed: ${allowed.join(', ')}.`,
    headers: { Allow: allowed.join(', ') },
  });
}
