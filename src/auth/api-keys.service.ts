import { Injectable } from '@nestjs/common';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { type ApiKeyRole, type Caller, generateApiKey, hashApiKey, keyPrefix } from './api-key.js';
import { type ApiKeyRow, ApiKeysRepository } from './api-keys.repository.js';

/** How long a key's lookup is reused: a revoked key stops working within this time on every node. */
const CACHE_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;
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
  private readonly cache = new Map<string, { caller: Caller | undefined; until: number }>();
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
      hash: hashApiKey(key),
      prefix: keyPrefix(key),
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
    for (const [hash, entry] of this.cache) if (entry.caller?.keyId === id) this.cache.delete(hash);
    return revoked;
  }

  /** The caller a presented key stands for; undefined for an unknown or revoked key. */
  async authenticate(key: string): Promise<Caller | undefined> {
    const hash = hashApiKey(key);
    const cacheKey = hash.toString('base64');
    const now = Date.now();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) return cached.caller;

    const row = await this.keys.findActiveByHash(hash);
    const caller = row && { keyId: row.id, tenant: row.tenant, role: row.role };
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(cacheKey, { caller, until: now + CACHE_MS });
    if (caller) this.touch(caller.keyId, now);
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
