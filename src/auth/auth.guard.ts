import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { KeyAuthenticator, unauthorized } from './key-authenticator.js';
import {
  ADMIN_ONLY_METADATA,
  type AuthenticatedRequest,
  PUBLIC_METADATA,
  WORKER_ROUTE_METADATA,
} from './auth.decorators.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Every route needs a valid API key unless marked @Public(); @AdminOnly() routes need an admin key;
 * @WorkerRoute() routes a worker or admin key, and a worker key reaches nothing else.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: KeyAuthenticator,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const open = this.reflector.getAllAndOverride<true | 'metrics' | undefined>(
      PUBLIC_METADATA,
      targets,
    );
    if (open === true || (open === 'metrics' && !this.config.auth.metricsRequireKey)) return true;
    const adminOnly =
      open === 'metrics' || this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY_METADATA, targets);

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) unauthorized('This route needs an API key: send "Authorization: Bearer <key>".');
    const key = BEARER.exec(header)?.[1];
    if (!key) unauthorized('The Authorization header must read "Bearer <key>".');
    const caller = await this.authenticator.authenticate(key, request.ip);
    request.caller = caller;

    const workerRoute = this.reflector.getAllAndOverride<boolean>(WORKER_ROUTE_METADATA, targets);
    const refused = workerRoute
      ? caller.role === 'user'
      : caller.role === 'worker' || (caller.role !== 'admin' && adminOnly);
    if (refused) {
      // As for another tenant's ids: a key learns nothing of what it cannot reach.
      throw new ProblemException({
        status: 404,
        slug: 'not-found',
        title: 'Not Found',
        detail: `Cannot ${request.method} ${request.path}`,
      });
    }
    return true;
  }
}
