import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
} from 'rate-limiter-flexible';
import type { AppConfig } from '../config/app-config.js';
import type { Database } from '../database/database.js';

const WINDOW_S = 60;

/**
 * The per-key request limiter. With RATE_LIMIT_STORE=postgres the counters are rows of
 * `rate_limits` (migrations/0012), so every API process counts against one limit; a key past it is
 * then refused from memory until its minute is out, without another database trip. While the
 * database cannot be reached each process counts alone.
 */
export function createRequestLimiter(config: AppConfig, database: Database): RateLimiterAbstract {
  const points = config.auth.rateLimitPerMinute;
  const inMemory = new RateLimiterMemory({ points, duration: WINDOW_S });
  if (config.auth.rateLimitStore === 'memory') return inMemory;
  return new RateLimiterPostgres({
    storeClient: database.pool,
    storeType: 'pool',
    schemaName: database.schema,
    tableName: 'rate_limits',
    tableCreated: true,
    // Expired rows are overwritten in place by the next request of their key; a sweep every five
    // minutes keeps the rows of keys that went quiet from piling up.
    clearExpiredByTimeout: true,
    keyPrefix: 'key',
    points,
    duration: WINDOW_S,
    inMemoryBlockOnConsumed: points,
    insuranceLimiter: inMemory,
  });
}
