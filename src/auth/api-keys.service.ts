import { Injectable } from '@nestjs/common';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { type ApiKeyRole, type Caller, generateApiKey, hashApiKey, keyPrefix } from './api-key.js';
import { type ApiKeyRow, ApiKeysRepository } from './api-keys.repository.js';

/** How long a key's lookup is reused: a revoked key stops working within this time on every node. */
const CACHE_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;
/**
 * Unknown keys are remembered apart, briefly and in a bounded map (the oldest goes first), so that
 * a flood of random keys can neither grow memory nor push the known keys out of their cache.
 */
const NEGATIVE_CACHE_MS = 5_000;
const NEGATIVE_CACHE_MAX_ENTRIES = 1_000;
/** last_used_at is written at most this often per key (and process). */
const TOUCH_EVERY_MS = 60_000;

export interface CreatedApiKey {
  /** Shown once: only its hash is stored. */
  key: string;
  record: ApiKeyRow;
}

/** API keys: creation, revocation, and turning a presented key into a caller. */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { caller: Caller; until: number }>();
  private readonly unknown = new Map<string, number>();
  /** Lookups under way: concurrent requests with one key share a query. */
  private readonly pending = new Map<string, Promise<Caller | undefined>>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeysRepository,
    @InjectLogger('auth') private readonly logger: ContextLogger,
  ) {}

  async create(tenant: string, name: string, role: ApiKeyRole): Promise<CreatedApiKey> {
    const key = generateApiKey();
    const record = await this.keys.insert({
      tenant,
      name,
      role,
      keyHash: hashApiKey(key),
      keyPrefix: keyPrefix(key),
    });
    return { key, record };
  }

  list(tenant?: string): Promise<ApiKeyRow[]> {
    return this.keys.list(tenant);
  }

  async revoke(id: string): Promise<ApiKeyRow | undefined> {
    if (!isUuid(id)) return undefined;
    const revoked = await this.keys.revoke(id);
    // Other nodes notice within CACHE_MS; this one at once.
    for (const [hash, entry] of this.cache) if (entry.caller.keyId === id) this.cache.delete(hash);
    return revoked;
  }

  /**
   * The caller a presented key stands for; undefined for an unknown or revoked key. `beforeQuery`
   * runs only when the answer is not cached and no lookup of that key is under way, just before
   * the database is asked (it may throw to refuse the query).
   */
  async authenticate(key: string, beforeQuery?: () => Promise<void>): Promise<Caller | undefined> {
    const hash = hashApiKey(key);
    const cacheKey = hash.toString('base64');
    const now = Date.now();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) return cached.caller;
    if ((this.unknown.get(cacheKey) ?? 0) > now) return undefined;
    let lookup = this.pending.get(cacheKey);
    if (!lookup) {
      lookup = (beforeQuery ? beforeQuery() : Promise.resolve())
        .then(() => this.lookup(hash, cacheKey))
        .finally(() => this.pending.delete(cacheKey));
      this.pending.set(cacheKey, lookup);
    }
    return lookup;
  }

  private async lookup(hash: Buffer, cacheKey: string): Promise<Caller | undefined> {
    const row = await this.keys.findActiveByHash(hash);
    const now = Date.now();
    if (!row) {
      this.unknown.delete(cacheKey);
      if (this.unknown.size >= NEGATIVE_CACHE_MAX_ENTRIES) {
        this.unknown.delete(this.unknown.keys().next().value ?? '');
      }
      this.unknown.set(cacheKey, now + NEGATIVE_CACHE_MS);
      return undefined;
    }
    const caller = { keyId: row.id, tenant: row.tenant, role: row.role };
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(cacheKey, { caller, until: now + CACHE_MS });
    this.touch(caller.keyId, now);
    return caller;
  }

  private touch(keyId: string, now: number): void {
    if ((this.touchedAt.get(keyId) ?? 0) + TOUCH_EVERY_MS > now) return;
    this.touchedAt.set(keyId, now);
    this.keys.touch(keyId).catch((error: unknown) => {
      this.logger.warn({ err: error, keyId }, 'could not record when an API key was last used');
    });
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
