import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import type { Caller } from './api-key.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * Turns a presented key into a caller for HTTP requests and Socket.IO handshakes alike, and limits
 * failed attempts per client address: past AUTH_FAILURES_PER_MINUTE, that address is answered 429
 * without a lookup until its minute is out, so guessing keys costs the database nothing more.
 * Counters live in each process.
 */
@Injectable()
export class KeyAuthenticator {
  private readonly failures?: RateLimiterMemory;

  constructor(
    private readonly keys: ApiKeysService,
    private readonly config: AppConfig,
  ) {
    const points = config.auth.failuresPerMinute;
    if (points > 0) this.failures = new RateLimiterMemory({ points, duration: 60 });
  }

  /** The caller, or a 401 problem (unknown or revoked key) or a 429 one (too many failures). */
  async authenticate(key: string, address: string | undefined): Promise<Caller> {
    const limiter = this.failures;
    if (!limiter) {
      return (await this.keys.authenticate(key)) ?? unauthorized(UNKNOWN_KEY);
    }
    const client = address ?? 'unknown';
    const spent = await limiter.get(client);
    if (spent && spent.consumedPoints >= limiter.points) throw this.tooMany(spent);
    // A query takes one of the address's failures in advance (so concurrent guesses cannot all
    // reach the database) and gives it back if the key is good.
    let charged = false;
    const caller = await this.keys.authenticate(key, async () => {
      try {
        await limiter.consume(client);
        charged = true;
      } catch (error) {
        if (error instanceof RateLimiterRes) throw this.tooMany(error);
        throw error;
      }
    });
    if (caller && charged) await limiter.reward(client);
    if (caller) return caller;
    if (!charged) await limiter.penalty(client);
    return unauthorized(UNKNOWN_KEY);
  }

  private tooMany(state: RateLimiterRes): ProblemException {
    const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    return new ProblemException({
      status: 429,
      slug: 'too-many-auth-failures',
      title: 'Too Many Failed Authentications',
      detail: `Too many requests from this address failed authentication; try again in ${retryAfter} s.`,
      extensions: { retryAfter },
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}

const UNKNOWN_KEY = 'The API key is not known or has been revoked.';

/** Throws the 401 problem, with the header RFC 6750 asks for. */
export function unauthorized(detail: string): never {
  throw new ProblemException({
    status: 401,
    slug: 'unauthorized',
    title: 'Unauthorized',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="taskyard"' },
  });
}
