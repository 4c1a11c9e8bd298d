import type { ContractDocument } from './response-check.js';
import type { Exchange } from './typed-fetch.js';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

export interface RouteStatuses {
  /** e.g. "GET /api/v1/tasks/{id}" */
  operation: string;
  /** The statuses the session got from it, sorted; empty when it never called it. */
  statuses: number[];
}

/** Every operation of the document, with the statuses the session saw from each. */
export function routeStatuses(document: ContractDocument, exchanges: Exchange[]): RouteStatuses[] {
  const seen = new Map<string, Set<number>>();
  for (const exchange of exchanges) {
    const operation = `${exchange.method.toUpperCase()} ${exchange.template}`;
    seen.set(operation, (seen.get(operation) ?? new Set()).add(exchange.status));
  }
  return Object.entries(document.paths).flatMap(([template, item]) =>
    METHODS.filter((method) => method in item).map((method) => {
      const operation = `${method.toUpperCase()} ${template}`;
      return { operation, statuses: [...(seen.get(operation) ?? [])].sort((a, b) => a - b) };
    }),
  );
}

/** The list as the test prints it: one operation a line, its statuses after it. */
export function formatRoutes(routes: RouteStatuses[]): string {
  const width = Math.max(...routes.map((r) => r.operation.length));
  return routes
    .map((r) => `${r.operation.padEnd(width)}  ${r.statuses.join(' ') || '(never called)'}`)
    .join('\n');
}
