import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Caller } from './api-key.js';

export const PUBLIC_METADATA = 'taskyard:public';
export const ADMIN_ONLY_METADATA = 'taskyard:admin-only';
export const WORKER_ROUTE_METADATA = 'taskyard:worker-route';

/**
 * Open to anyone: health, and metrics unless METRICS_REQUIRE_KEY says otherwise (`'metrics'`).
 * Every other route needs an API key.
 */
export const Public = (kind: true | 'metrics' = true): ClassDecorator & MethodDecorator =>
  SetMetadata(PUBLIC_METADATA, kind);

/** Only admin keys; other keys get 404, as if the route did not exist. */
export const AdminOnly = (): ClassDecorator & MethodDecorator =>
  SetMetadata(ADMIN_ONLY_METADATA, true);

/**
 * The remote worker protocol: worker keys and admin keys. A worker key reaches these routes only;
 * user keys get 404 here, worker keys 404 everywhere else.
 */
export const WorkerRoute = (): ClassDecorator & MethodDecorator =>
  SetMetadata(WORKER_ROUTE_METADATA, true);

export type AuthenticatedRequest = Request & { caller?: Caller };

/** The caller the auth guard found for this request. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without authentication');
  return caller;
});
