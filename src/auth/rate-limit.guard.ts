import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import type { AuthenticatedRequest } from './auth.decorators.js';

/**
 * RATE_LIMIT_PER_MINUTE requests per API key and minute. Runs after AuthGuard, which names the
 * caller; open routes are not limited. Counters live in each process, so N API nodes allow up to
 * N times the limit.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiter?: RateLimiterMemory;

  constructor(private readonly config: AppConfig) {
    const points = config.auth.rateLimitPerMinute;
    if (points > 0) this.limiter = new RateLimiterMemory({ points, duration: 60 });
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
