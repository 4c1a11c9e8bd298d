import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { ProblemException } from '../http/problem.js';
import type { AuthenticatedRequest } from './auth.decorators.js';
import { createRequestLimiter } from './request-limiter.js';

/**
 * RATE_LIMIT_PER_MINUTE requests per API key and minute. Runs after AuthGuard, which names the
 * caller; open routes are not limited. The counters are shared by every API process unless
 * RATE_LIMIT_STORE=memory (src/auth/request-limiter.ts).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiter?: RateLimiterAbstract;

  constructor(
    private readonly config: AppConfig,
    database: Database,
  ) {
    if (config.auth.rateLimitPerMinute > 0) this.limiter = createRequestLimiter(config, database);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiter || context.getType() !== 'http') return true;
    const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
    if (!caller) return true;
    const response = context.switchToHttp().getResponse<Response>();
    try {
      const state = await this.limiter.consume(caller.keyId);
      this.setHeaders(response, state);
      return true;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      this.setHeaders(response, error);
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ProblemException({
        status: 429,
        title: 'Too Many Requests',
        detail: `This API key may make ${this.config.auth.rateLimitPerMinute} requests a minute; try again in ${retryAfter} s.`,
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
  }

  private setHeaders(response: Response, state: RateLimiterRes): void {
    response.setHeader('RateLimit-Limit', this.config.auth.rateLimitPerMinute);
    response.setHeader('RateLimit-Remaining', Math.max(0, state.remainingPoints));
    response.setHeader('RateLimit-Reset', Math.ceil(state.msBeforeNext / 1000));
  }
}
